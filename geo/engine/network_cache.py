"""The road network's arrays cached on disk (.npz under the data dir), keyed by the imported network's identity.

A load reads road_edges once per network: the key hashes the version, import time, counts and total length
from road_network_info with the metric SRID, so a re-import (a new version) or another database never
reuses a stale file. Writing is best effort: an unwritable directory only means the next load reads the
database again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from geo.core.queries import NETWORK_INFO

FORMAT = 1  # bump when the arrays stored change
KEEP = 4  # cache files kept per directory (the newest)
ARRAYS = ("edge_ids", "src", "dst", "length", "costs", "main", "ptr", "xy")
log = logging.getLogger(__name__)

Arrays = dict[str, npt.NDArray[np.generic]]


def network_key(conn: Connection, *, srid: int) -> str | None:
    """A name for the imported network in this database and CRS; None when none is imported."""
    row = conn.execute(NETWORK_INFO).first()
    if row is None:
        return None
    ident = f"{FORMAT}|{row.version}|{row.imported_at.isoformat()}|{row.node_count}|{row.edge_count}|"
    ident += f"{row.total_length_m!r}|{srid}"
    return hashlib.sha256(ident.encode()).hexdigest()[:24]


def cache_path(cache_dir: Path, key: str) -> Path:
    """Where the network with this key is cached."""
    return cache_dir / f"network-{key}.npz"


def read_cached(cache_dir: Path, key: str) -> Arrays | None:
    """The cached arrays, or None when there is no complete cache file for this key."""
    path = cache_path(cache_dir, key)
    try:
        with np.load(path, allow_pickle=False) as data:
            if set(ARRAYS) - set(data.files):
                return None
            return {name: data[name] for name in ARRAYS}
    except (OSError, ValueError) as exc:
        if path.exists():
            log.warning("ignoring unreadable road network cache %s: %s", path, exc)
        return None


def write_cached(cache_dir: Path, key: str, arrays: Arrays) -> None:
    """Write the arrays atomically (temporary file, then rename) and keep only the newest few files."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".network-", suffix=".npz", dir=cache_dir)
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        os.replace(tmp, cache_path(cache_dir, key))
        old = sorted(cache_dir.glob("network-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for stale in old:
            stale.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not cache the road network in %s: %s", cache_dir, exc)
