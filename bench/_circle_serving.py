"""Serving arrangements compared side by side: each starts, is loaded at once, then three steady wrk runs.

Each candidate serves the same app (web_map.site:create_site) with one worker process per core:
- uvicorn: `hongyan serve --workers N` (uvicorn's own supervisor; what the project ships);
- gunicorn: gunicorn's arbiter with uvicorn-worker's UvicornWorker;
- gunicorn-reuseport: the same with `--reuse-port`: each worker listens on a socket of its own (SO_REUSEPORT), so
  the kernel spreads new connections over the workers by a hash instead of waking the last worker to wait;
- granian: granian's Rust server with its ASGI interface.

The goals are ratios measured in the same run: throughput against the compute limit (the cores divided by the
mean in-process time of CircleService.circle() on the same homes), p99 against the mean latency
(clients / req/s, by Little's law), and the first 10 s after the server says it is ready against the warm p99.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bench._circle_http import HOST, Server, Throughput, running_command
from bench._circle_query import Homes
from bench._circle_wrk import wrk_throughput
from bench._connection_split import split

CANDIDATES = ("uvicorn", "gunicorn", "gunicorn-reuseport", "granian")
GOAL_OF_LIMIT = 0.85
GOAL_P99_OF_MEAN = 1.5
GOAL_FIRST_OF_WARM = 2.0
FIRST_SECONDS = 10.0


def serve_command(candidate: str, port: int, workers: int) -> list[str]:
    """The command line that serves the app under ``candidate``."""
    venv = Path(sys.executable).parent
    if candidate == "uvicorn":
        return [
            str(venv / "hongyan"),
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    if candidate.startswith("uvicorn-backlog"):
        return [
            str(venv / "uvicorn"),
            "--factory",
            "--workers",
            str(workers),
            "--host",
            HOST,
            "--port",
            str(port),
            "--backlog",
            candidate.removeprefix("uvicorn-backlog"),
            "--no-access-log",
            "web_map.site:create_site",
        ]
    if candidate in ("gunicorn", "gunicorn-reuseport"):
        return [
            str(venv / "gunicorn"),
            "--worker-class",
            "uvicorn_worker.UvicornWorker",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
            *(["--reuse-port"] if candidate == "gunicorn-reuseport" else []),
            "web_map.site:create_site()",
        ]
    if candidate == "granian":
        return [
            str(venv / "granian"),
            "--interface",
            "asgi",
            "--factory",
            "--workers",
            str(workers),
            "--host",
            HOST,
            "--port",
            str(port),
            "--no-log",
            "web_map.site:create_site",
        ]
    raise ValueError(f"unknown candidate {candidate!r}; choose from {', '.join(CANDIDATES)}")


def missing(candidate: str) -> str | None:
    """What to install for a candidate that is not in the venv (None when it is)."""
    if candidate == "uvicorn":
        return None
    program = candidate.split("-")[0]
    if shutil.which(program, path=str(Path(sys.executable).parent)) is None:
        return f"{program}: not installed (`pip install -e '.[bench]'` installs every candidate)"
    return None


@dataclass
class Candidate:
    """One arrangement's start-up and runs."""

    name: str
    ready_s: float = 0.0
    first: Throughput | None = None
    runs: list[Throughput] = field(default_factory=list)
    peak_rss_mib: float = 0.0

    def warm_p99(self) -> float:
        return statistics.median(r.latency_ms(99) for r in self.runs)


@dataclass(frozen=True)
class Load:
    """What every candidate is asked: the circle, the server's workers, and the wrk runs."""

    mode: str
    radius: float
    workers: int
    clients: int
    seconds: float
    rounds: int


def measure(candidate: str, url: str, scratch: Path, homes: Homes, load: Load) -> Candidate:
    """Start ``candidate``, load it for the first 10 s after it is ready, then ``load.rounds`` steady runs."""
    out = Candidate(candidate)
    # /healthz waits for every worker, whoever supervises them
    env = {"HONGYAN_SERVE_WORKERS": str(load.workers)}
    with running_command(
        url, scratch, lambda port: serve_command(candidate, port, load.workers), env=env
    ) as server:
        out.ready_s = server.ready_s
        out.first = _wrk(server, homes, scratch, load, FIRST_SECONDS)
        for _ in range(load.rounds):
            out.runs.append(_wrk(server, homes, scratch, load, load.seconds))
    out.peak_rss_mib = server.peak_rss_mib
    return out


def _wrk(server: Server, homes: Homes, scratch: Path, load: Load, seconds: float) -> Throughput:
    """One wrk run; the connections' split over the worker processes is read a few seconds in."""
    port = int(server.base.rsplit(":", 1)[1])
    seen: list[list[int]] = []
    sampler = threading.Timer(min(3.0, seconds / 2), lambda: seen.append(split(server.proc.pid, port)))
    sampler.start()
    try:
        run = wrk_throughput(
            server, homes, scratch, mode=load.mode, radius=load.radius, clients=load.clients, seconds=seconds
        )
    finally:
        sampler.cancel()
    run.load_after = f"{os.getloadavg()[0]:.2f}"
    run.split = "/".join(map(str, seen[0])) if seen else "?"
    return run


def rows(candidates: list[Candidate], limit_rps: float, clients: int) -> list[str]:
    """The comparison table (markdown), one line per run, with each goal's ratio and verdict."""
    lines = [
        f"compute limit: {limit_rps:,.0f} req/s (cores ÷ mean in-process CircleService.circle()); "
        f"{clients} wrk connections; goals: req/s ≥ {GOAL_OF_LIMIT} × limit, p99 ≤ {GOAL_P99_OF_MEAN} × mean, "
        f"0 errors, first {FIRST_SECONDS:.0f} s p99 ≤ {GOAL_FIRST_OF_WARM} × warm p99",
        "",
        "| server | run | req/s | of limit | mean ms | p99 ms | p99/mean | errors | connections per worker | meets |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in candidates:
        assert c.first is not None
        for label, run in [
            (f"first {FIRST_SECONDS:.0f} s", c.first),
            *((str(i + 1), r) for i, r in enumerate(c.runs)),
        ]:
            mean = clients / run.rps * 1000.0 if run.rps else float("inf")
            of_limit = run.rps / limit_rps
            p99 = run.latency_ms(99)
            if run is c.first:
                ok = run.errors == 0 and p99 <= GOAL_FIRST_OF_WARM * c.warm_p99()
                verdict = f"{'PASS' if ok else 'FAIL'} (p99 {p99 / c.warm_p99():.2f} × warm)"
            else:
                ok = of_limit >= GOAL_OF_LIMIT and p99 <= GOAL_P99_OF_MEAN * mean and run.errors == 0
                verdict = "PASS" if ok else "FAIL"
            lines.append(
                f"| {c.name} | {label} | {run.rps:,.1f} | {of_limit:.2f} | {mean:.1f} | {p99:.1f} | "
                f"{p99 / mean:.2f} | {run.errors} | {run.split} | {verdict} |"
            )
    lines.append("")
    lines += [
        f"{c.name}: ready {c.ready_s:.1f} s after start; peak RSS of its largest process {c.peak_rss_mib:,.0f} MiB"
        for c in candidates
    ]
    return lines


def all_pass(c: Candidate, limit_rps: float, clients: int) -> bool:
    """Whether the candidate met every goal in every run."""
    assert c.first is not None
    steady = all(
        r.rps >= GOAL_OF_LIMIT * limit_rps
        and r.latency_ms(99) <= GOAL_P99_OF_MEAN * clients / r.rps * 1000.0
        and r.errors == 0
        for r in c.runs
    )
    return steady and c.first.errors == 0 and c.first.latency_ms(99) <= GOAL_FIRST_OF_WARM * c.warm_p99()


def compare(
    names: list[str], url: str, scratch: Path, homes: Homes, positions_s: list[float], load: Load
) -> tuple[list[str], dict[str, bool]]:
    """Every named candidate measured in turn: the table's lines and whether each met every goal."""
    cores = len(os.sched_getaffinity(0))
    limit_rps = cores / statistics.fmean(positions_s)
    measured: list[Candidate] = []
    notes: list[str] = []
    for name in names:
        why_not = missing(name)
        if why_not:
            notes.append(why_not)
            continue
        print(
            f"serving candidate {name}: start, first {FIRST_SECONDS:.0f} s, {load.rounds} × {load.seconds:g} s …",
            flush=True,
        )
        measured.append(measure(name, url, scratch, homes, load))
    verdicts = {c.name: all_pass(c, limit_rps, load.clients) for c in measured}
    return rows(measured, limit_rps, load.clients) + notes, verdicts
