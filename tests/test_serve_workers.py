"""`hongyan serve --workers 2` as real processes: connections spread evenly, dead workers replaced, clean stop."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.workers import IDLE, may_accept, waiting_connections

pytestmark = pytest.mark.server
REPO = Path(__file__).resolve().parents[1]
HONGYAN = Path(sys.executable).with_name("hongyan")
CONNECTIONS = 32
SETTLE_S = 300  # a safety cap on polling: workers start slowly while other test workers load the cores


def _counts(*values: int) -> ctypes.Array[ctypes.c_int]:
    return (ctypes.c_int * len(values))(*values)


def test_accept_rule() -> None:
    assert may_accept(_counts(0, 0), 0, waiting=32)  # a burst: each may take its share of 16 at once
    assert not may_accept(_counts(16, 0), 0, waiting=16)
    assert may_accept(_counts(16, 0), 1, waiting=16)
    assert may_accept(_counts(3, 3), 0, waiting=1)  # a tie: either may take the next one
    assert not may_accept(_counts(4, 3), 0, waiting=1)
    assert not may_accept(_counts(10, 10, 0), 0, waiting=1)
    assert may_accept(_counts(10, 10, 0), 2, waiting=1)
    assert may_accept(_counts(9, IDLE), 0, waiting=1)  # a worker that is starting (or dead) holds no share


def test_waiting_connections_counts_the_accept_queue() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
        try:
            deadline = time.monotonic() + 5
            while waiting_connections(listener) < 3 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert waiting_connections(listener) == 3
            listener.accept()[0].close()
            assert waiting_connections(listener) == 2
        finally:
            for client in clients:
                client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`hongyan serve --workers 2` on a free port, answering /healthz; killed afterwards if still running."""
    port = _free_port()
    env = {
        **os.environ,
        "HONGYAN_DATABASE_URL": db_url,
        "HONGYAN_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(HONGYAN), "serve", "--workers", "2", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(proc, port, tmp_path / "serve.log")
        yield proc, port
    finally:
        workers = _workers(proc.pid)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in workers:
            _kill_quietly(pid)
        log.close()


def _wait_healthy(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Wait until /healthz answers and both workers have started (one alone takes every connection)."""
    deadline = time.monotonic() + SETTLE_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            healthy = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            healthy = False
        if healthy and log.read_text().count("Application startup complete.") == 2:
            return
        time.sleep(0.2)
    pytest.fail(f"not ready within {SETTLE_S} s:\n{log.read_text()}")


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _workers(parent: int) -> list[int]:
    """The worker processes (not multiprocessing's resource tracker) started by `parent`."""
    children = Path(f"/proc/{parent}/task/{parent}/children")
    pids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [p for p in pids if b"spawn_main" in _cmdline(p)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _established(port: int) -> set[int]:
    """Socket inodes of the server side of established TCP connections on local `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # 01 = ESTABLISHED
                inodes.add(int(fields[9]))
    return inodes


def _held(pids: list[int], port: int) -> dict[int, int]:
    """How many established connections on `port` each process holds."""
    established = _established(port)
    held = {}
    for pid in pids:
        links = (_readlink(fd) for fd in _listdir(Path(f"/proc/{pid}/fd")))
        held[pid] = sum(1 for link in links if link.startswith("socket:[") and int(link[8:-1]) in established)
    return held


def _listdir(path: Path) -> list[Path]:
    try:
        return list(path.iterdir())
    except FileNotFoundError:  # the process has just exited
        return []


def _readlink(fd: Path) -> str:
    try:
        return os.readlink(fd)
    except FileNotFoundError:  # closed meanwhile
        return ""


def _open_and_ask(port: int, n: int) -> list[socket.socket]:
    """Open `n` connections at once, send one keep-alive GET /healthz on each, read every answer."""
    conns = [socket.create_connection(("127.0.0.1", port), timeout=15) for _ in range(n)]
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n\r\n".encode()
    try:
        for conn in conns:
            conn.sendall(request)
        for conn in conns:
            answer = _read_response(conn)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    except BaseException:
        _close(conns)
        raise
    return conns


def _read_response(conn: socket.socket) -> bytes:
    """One whole HTTP/1.1 response (headers and a Content-Length body), leaving the connection open."""
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = conn.recv(65536)
        assert chunk, f"connection closed before the answer: {answer!r}"
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = next(
        int(v)
        for k, _, v in (h.partition(b":") for h in head.split(b"\r\n"))
        if k.lower() == b"content-length"
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, "connection closed in the body"
        body += chunk
    return head + b"\r\n\r\n" + body


def _close(conns: list[socket.socket]) -> None:
    for conn in conns:
        conn.close()
    time.sleep(0.3)  # the workers see the closes and publish their new counts


def _assert_balanced(proc: subprocess.Popen[bytes], port: int) -> dict[int, int]:
    conns = _open_and_ask(port, CONNECTIONS)
    try:
        held = _held(_workers(proc.pid), port)
    finally:
        _close(conns)
    assert len(held) == 2 and sum(held.values()) == CONNECTIONS, held
    assert max(held.values()) - min(held.values()) <= 2, held
    return held


def _wait_for_replacements(proc: subprocess.Popen[bytes], port: int, gone: set[int]) -> list[int]:
    """Wait until two workers, none of them in `gone`, both take connections (meanwhile the others serve)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        conns = _open_and_ask(port, 8)
        try:
            workers = _workers(proc.pid)
            held = _held(workers, port)
        finally:
            _close(conns)
        if len(workers) == 2 and not gone & set(workers) and all(held.values()):
            return workers
        assert time.monotonic() < deadline, f"no new workers took connections within {SETTLE_S} s: {held}"
        time.sleep(0.5)


def test_connections_spread_evenly_and_workers_are_replaced(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    proc, port = server
    for _ in range(3):
        _assert_balanced(proc, port)

    victim, survivor = _workers(proc.pid)
    os.kill(victim, signal.SIGKILL)
    assert survivor in _wait_for_replacements(proc, port, gone={victim})
    _assert_balanced(proc, port)

    proc.send_signal(signal.SIGHUP)  # as uvicorn's: every worker replaced, one at a time
    workers = _wait_for_replacements(proc, port, gone=set(_workers(proc.pid)))
    _assert_balanced(proc, port)

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_serve_with_an_unreachable_database_says_so_and_starts_no_worker(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HONGYAN_DATABASE_URL": f"postgresql://nobody@/nowhere?host={tmp_path}/no-such-dir",
        "HONGYAN_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(REPO),
    }
    done = subprocess.run(
        [str(HONGYAN), "serve", "--workers", "2", "--port", str(_free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    said = done.stderr.decode() + done.stdout.decode()
    assert done.returncode == 2, said
    assert "无法连接数据库" in said and "hongyan db start" in said
    assert "Traceback" not in said and "Started parent process" not in said
