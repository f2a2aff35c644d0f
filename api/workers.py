"""`hongyan serve --workers N`: uvicorn workers that share the open connections evenly between them."""

from __future__ import annotations

import asyncio
import ctypes
import errno
import logging
import multiprocessing
import os
import select
import signal
import socket
import struct
import sys
import time
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import SIGNALS, Process

logger = logging.getLogger("uvicorn.error")
_spawn = multiprocessing.get_context("spawn")

RECHECK_S = 0.005  # how often a worker that holds back re-reads the counts
STARVE_S = 0.05  # a connection left pending this long is accepted even by a busier worker
ACCEPT_RETRY_S = 1.0  # pause after running out of file descriptors or memory, as asyncio's own server does
OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
IDLE = -1  # a slot whose worker is not accepting (starting, stopping, dead): left out of the shares

Counts = ctypes.Array[ctypes.c_int]  # one open-connection count per worker slot, in shared memory


def may_accept(counts: Counts, slot: int, waiting: int) -> bool:
    """True while the worker in `slot` holds fewer connections than its fair share of all open and waiting ones."""
    active = [c for c in counts if c != IDLE]
    return counts[slot] < -(-(sum(active) + waiting) // max(len(active), 1))  # ceiling division


def waiting_connections(sock: socket.socket) -> int:
    """How many connections wait in `sock`'s accept queue (Linux reports it as tcp_info.tcpi_unacked)."""
    try:
        return int(struct.unpack_from("I", sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104), 24)[0])
    except OSError:  # not TCP: count the one we know of
        return 1


class Connections(set[Any]):
    """uvicorn's set of a worker's open connections, publishing its size to the worker's slot on every change."""

    def __init__(self, counts: Counts, slot: int) -> None:
        super().__init__()
        self.counts, self.slot = counts, slot
        self.accepting = False  # the slot stays IDLE before and after
        self.arriving = 0  # accepted sockets being handed over: the accept loop has counted them

    def publish(self) -> None:
        """Publish the count, unless the accept loop's stands (a socket may be arriving and here already)."""
        if self.accepting and not self.arriving:
            self.counts[self.slot] = len(self)

    def add(self, item: Any) -> None:
        super().add(item)
        self.publish()

    def discard(self, item: Any) -> None:
        super().discard(item)
        self.publish()

    def remove(self, item: Any) -> None:
        super().remove(item)
        self.publish()


class BalancedServer(uvicorn.Server):
    """A uvicorn worker that accepts its own connections, only up to its fair share of all of them."""

    def __init__(self, config: uvicorn.Config, counts: Counts, slot: int) -> None:
        super().__init__(config)
        self.connections = self.server_state.connections = Connections(counts, slot)
        self._tasks: list[asyncio.Task[None]] = []

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Run uvicorn's start-up (the lifespan) without its asyncio server, then accept on `sockets` ourselves."""
        await super().startup(sockets=[])
        self.connections.accepting = True
        self.connections.publish()
        for sock in sockets or []:
            sock.listen(self.config.backlog)  # asyncio's create_server would do this; uvicorn only binds
            sock.setblocking(False)
            self._tasks.append(asyncio.create_task(self._accept(sock)))
        for task in self._tasks:
            task.add_done_callback(self._stop_if_failed)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop accepting, leave the balance, then shut down as uvicorn does."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.connections.accepting = False
        self.connections.counts[self.connections.slot] = IDLE
        await super().shutdown(sockets=sockets)

    def _stop_if_failed(self, task: asyncio.Task[None]) -> None:
        # a worker that no longer accepts must go, so that the supervisor starts a fresh one
        if not task.cancelled() and task.exception() is not None:
            logger.error("Worker stopped accepting connections", exc_info=task.exception())
            self.should_exit = True

    def _may_accept(self, sock: socket.socket) -> bool:
        return may_accept(self.connections.counts, self.connections.slot, waiting_connections(sock))

    async def _accept(self, sock: socket.socket) -> None:
        """Accept connections on `sock` up to this worker's share, and hand them to uvicorn's protocol."""
        loop = asyncio.get_running_loop()
        config = self.config

        def create_protocol() -> asyncio.Protocol:
            return config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state, _loop=loop
            )

        async def hand_over(conn: socket.socket) -> None:
            try:
                await loop.connect_accepted_socket(create_protocol, conn, ssl=config.ssl)
            except OSError as exc:  # e.g. a TLS handshake that failed
                logger.warning("Dropped a connection: %s", exc)
                conn.close()

        pending = select.poll()
        pending.register(sock, select.POLLIN)
        held_back_since: float | None = None
        while True:
            if not pending.poll(0):
                held_back_since = None
                await _readable(loop, sock)
            if self._may_accept(sock):
                held_back_since = None
            else:
                # kept while the backlog stays non-empty: a stuck worker's share is then drained at once
                held_back_since = held_back_since or time.monotonic()
                if time.monotonic() - held_back_since < STARVE_S:
                    await asyncio.sleep(RECHECK_S)
                    continue
            try:
                accepted = self._take(sock, drain=held_back_since is not None)
            except OSError as exc:
                if exc.errno not in OUT_OF_RESOURCES:
                    raise
                logger.error("Cannot accept a connection: %s; retrying in %.0f s", exc, ACCEPT_RETRY_S)
                await asyncio.sleep(ACCEPT_RETRY_S)
                continue
            try:
                await asyncio.gather(*(hand_over(conn) for conn in accepted))
            finally:
                self.connections.arriving = 0
                self.connections.publish()

    def _take(self, sock: socket.socket, *, drain: bool) -> list[socket.socket]:
        """Accept this worker's share of the waiting connections (all of them if `drain`) without yielding."""
        # one a loop turn would make each wait for the requests of all the connections accepted before it
        accepted: list[socket.socket] = []
        while drain or not accepted or self._may_accept(sock):
            try:
                conn, _ = sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                break  # none left: the other workers took them
            except OSError as exc:
                if accepted and exc.errno in OUT_OF_RESOURCES:
                    break  # these first; the next try reports it
                raise
            conn.setblocking(False)
            accepted.append(conn)
            self.connections.arriving = len(accepted)
            self.connections.counts[self.connections.slot] = len(self.connections) + len(accepted)
        return accepted


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    """Wait until `sock` has a connection to accept."""
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(sock, wake)
    try:
        await ready
    finally:
        loop.remove_reader(sock)


class BalancedProcess(Process):
    """uvicorn's worker process (health-check pipe included) running a BalancedServer in one slot."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket, counts: Counts, slot: int) -> None:
        self.counts = counts
        self.slot = slot
        super().__init__(config, [sock])

    @property
    def server(self) -> uvicorn.Server:
        """This process's BalancedServer (built in the worker)."""
        if self._server is None:
            self._server = BalancedServer(self.config, self.counts, self.slot)
        return self._server


def serve_workers(config: uvicorn.Config, workers: int) -> None:
    """Serve `config`'s app from `workers` balanced processes on one socket until SIGINT or SIGTERM."""
    sock = config.bind_socket()
    try:
        Supervisor(config, sock, workers).run()
    finally:
        sock.close()


class Supervisor:
    """The workers' parent, as uvicorn's: restarts dead or hung workers; SIGHUP replaces each in turn."""

    def __init__(self, config: uvicorn.Config, sock: socket.socket, workers: int) -> None:
        self.config, self.sock, self.workers = config, sock, workers
        # a slot per worker and a spare, where a replacement starts before the worker it replaces stops
        self.counts: Counts = _spawn.RawArray(ctypes.c_int, [IDLE] * (workers + 1))
        self.processes: list[BalancedProcess] = []
        self.received: list[int] = []  # the handler only records: it may interrupt the loop anywhere

    def run(self) -> None:
        """Start the workers and look after them until SIGINT or SIGTERM, then stop them all."""
        for sig in SIGNALS:
            signal.signal(sig, lambda signum, frame: self.received.append(signum))
        logger.info("Started parent process [%d]", os.getpid())
        self.processes = [self._start(slot) for slot in range(self.workers)]
        try:
            while self._handle_signals():
                self._keep_alive()
                time.sleep(0.5)
        finally:
            for process in self.processes:
                process.terminate()
            for process in self.processes:
                process.join()
            logger.info("Stopping parent process [%d]", os.getpid())

    def _start(self, slot: int) -> BalancedProcess:
        process = BalancedProcess(self.config, self.sock, self.counts, slot)
        process.start()
        return process

    def _kill(self, process: BalancedProcess) -> None:
        process.kill()
        process.join()
        self.counts[process.slot] = IDLE

    def _handle_signals(self) -> bool:
        """Act on the signals received; False once asked to stop."""
        while self.received:
            name = SIGNALS[self.received.pop(0)]
            if name in ("INT", "TERM", "BREAK"):
                logger.info("Received SIG%s, exiting.", name)
                return False
            if name == "HUP":
                logger.info("Received SIGHUP, restarting processes.")
                self._replace_all()
        return True

    def _keep_alive(self) -> None:
        """Replace dead or hung workers; exit if one could not start (it would fail the same way again)."""
        for i, process in enumerate(self.processes):
            if self.received or process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            self._kill(process)
            if process.exitcode == STARTUP_FAILURE:
                logger.error("Child process [%s] failed to start, stopping the parent process.", process.pid)
                sys.exit(STARTUP_FAILURE)
            logger.info("Child process [%s] died", process.pid)
            self.processes[i] = self._start(process.slot)

    def _replace_all(self) -> None:
        """Replace each worker by a fresh one, started in the spare slot before the old one stops."""
        for i, old in enumerate(self.processes):
            (spare,) = set(range(self.workers + 1)) - {p.slot for p in self.processes}
            new = self._start(spare)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck):
                self._kill(new)
                logger.error("New child process [%s] was not ready in time; restart aborted.", new.pid)
                return
            old.terminate()
            old.join()
            self.counts[old.slot] = IDLE
            self.processes[i] = new
