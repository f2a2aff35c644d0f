"""`hongyan serve` as a real process group for the server tests, stopped with every process it started."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def start_serve(args: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """Start `args` in a session of its own (its workers and multiprocessing's resource tracker join it)."""
    with log.open("wb") as out:
        return subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_serve(proc: subprocess.Popen[bytes], *, grace_s: float = 60.0) -> None:
    """SIGTERM (uvicorn's supervisor stops its workers), then SIGKILL whatever of the group is left."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # orphaned workers or the resource tracker, if any
    except ProcessLookupError:
        pass
