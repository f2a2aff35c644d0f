"""ORM models of the account tables (schema owned by migration 0006_accounts_rls)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.db import Base


class AccountRow(Base):
    """A real-name account; phone and ID number only as ciphertext and keyed hash."""

    __tablename__ = "accounts"
    account_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text)
    phone_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    phone_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    id_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    id_cipher: Mapped[bytes] = mapped_column(LargeBinary)
    role: Mapped[str] = mapped_column(Text)
    area_code: Mapped[str] = mapped_column(String(12), ForeignKey("admin_areas.code"))
    enterprise_id: Mapped[int | None] = mapped_column(BigInteger)
    resident_id: Mapped[int | None] = mapped_column(BigInteger)
    password_hash: Mapped[str] = mapped_column(Text)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A login session: the SHA-256 of its bearer token and when it expires."""

    __tablename__ = "sessions"
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("accounts.account_id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source_addr: Mapped[str] = mapped_column(Text, default="")
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # idle expiry of page sessions


class LoginEventRow(Base):
    """One login attempt, successful or not (the login name only as a keyed hash)."""

    __tablename__ = "login_events"
    event_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    account_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("accounts.account_id", ondelete="SET NULL")
    )
    login_hash: Mapped[bytes] = mapped_column(LargeBinary)
    success: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    source_addr: Mapped[str] = mapped_column(Text, default="")


class AuditRow(Base):
    """An audited action by an account or an operator (what, on which target, from where)."""

    __tablename__ = "audit_log"
    audit_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # NULL: an operator at the command line (source_addr names the OS user)
    account_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("accounts.account_id", ondelete="CASCADE")
    )
    action: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text, default="")
    source_addr: Mapped[str] = mapped_column(Text, default="")
