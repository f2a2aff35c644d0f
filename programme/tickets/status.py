"""The applicant's status check (ticket number + last 4 digits of the phone, no login), throttled.

Four digits are 10,000 guesses: every anonymous check is recorded (ticket_checks, migration 0021), and after
a few wrong digits for one number the number's anonymous check is locked for a growing period, whether or not
the number exists (an unknown number and wrong digits answer alike, locked or not). Each source address is
slowed down too, so one client cannot walk through many numbers. The staff queue is not affected: an
applicant who is locked out can ask at the window.
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from geo.core.errors import InvalidInput, NotFound, TooManyAttempts
from programme.tickets import queries as q
from programme.tickets.service import STATUSES, normalise_no
from registry.personal import PersonalDataCipher
from registry.throttle import Backoff, longest_wait, too_many

NOT_FOUND = "no ticket with this number and phone: check the number and the last 4 digits of the phone"


@dataclass(frozen=True)
class CheckPolicy:
    """How wrong digits lock a number's anonymous check, and how wrong checks slow down an address."""

    # after 5 wrong digits in a day: 15 min, 30 min, 1 h … at most a day
    per_ticket: Backoff = field(default_factory=lambda: Backoff(5, 15 * 60, 24 * 3600, 24 * 3600))
    # after 10 wrong checks in 15 minutes: 15 s, 30 s … at most 15 minutes
    per_source: Backoff = field(default_factory=lambda: Backoff(10, 15, 15 * 60, 15 * 60))


def ticket_locked(seconds: int) -> TooManyAttempts:
    """The refusal while a number's check is locked: when to try again, or go to the window."""
    minutes = math.ceil(seconds / 60)
    return TooManyAttempts(
        f"该办件查询输错次数过多，已暂停网上查询，请 {minutes} 分钟后再试，或到办事窗口查询（too many wrong "
        f"tries for this ticket number: try again in {minutes} minutes, or ask at the service window）",
        retry_after=seconds,
    )


def _waits(conn: Connection, ticket_hash: bytes, source: str, policy: CheckPolicy) -> tuple[int, int]:
    """Seconds the number's lock and the address's throttle still hold (after taking the number's lock)."""
    conn.execute(q.LOCK_CHECK_KEY, {"key": f"ticket:{ticket_hash.hex()}"})
    counts = conn.execute(
        q.CHECK_FAILURES,
        {
            "ticket_hash": ticket_hash,
            "source": source,
            "ticket_window": policy.per_ticket.window_seconds,
            "source_window": policy.per_source.window_seconds,
        },
    ).one()
    return (
        policy.per_ticket.wait(counts.ticket_failures, counts.ticket_idle),
        policy.per_source.wait(counts.source_failures, counts.source_idle),
    )


def _found(conn: Connection, number: str, last4: str, cipher: PersonalDataCipher) -> dict[str, Any] | None:
    """The ticket's status and history if the number exists and the digits match, else None."""
    conn.execute(q.SET_TICKET_NO, {"no": number})
    row = conn.execute(q.TICKET_BY_NO, {"no": number}).one_or_none()
    if row is None or not hmac.compare_digest(cipher.decrypt(bytes(row.phone_cipher))[-4:], last4):
        return None
    events = [
        {
            "from": e.from_status,
            "to": e.to_status,
            "to_name": STATUSES[e.to_status],
            "at": e.at.isoformat(),
            "note": e.note,
            "by_staff": e.account_id is not None,
        }
        for e in conn.execute(q.EVENTS, {"id": row.ticket_id})
    ]
    return {
        "ticket_no": row.ticket_no,
        "category_name": row.category_name,
        "unit_name": row.unit_name,
        "area_name": row.area_name,
        "status": row.status,
        "status_name": STATUSES[row.status],
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
        "events": events,
    }


def check_status(
    engine: Engine,
    ticket_no: str,
    phone_last4: str,
    *,
    cipher: PersonalDataCipher,
    source: str,
    policy: CheckPolicy = CheckPolicy(),
) -> dict[str, Any]:
    """The ticket's status and history for its applicant; NotFound alike for a wrong number or wrong digits,
    TooManyAttempts while the number is locked or the address throttled. Every check is recorded."""
    last4 = phone_last4.strip()
    if len(last4) != 4 or not last4.isdigit():
        raise InvalidInput("give the last 4 digits of the phone number", field="phone_last4")
    number = normalise_no(ticket_no)
    ticket_hash = cipher.keyed_hash(f"ticket:{number}")
    with engine.begin() as conn:
        ticket_wait, source_wait = _waits(conn, ticket_hash, source, policy)
        found = None if ticket_wait or source_wait else _found(conn, number, last4, cipher)
        outcome = "throttled" if ticket_wait or source_wait else "ok" if found else "wrong"
        conn.execute(q.INSERT_CHECK, {"ticket_hash": ticket_hash, "source": source, "outcome": outcome})
    if ticket_wait:
        raise ticket_locked(longest_wait(ticket_wait, source_wait))
    if source_wait:
        raise too_many(source_wait)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found
