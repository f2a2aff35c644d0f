"""Area balances kept in the process and on disk, reused while the database says nothing has changed.

In memory they live in the CircleService; on disk they are stored under ``data_dir/cache/rebalance/balances-{level}-{database}.npz`` with the Stamp they were read under,
as plain arrays (no pickles). Whether they are still current is asked of the database
(matching.circle.data_version).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import Connection

from matching.circle.data_version import Stamp, database_identity, is_current, take_stamp
from matching.circle.service import CircleService
from matching.rebalance.inputs import AreaBalances, Level, load_balances

log = logging.getLogger(__name__)
ARRAYS = ("lon", "lat", "x", "y", "residents", "surplus", "shortage")


def cached_balances(service: CircleService, conn: Connection, *, level: Level) -> AreaBalances:
    """``load_balances``, reused from memory or disk while the data it was read from is unchanged."""
    key = f"rebalance-balances:{level}"
    found: tuple[Stamp, AreaBalances] | None = service.cached(key, lambda: None)
    if found is not None and is_current(conn, found[0]):
        return found[1]
    path = balances_path(
        service.settings.data_dir, level, service.cached("database-identity", lambda: database_identity(conn))
    )
    stored = read_balances(path) if found is None else None
    if stored is not None and is_current(conn, stored[0]):
        service.replace_cached(key, stored)
        return stored[1]
    stamp = take_stamp(conn)  # before the read: a change committed meanwhile makes the entry look stale
    balances = load_balances(
        conn, level=level, srid=service.settings.metric_srid, projector=service.to_metric
    )
    if stamp is not None:
        service.replace_cached(key, (stamp, balances))
        write_balances(path, stamp, balances)
    return balances


def balances_path(data_dir: Path, level: str, database: str) -> Path:
    """Where one database's balances of one level are kept."""
    return data_dir / "cache" / "rebalance" / f"balances-{level}-{database}.npz"


def read_balances(path: Path) -> tuple[Stamp, AreaBalances] | None:
    """The stored balances and their stamp; None when absent or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            stamp = Stamp(str(data["snapshot"]), date.fromisoformat(str(data["day"])), float(data["taken"]))
            balances = AreaBalances(
                level=str(data["level"]),
                codes=data["codes"].astype(object),
                names=data["names"].astype(object),
                groups=tuple(str(g) for g in data["groups"]),
                **{name: data[name].copy() for name in ARRAYS},
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("ignoring the unreadable balances cache %s: %s", path, exc)
        return None
    return stamp, balances


def write_balances(path: Path, stamp: Stamp, balances: AreaBalances) -> None:
    """Store atomically; a failure only loses the cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp")
        with tmp.open("wb") as fh:
            np.savez(
                fh,
                snapshot=np.str_(stamp.snapshot),
                day=np.str_(stamp.day.isoformat()),
                taken=np.float64(stamp.taken),
                level=np.str_(balances.level),
                codes=balances.codes.astype(str),
                names=balances.names.astype(str),
                groups=np.asarray(balances.groups, dtype=str),
                **{name: getattr(balances, name) for name in ARRAYS},
            )
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not store the balances cache %s: %s", path, exc)
