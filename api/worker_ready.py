"""Which of `hongyan serve`'s worker processes are warm: a marker file per ready process in a run directory.

Each worker only accepts connections once warm, so a worker that answers /healthz is ready itself; the markers
tell it whether its siblings are too. A marker names its process; one left by a process that died is ignored.
"""

from __future__ import annotations

import os
from pathlib import Path


def mark_ready(run_dir: Path) -> None:
    """Mark this process ready (after its warm start)."""
    (run_dir / f"{os.getpid()}.ready").touch()


def unmark(run_dir: Path) -> None:
    """This process is stopping: no longer counted."""
    (run_dir / f"{os.getpid()}.ready").unlink(missing_ok=True)


def ready_workers(run_dir: Path) -> int:
    """How many live processes have marked themselves ready."""
    return sum(1 for marker in run_dir.glob("*.ready") if _alive(int(marker.stem)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True
