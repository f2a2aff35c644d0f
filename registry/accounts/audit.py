"""Audit entries written outside a request's own transaction: refused requests, and operators at the CLI.

A refused request rolls its transaction back, so its entry is written in a transaction of its own (as the
account, which the audit_log policy requires). An operator at the command line has no account: the entry
names the OS user and host in ``source_addr`` (the CLI runs as the database owner).
"""

from __future__ import annotations

import getpass
import os
import socket

from sqlalchemy import Connection, Engine

from geo.core.scope import set_lookup
from registry.accounts import queries as q
from registry.accounts.roles import Account

MAX_TARGET = 500


def audit_refused(engine: Engine, account: Account, action: str, *, target: str, source: str) -> None:
    """Record, in its own committed transaction, that the account asked for something and was refused."""
    with engine.begin() as conn:
        set_lookup(conn, "account_id", str(account.account_id))
        conn.execute(
            q.INSERT_AUDIT,
            {
                "account_id": account.account_id,
                "action": action,
                "target": target[:MAX_TARGET],
                "source": source,
            },
        )


def operator() -> str:
    """Who runs the command: ``cli:<OS user>@<host>`` (the uid when the user has no name)."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = f"uid {os.getuid()}"
    return f"cli:{user}@{socket.gethostname()}"


def audit_operator(conn: Connection, action: str, *, target: str) -> None:
    """Record an operator's action at the command line (owner connection: no account, no RLS)."""
    conn.execute(
        q.INSERT_OPERATOR_AUDIT, {"action": action, "target": target[:MAX_TARGET], "source": operator()}
    )
