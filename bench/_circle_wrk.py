"""The throughput run with wrk: a C load generator, so the server keeps nearly all of the machine's CPU."""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

from bench._circle_http import Server, Throughput, circle_params
from bench._circle_query import Homes

WRK_SCRIPT = Path(__file__).with_name("circle_wrk.lua")
RESULT_TAG = "WRK_RESULT "


def wrk_command() -> str:
    """The wrk binary; exits with what to install when it is missing."""
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is not installed: install it with `apt-get install -y wrk` (Debian/Ubuntu), "
            "or measure with the Python client: --load-generator httpx"
        )
    return found


def write_paths(path: Path, homes: Homes, *, mode: str, radius: float, reach: bool) -> int:
    """One request path per home (the order wrk cycles over); returns how many."""
    lines = [
        "/api/v1/circle?" + urlencode(circle_params(lon, lat, mode, radius, reach=reach))
        for lon, lat in zip(homes.lon.tolist(), homes.lat.tolist(), strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def wrk_throughput(
    server: Server,
    homes: Homes,
    scratch: Path,
    *,
    mode: str,
    radius: float,
    clients: int,
    seconds: float,
    reach: bool = True,
    threads: int = 1,
    cpus: str | None = None,
) -> Throughput:
    """``clients`` keep-alive connections cycling over the homes for ``seconds``, measured by wrk."""
    out = Throughput(clients, reach, generator="wrk")
    paths = scratch / f"circle-paths-{'reach' if reach else 'bare'}.txt"
    write_paths(paths, homes, mode=mode, radius=radius, reach=reach)
    cmd = [
        wrk_command(),
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{seconds:g}s",
        "--timeout",
        "30s",
        "-s",
        str(WRK_SCRIPT),
        server.base,
        "--",
        str(paths),
        str(threads),
    ]
    if cpus:
        cmd = ["taskset", "-c", cpus, *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    out.client_cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(RESULT_TAG)), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(
            f"wrk failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    r = json.loads(line[len(RESULT_TAG) :])
    out.requests = int(r["requests"])
    out.seconds = r["duration_us"] / 1e6
    socket_errors = sum(int(r[k]) for k in ("connect", "read", "write", "timeout"))
    out.errors = int(r["non2xx"]) + socket_errors
    if r["non2xx"]:
        out.first_error = f"HTTP {r['first_status']}"
    elif socket_errors:
        out.first_error = ", ".join(f"{k} {r[k]}" for k in ("connect", "read", "write", "timeout") if r[k])
    out.summary_ms = {
        50: r["p50_us"] / 1000.0,
        90: r["p90_us"] / 1000.0,
        99: r["p99_us"] / 1000.0,
        100: r["max_us"] / 1000.0,
    }
    return out
