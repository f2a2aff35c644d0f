"""A throwaway embedded cluster for benchmarks, so they never touch the user's database."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.core.embedded import EmbeddedCluster


@contextmanager
def throwaway_cluster(name: str = "hongyan_bench") -> Iterator[tuple[str, Path]]:
    """Start a fresh cluster in /tmp; yields (database URL, scratch dir) and deletes everything after."""
    scratch = Path(tempfile.mkdtemp(prefix="hongyan-bench-", dir="/tmp"))
    os.chmod(scratch, 0o755)
    cluster = EmbeddedCluster(scratch / "db", durable=False, db_name=name)
    cluster.start()
    try:
        yield cluster.url(), scratch
    finally:
        cluster.destroy()
        shutil.rmtree(scratch, ignore_errors=True)
