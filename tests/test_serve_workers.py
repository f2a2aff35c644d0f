"""`hongyan serve --workers 2` on uvicorn's own supervisor: warm before serving, `/healthz` says `starting` until
every worker is warm, a dead worker is replaced, and SIGHUP replaces every worker without losing a request."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from api.app import create_app
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from tests.serve_process import start_serve, stop_serve

REPO = Path(__file__).resolve().parents[1]
HONGYAN = Path(sys.executable).with_name("hongyan")
SETTLE_S = 300  # a safety cap on polling: workers start slowly while other test workers load the cores


def test_healthz_is_starting_until_every_worker_is_warm(db_url: str, tmp_path: Path) -> None:
    """The markers of the worker processes decide: a live sibling counts once warm, a dead one never."""
    settings = Settings(database_url=db_url, data_dir=tmp_path, serve_workers=2, serve_run_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        starting = client.get("/healthz")
        assert starting.status_code == 503 and starting.headers["retry-after"] == "1"
        assert starting.json()["status"] == "starting" and starting.json()["workers_ready"] == 1
        sibling = subprocess.Popen(["sleep", "600"])
        try:
            (tmp_path / f"{sibling.pid}.ready").touch()
            ready = client.get("/healthz")
            assert ready.status_code == 200
            assert ready.json() | {"postgis": "x"} == {
                "status": "ok",
                "workers": 2,
                "workers_ready": 2,
                "database": "ok",
                "postgis": "x",
                "road_network_version": None,
            }
        finally:
            sibling.kill()
            sibling.wait()
        assert client.get("/healthz").json()["workers_ready"] == 1  # its marker stays, but it is dead
    assert not (tmp_path / f"{os.getpid()}.ready").exists()  # this process unmarked itself at shutdown


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    home: tuple[float, float]  # a town seat: its circle holds positions

    def health(self) -> httpx.Response | None:
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=30)
        except httpx.HTTPError:
            return None

    def wait_ok(self, *, not_workers: frozenset[int] = frozenset()) -> list[int]:
        """Poll until /healthz is ok and the supervisor's two workers are none of ``not_workers``."""
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()
            answer = self.health()
            workers = _workers(self.proc.pid)
            if answer is not None and answer.status_code == 200 and len(workers) == 2:
                if not not_workers & set(workers):
                    assert answer.json()["workers_ready"] >= 2
                    return workers
            time.sleep(0.2)
        pytest.fail(f"not ready within {SETTLE_S} s:\n{self.log.read_text()}")


@pytest.fixture
def served(small_demo_url: str, tmp_path: Path) -> Iterator[Served]:
    """`hongyan serve --workers 2` on the small demo (roads and jobs, so the warm start has work to do)."""
    port = _free_port()
    env = {
        **os.environ,
        "HONGYAN_DATABASE_URL": small_demo_url,
        "HONGYAN_DATA_DIR": str(tmp_path),
        "HONGYAN_WARM_START": "true",
        "PYTHONPATH": str(REPO),
    }
    log_path = tmp_path / "serve.log"
    proc = start_serve(
        [str(HONGYAN), "serve", "--workers", "2", "--port", str(port)], env=env, cwd=tmp_path, log=log_path
    )
    try:
        yield Served(proc, port, log_path, _town_seat(small_demo_url))
    finally:
        stop_serve(proc)


def _town_seat(url: str) -> tuple[float, float]:
    engine = create_db_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE level = 'township' ORDER BY code")
            ).first()
    finally:
        engine.dispose()
    assert row is not None
    return float(row[0]), float(row[1])


def _workers(parent: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker) started by `parent`."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    try:
        pids = [int(p) for p in children.read_text().split()]
    except OSError:
        return []
    return [p for p in pids if b"spawn_main" in _cmdline(p)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@dataclass
class Asker:
    """Asks for circles one after another on new connections, and keeps every failure."""

    port: int
    home: tuple[float, float]
    asked: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        url = f"http://127.0.0.1:{self.port}/api/v1/circle"
        params = {"lon": self.home[0], "lat": self.home[1], "mode": "walk", "radius_m": 3000}
        while not self.stop.is_set():
            try:
                answer = self._get(url, params)
                if answer.status_code != 200 or not answer.json()["positions"]:
                    self.failures.append(f"{answer.status_code} {answer.text[:200]}")
            except httpx.HTTPError as exc:
                self.failures.append(repr(exc))
            self.asked += 1

    @staticmethod
    def _get(url: str, params: dict[str, object]) -> httpx.Response:
        """A GET on a new connection; one retry, as browsers do for an idempotent request, when a worker that
        is stopping closes a connection it accepted before reading the request (never after a timeout)."""
        try:
            return httpx.get(url, params=params, timeout=30, headers={"Connection": "close"})  # type: ignore[arg-type]
        except (httpx.RemoteProtocolError, httpx.ReadError):
            return httpx.get(url, params=params, timeout=30, headers={"Connection": "close"})  # type: ignore[arg-type]


@pytest.mark.server
def test_workers_start_warm_are_replaced_and_restart_without_losing_a_request(served: Served) -> None:
    first = served.wait_ok()
    assert served.log.read_text().count("Application startup complete.") == 2

    victim, survivor = first
    os.kill(victim, signal.SIGKILL)  # uvicorn's supervisor starts a replacement
    after_kill = served.wait_ok(not_workers=frozenset({victim}))
    assert survivor in after_kill

    asker = Asker(served.port, served.home)
    thread = threading.Thread(target=asker.run)
    thread.start()
    try:
        served.proc.send_signal(signal.SIGHUP)  # each replacement warm before the worker it replaces stops
        replaced = served.wait_ok(not_workers=frozenset(after_kill))
        before = asker.asked
        deadline = time.monotonic() + SETTLE_S
        while asker.asked < before + 5 and time.monotonic() < deadline:  # the new workers answer too
            time.sleep(0.1)
    finally:
        asker.stop.set()
        thread.join()
    assert len(replaced) == 2
    assert asker.asked >= before + 5
    assert asker.failures == []

    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=SETTLE_S) == 0
