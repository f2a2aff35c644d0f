"""The real server (`hongyan serve` in a subprocess) measured over HTTP on 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from bench._circle_query import Homes, percentile_ms
from bench._circle_sql import POST_VACANCY, REMOVE_VACANCIES
from bench._peak_rss import command, read_mib

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 120.0


def free_port() -> int:
    """A TCP port nobody listens on right now (the lead's dev server keeps its own)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server and where it listens."""

    proc: subprocess.Popen[bytes]
    base: str
    log: Path
    peak_rss_mib: float = 0.0
    ready_s: float = 0.0  # from start until /healthz said ok


@contextmanager
def running_server(url: str, scratch: Path, *, workers: int = 1, cpus: str | None = None) -> Iterator[Server]:
    """Start `hongyan serve --port P [--workers N]` (under `taskset -c CPUS` if given); stop it afterwards."""
    hongyan = str(Path(sys.executable).with_name("hongyan"))

    def serve(port: int) -> list[str]:
        cmd = [hongyan, "serve", "--host", HOST, "--port", str(port)]
        return cmd + ["--workers", str(workers)] if workers > 1 else cmd

    with running_command(url, scratch, serve, cpus=cpus) as server:
        yield server


@contextmanager
def running_command(
    url: str,
    scratch: Path,
    command_for: Callable[[int], list[str]],
    *,
    env: dict[str, str] | None = None,
    cpus: str | None = None,
) -> Iterator[Server]:
    """Start the server ``command_for(port)`` names on a free port, wait for /healthz ok; stop it afterwards."""
    port = free_port()
    log = scratch / f"serve-{port}.log"
    rss_file = scratch / f"serve-{port}.rss"
    run_dir = scratch / f"serve-{port}.run"
    run_dir.mkdir()
    environ = dict(os.environ, HONGYAN_DATABASE_URL=url, HONGYAN_DATA_DIR=str(scratch / "data"))
    environ["HONGYAN_SERVE_RUN_DIR"] = str(run_dir)  # `hongyan serve` sets its own
    environ.update(env or {})
    # serve this checkout's code (a worktree's), not whatever the venv's editable install points at
    environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), environ.get("PYTHONPATH", "")) if p)
    serve = command_for(port)
    cmd = command(rss_file, ["taskset", "-c", cpus, *serve] if cpus else serve)
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=environ, stdout=out, stderr=out, cwd=REPO)
    server = Server(proc, f"http://{HOST}:{port}", log)
    try:
        _wait_ready(server)
        server.ready_s = time.monotonic() - started
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(f"the server did not stop in 60 s; killed (log: {log})", file=sys.stderr)
            proc.kill()
            proc.wait()
        server.peak_rss_mib = read_mib(rss_file)


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{server.log.read_text()[-3000:]}")
        try:
            if httpx.get(server.base + "/healthz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the server did not answer in {START_TIMEOUT_S:.0f} s:\n{server.log.read_text()}")


def circle_params(lon: float, lat: float, mode: str, radius: float, *, reach: bool = True) -> dict[str, Any]:
    """Query parameters of GET /api/v1/circle (the reach polygon is the endpoint's default)."""
    params: dict[str, Any] = {"lon": lon, "lat": lat, "mode": mode, "radius_m": radius}
    if not reach:
        params["reach"] = "false"
    return params


def sequential(
    server: Server, homes: Homes, *, mode: str, radius: float, reach: bool = True
) -> tuple[list[float], float]:
    """One request at a time over the homes (after one warm-up); durations and the warm-up's seconds."""
    times: list[float] = []
    points = list(zip(homes.lon.tolist(), homes.lat.tolist(), strict=True))
    with httpx.Client(base_url=server.base, timeout=60.0) as client:
        started = time.perf_counter()
        client.get("/api/v1/circle", params=circle_params(*points[0], mode, radius)).raise_for_status()
        if not reach:
            client.get("/api/v1/circle", params=circle_params(*points[0], mode, radius, reach=False))
        warm = time.perf_counter() - started  # the server loads the network and snaps the sites here
        for lon, lat in points:
            started = time.perf_counter()
            response = client.get("/api/v1/circle", params=circle_params(lon, lat, mode, radius, reach=reach))
            times.append(time.perf_counter() - started)
            response.raise_for_status()
    return times, warm


@dataclass
class Throughput:
    """Outcome of the concurrent run."""

    clients: int
    reach: bool = True
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    client_cpu_s: float = 0.0  # CPU the benchmark's own HTTP client used (it shares the machine's cores)
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""
    generator: str = "httpx"
    summary_ms: dict[int, float] = field(default_factory=dict)  # percentiles the generator reports (wrk)
    load_after: str = ""  # the machine's 1-minute load average right after the run (other work skews it)
    split: str = ""  # connections held by each worker process, read during the run (bench._connection_split)

    @property
    def rps(self) -> float:
        """Completed requests per second (errors included)."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, q: int) -> float:
        """The q-th latency percentile in ms: the generator's own summary (wrk) or from every latency."""
        return self.summary_ms[q] if q in self.summary_ms else percentile_ms(self.latencies, q)


def throughput(
    server: Server,
    homes: Homes,
    *,
    mode: str,
    radius: float,
    clients: int,
    total: int,
    cap_s: float,
    reach: bool = True,
) -> Throughput:
    """``clients`` concurrent keep-alive clients cycling over the homes, until ``total`` or ``cap_s``."""
    out = Throughput(clients, reach)
    cpu = time.process_time()
    asyncio.run(_throughput(server, homes, mode, radius, total, cap_s, out))
    out.client_cpu_s = time.process_time() - cpu
    return out


async def _throughput(
    server: Server, homes: Homes, mode: str, radius: float, total: int, cap_s: float, out: Throughput
) -> None:
    clients, reach = out.clients, out.reach
    points = list(zip(homes.lon.tolist(), homes.lat.tolist(), strict=True))
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.base, timeout=30.0, limits=limits) as client:
        started = time.perf_counter()
        deadline = started + cap_s

        async def worker() -> None:
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                lon, lat = points[i % len(points)]
                t0 = time.perf_counter()
                try:
                    params = circle_params(lon, lat, mode, radius, reach=reach)
                    r = await client.get("/api/v1/circle", params=params)
                    ok = r.status_code == 200
                    reason = f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    ok, reason = False, f"{type(exc).__name__}: {exc}"
                out.latencies.append(time.perf_counter() - t0)
                out.requests += 1
                if not ok:
                    out.errors += 1
                    out.first_error = out.first_error or reason

        await asyncio.gather(*(worker() for _ in range(clients)))
        out.seconds = time.perf_counter() - started


@dataclass
class LiveUpdate:
    """Posting a vacancy and seeing it in the next circle."""

    insert_s: list[float] = field(default_factory=list)
    visible_s: list[float] = field(default_factory=list)
    first_query_saw_it: int = 0
    tries: int = 0


def live_update(
    server: Server,
    engine: Engine,
    homes: Homes,
    site_of_home: dict[int, int],
    *,
    mode: str,
    radius: float,
    repeats: int = 5,
) -> LiveUpdate:
    """INSERT one open vacancy at a site inside a home's circle, commit, query until it is listed.

    The posted vacancies are deleted afterwards, so the database ends as it began (bar the id sequence).
    """
    out = LiveUpdate()
    posted: list[int] = []
    title = f"bench-live-{uuid.uuid4().hex[:8]}"
    try:
        with httpx.Client(base_url=server.base, timeout=60.0) as client:
            for i, site_id in list(site_of_home.items())[:repeats]:
                params = circle_params(float(homes.lon[i]), float(homes.lat[i]), mode, radius)
                started = time.perf_counter()
                with engine.begin() as conn:
                    vacancy_id = int(
                        conn.execute(POST_VACANCY, {"site_id": site_id, "title": title}).scalar_one()
                    )
                posted.append(vacancy_id)
                committed = time.perf_counter()
                out.tries += 1
                for attempt in range(50):
                    body = client.get("/api/v1/circle", params=params).json()
                    if any(p.get("vacancy_id") == vacancy_id for p in body.get("positions", [])):
                        out.visible_s.append(time.perf_counter() - started)
                        out.insert_s.append(committed - started)
                        out.first_query_saw_it += int(attempt == 0)
                        break
                    time.sleep(0.05)
    finally:
        if posted:
            with engine.begin() as conn:
                conn.execute(REMOVE_VACANCIES, {"ids": posted})
    return out
