"""PostgreSQL stopped and started under a 32-connection circle load (issue 13, finding 10).

A throwaway cluster holds a copy of the small demo; `hongyan serve --workers 2` runs on it as real processes.
While 32 keep-alive clients ask for circles, PostgreSQL is stopped (fast shutdown) and started again: every
answer during the outage is a 503 with Retry-After, no answer is another 5xx, no connection is dropped, the
service answers 200 again by itself, and its processes (the parent and both workers) are the same throughout.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from geo.core.embedded import EmbeddedCluster, find_pg_bin_dir
from geo.core.settings import Settings
from tests.serve_process import start_serve, stop_serve

REPO = Path(__file__).resolve().parents[1]
HONGYAN = Path(sys.executable).with_name("hongyan")
CLIENTS = 32
SEAT = "341522100000"
CAP_S = 180  # generous safety cap on every wait; the test polls conditions, it never sleeps for a fixed time
MAX_REQUESTS = 5000  # per client: the load is bounded by count as well as by the cap
AFTER = 8  # requests each client sends once the service has answered 200 again
ROLES = (
    "CREATE ROLE hongyan_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE",
    "CREATE ROLE hongyan_web LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE IN ROLE hongyan_app",
)


@pytest.fixture(scope="module")
def cluster() -> Iterator[EmbeddedCluster]:
    """A throwaway PostgreSQL cluster of its own, so stopping it disturbs no other test."""
    data_dir = Path(tempfile.mkdtemp(prefix="hongyan-outage-", dir="/tmp"))
    os.chmod(data_dir, 0o755)
    own = EmbeddedCluster(data_dir, durable=False, db_name="postgres")
    own.start()
    try:
        yield own
    finally:
        own.destroy()


def _libpq(url: str) -> list[str]:
    """pg_dump/pg_restore connection options for a socket URL."""
    u = make_url(url)
    return ["-h", str(u.query["host"]), "-U", str(u.username), "-d", str(u.database)]


@pytest.fixture(scope="module")
def demo_url(cluster: EmbeddedCluster, small_demo_url: str) -> str:
    """The session's small demo, dumped and restored into the throwaway cluster (roles first)."""
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for statement in ROLES:
            conn.execute(text(statement))
        conn.execute(text('CREATE DATABASE "hongyan_outage"'))
    admin.dispose()
    url = cluster.url("hongyan_outage")
    bin_dir = find_pg_bin_dir()
    dump = subprocess.run(
        [str(bin_dir / "pg_dump"), "-Fc", *_libpq(small_demo_url)], capture_output=True, check=True
    )
    subprocess.run(
        [str(bin_dir / "pg_restore"), "--no-owner", "--exit-on-error", *_libpq(url)],
        input=dump.stdout,
        capture_output=True,
        check=True,
    )
    return url


@pytest.fixture(scope="module")
def seat(demo_url: str) -> tuple[float, float]:
    engine = create_engine(demo_url)
    with engine.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c"), {"c": SEAT}
        ).one()
    engine.dispose()
    return float(lon), float(lat)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _started_at(pid: int) -> int:
    """The process's start time (clock ticks since boot): a restarted server would have a new one."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])


def _workers(parent: int) -> list[int]:
    """The worker processes `parent` started (multiprocessing's spawned children, not its resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return sorted(int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes())


@pytest.fixture
def server(demo_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`hongyan serve` on the throwaway cluster, started; stopped afterwards with all its processes."""
    port = _free_port()
    env = {
        **os.environ,
        "HONGYAN_DATABASE_URL": demo_url,
        "HONGYAN_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    log_path = tmp_path / "serve.log"
    proc = start_serve(
        [str(HONGYAN), "serve", "--workers", "2", "--port", str(port)], env=env, cwd=tmp_path, log=log_path
    )
    try:
        deadline = time.monotonic() + CAP_S
        while log_path.read_text().count("Application startup complete.") < 2:
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, f"not ready:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield proc, port
    finally:
        stop_serve(proc)


@dataclass
class Answer:
    """One request of the load: when it started and ended, what came back (or what failed)."""

    client: int
    started: float
    ended: float
    status: int | None
    retry_after: str | None
    local_port: int | None
    error: str | None = None


@dataclass
class Load:
    """32 keep-alive clients asking for circles until told to finish (then AFTER more requests each)."""

    port: int
    seat: tuple[float, float]
    answers: list[Answer] = field(default_factory=list)
    finish: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, client: int) -> None:
        url = f"http://127.0.0.1:{self.port}/api/v1/circle"
        params = {"lon": self.seat[0], "lat": self.seat[1], "radius_m": 2000 + 10 * client, "limit": 20}
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        deadline = time.monotonic() + 3 * CAP_S
        left = AFTER
        with httpx.Client(limits=limits, timeout=60) as http:
            for _ in range(MAX_REQUESTS):
                if self.finish.is_set():
                    if left == 0:
                        return
                    left -= 1
                if time.monotonic() > deadline:
                    return
                self._ask(http, url, params, client)

    def _ask(self, http: httpx.Client, url: str, params: dict[str, float | int], client: int) -> None:
        started = time.monotonic()
        try:
            with http.stream("GET", url, params=params) as response:
                stream = response.extensions["network_stream"]
                port = int(stream.get_extra_info("client_addr")[1])
                response.read()
            answer = Answer(
                client,
                started,
                time.monotonic(),
                response.status_code,
                response.headers.get("retry-after"),
                port,
            )
        except httpx.HTTPError as exc:
            answer = Answer(client, started, time.monotonic(), None, None, None, repr(exc))
        with self.lock:
            self.answers.append(answer)

    def count(self, predicate: Callable[[Answer], bool]) -> int:
        with self.lock:
            return sum(1 for a in self.answers if predicate(a))


def _poll(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + CAP_S
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {CAP_S} s"
        time.sleep(0.05)


def test_a_database_refusing_connections_is_a_503_then_200_again(
    demo_db_url: str, server_url: str, tmp_path: Path
) -> None:
    """The quick check: the database refuses connections (its backends ended), the API answers 503."""
    name = make_url(demo_db_url).database
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    settings = Settings(database_url=demo_db_url, data_dir=tmp_path / "data")
    try:
        with TestClient(create_app(settings)) as client:
            assert client.get("/healthz").status_code == 200
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": name},
                )
            lonlat = {"lon": 116.27, "lat": 32.35}
            for path, params in (("/healthz", {}), ("/api/v1/circle", lonlat), ("/api/v1/policies", {})):
                response = client.get(path, params=params)
                assert response.status_code == 503, (path, response.text)
                assert response.headers["retry-after"].isdigit()
                assert response.json()["detail"].startswith("数据库暂时无法连接")
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            assert client.get("/healthz").status_code == 200
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.mark.slow
@pytest.mark.server
def test_outage_answers_503_and_the_service_recovers_by_itself(
    cluster: EmbeddedCluster,
    server: tuple[subprocess.Popen[bytes], int],
    seat: tuple[float, float],
) -> None:
    proc, port = server
    born = _started_at(proc.pid)
    workers = _workers(proc.pid)
    assert len(workers) == 2, workers
    load = Load(port, seat)
    threads = [threading.Thread(target=load.run, args=(n,), daemon=True) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        _poll(lambda: load.count(lambda a: a.status == 200) >= 2 * CLIENTS, "the circle answers 200")

        cluster.stop()  # pg_ctl stop -m fast, under load
        stopped = time.monotonic()
        _poll(lambda: load.count(lambda a: a.started > stopped) >= 2 * CLIENTS, "answers during the outage")
        restarting = time.monotonic()
        cluster.start()  # answers the moment PostgreSQL accepts connections, before start() returns
        started = time.monotonic()
        _poll(lambda: load.count(lambda a: a.started > started and a.status == 200) > 0, "a 200 after")
        recovered = time.monotonic()
    finally:
        load.finish.set()
        for thread in threads:
            thread.join(timeout=CAP_S)
    assert not any(thread.is_alive() for thread in threads)

    answers = list(load.answers)
    assert [a for a in answers if a.error is not None] == []  # no reset, refused or timed-out request
    assert {a.status for a in answers} <= {200, 503}  # no 500, ever
    assert all(a.retry_after for a in answers if a.status == 503)
    outage = [a for a in answers if a.started > stopped and a.ended < restarting]
    assert len(outage) >= CLIENTS and {a.status for a in outage} == {503}
    after = [a for a in answers if a.started > recovered]
    assert len(after) >= CLIENTS * AFTER and {a.status for a in after} == {200}
    for client in range(CLIENTS):  # each client kept its one keep-alive connection throughout
        assert len({a.local_port for a in answers if a.client == client}) == 1, client
    assert proc.poll() is None and _started_at(proc.pid) == born  # the same processes served throughout
    assert _workers(proc.pid) == workers
