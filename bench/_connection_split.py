"""How a server's open connections are split over its worker processes (read from /proc, Linux only)."""

from __future__ import annotations

import os
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        try:
            kids = [int(p) for p in children.read_text().split()]
        except OSError:
            kids = []
        found += kids
        todo += kids
    return found


def _established(port: int) -> set[int]:
    """Socket inodes of the server side of established TCP connections on local ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
                inodes.add(int(fields[9]))
    return inodes


def split(root: int, port: int) -> list[int]:
    """Connections on ``port`` held by each process below ``root`` that holds any, largest first."""
    established = _established(port)
    held = []
    for pid in descendants(root):
        count = 0
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:[") and int(link[8:-1]) in established:
                count += 1
        if count:
            held.append(count)
    return sorted(held, reverse=True)
