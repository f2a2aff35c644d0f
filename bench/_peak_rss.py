"""Run a command and write its own peak RSS (KiB) to a file: `python -m bench._peak_rss OUT CMD...`.

A process forked from a big parent starts with the parent's RSS high-water mark (Linux copies it with the
address space and keeps it across exec), so ru_maxrss of a child of the benchmark would report at least
the benchmark's own size. This launcher is exec'd fresh; the command it starts inherits only its small
mark, and wait4 gives that command's own peak.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType


def main() -> None:
    """Start the command, forward SIGTERM/SIGINT to it, record its peak RSS, exit with its status."""
    out, cmd = Path(sys.argv[1]), sys.argv[2:]
    proc = subprocess.Popen(cmd)

    def forward(signum: int, _frame: FrameType | None) -> None:
        proc.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.write_text(str(usage.ru_maxrss))
    code = proc.returncode
    sys.exit(code if code >= 0 else 128 - code)


def command(out: Path, cmd: list[str]) -> list[str]:
    """``cmd`` wrapped so that its peak RSS lands in ``out``."""
    return [sys.executable, "-m", "bench._peak_rss", str(out), *cmd]


def read_mib(out: Path) -> float:
    """The recorded peak RSS in MiB (nan if the launcher did not finish)."""
    try:
        return int(out.read_text()) / 1024.0
    except (OSError, ValueError):
        return float("nan")


if __name__ == "__main__":
    main()
