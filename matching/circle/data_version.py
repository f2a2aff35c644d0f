"""Whether data read under an earlier snapshot is still current, by the change log of migration 0017.

A cached aggregate carries the ``Stamp`` of the snapshot it was read under (taken *before* the read, so a
change committed in between makes the cache look stale, never fresh). It is current while no transaction that
snapshot did not see has committed a write to the logged tables, the date is the same (open positions expire
by date) and it is younger than MAX_AGE_S (the log keeps a day). A transaction that has written itself neither
uses nor stores cached data: what it reads may still roll back. Transaction ids are cluster-wide and never
wrap (xid8), so a stamp stays meaningful in another process on the same database (``database_identity``:
the cluster's system identifier and the database's oid, so a copy or a restore elsewhere is another database).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from matching.circle.queries import CHANGED_SINCE, DATABASE_IDENTITY, SNAPSHOT_STAMP

MAX_AGE_S = 6 * 3600.0


@dataclass(frozen=True)
class Stamp:
    """A snapshot (pg_snapshot text), the database's date then, and when it was taken (Unix time)."""

    snapshot: str
    day: date
    taken: float


def take_stamp(conn: Connection) -> Stamp | None:
    """The current snapshot, or None when this transaction has written (its reads must not be cached)."""
    snap, day, wrote = conn.execute(SNAPSHOT_STAMP).one()
    return None if wrote else Stamp(str(snap), day, time.time())


def is_current(conn: Connection, stamp: Stamp) -> bool:
    """True when nothing logged has changed since ``stamp`` (and the day and this transaction allow it)."""
    if not 0 <= time.time() - stamp.taken <= MAX_AGE_S:
        return False
    changed, day, wrote = conn.execute(CHANGED_SINCE, {"snap": stamp.snapshot}).one()
    return not changed and not wrote and day == stamp.day


def database_identity(conn: Connection) -> str:
    """Which database this is: cluster system identifier and database oid."""
    return str(conn.execute(DATABASE_IDENTITY).scalar_one())
