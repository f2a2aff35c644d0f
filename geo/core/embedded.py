"""The embedded PostgreSQL cluster: Hongyan's own server, run from the system's binaries on a Unix socket."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from geo.core.errors import DatabaseUnavailable

EXTENSIONS = ("postgis", "pgrouting", "pg_trgm")
SOCKET_PORT = 5432  # only names the socket file inside our own directory; no TCP port is opened


def find_pg_bin_dir() -> Path:
    """The newest PostgreSQL server binaries installed under /usr/lib/postgresql."""
    root = Path("/usr/lib/postgresql")
    majors = sorted(
        (p for p in root.glob("*/bin") if (p / "postgres").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not majors:
        raise DatabaseUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql: run `make setup` "
            "(installs postgresql, postgis and pgrouting) or set HONGYAN_DATABASE_URL"
        )
    return majors[-1]


@dataclass(frozen=True)
class ClusterStatus:
    """What `hongyan db status` reports about the embedded cluster."""

    initialized: bool
    running: bool
    data_dir: Path
    url: str


class EmbeddedCluster:
    """A PostgreSQL cluster in a data directory Hongyan owns, reachable only through its Unix socket."""

    def __init__(
        self,
        data_dir: Path,
        *,
        bin_dir: Path | None = None,
        system_user: str = "hongyan",
        db_name: str = "hongyan",
        durable: bool = True,
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.bin_dir = bin_dir or find_pg_bin_dir()
        self.system_user = system_user
        self.db_name = db_name
        self.durable = durable
        self.pgdata = self.data_dir / "pgdata"
        self.socket_dir = self.data_dir / "run"
        self.log_file = self.data_dir / "postgres.log"

    @property
    def as_root(self) -> bool:
        """PostgreSQL refuses to run as root, so root runs it as an unprivileged system user."""
        return os.geteuid() == 0

    @property
    def role(self) -> str:
        """The database superuser created by initdb."""
        return self.system_user if self.as_root else pwd.getpwuid(os.geteuid()).pw_name

    def url(self, database: str | None = None) -> str:
        """SQLAlchemy URL of a database in this cluster, through the socket."""
        return f"postgresql+psycopg://{self.role}@/{database or self.db_name}?host={self.socket_dir}"

    def _run(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", self.system_user, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False, input=stdin)
        if check and proc.returncode != 0:
            raise DatabaseUnavailable(
                f"{args[0]} failed for the embedded cluster in {self.data_dir}: "
                f"{(proc.stderr or proc.stdout).strip()[-800:]} (log: {self.log_file})"
            )
        return proc

    def _ensure_system_user(self) -> None:
        try:
            pwd.getpwnam(self.system_user)
        except KeyError:
            subprocess.run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", self.system_user],
                check=True,
                capture_output=True,
            )

    def _prepare_dirs(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if self.as_root:
            self._ensure_system_user()
            ent = pwd.getpwnam(self.system_user)
            for path in (self.data_dir, self.socket_dir):
                os.chown(path, ent.pw_uid, ent.pw_gid)
            if self.log_file.exists():
                os.chown(self.log_file, ent.pw_uid, ent.pw_gid)
            probe = subprocess.run(
                ["runuser", "-u", self.system_user, "--", "test", "-w", str(self.data_dir)], check=False
            )
            if probe.returncode != 0:
                raise DatabaseUnavailable(
                    f"the server user {self.system_user!r} cannot reach {self.data_dir} (a parent folder is "
                    "private): set HONGYAN_DATA_DIR to a folder outside /root, e.g. /var/lib/hongyan"
                )

    def is_initialized(self) -> bool:
        """True once initdb has run in the data directory."""
        return (self.pgdata / "PG_VERSION").exists()

    def is_running(self) -> bool:
        """True while the server answers on its socket."""
        if not self.is_initialized():
            return False
        proc = self._run("pg_ctl", "-D", str(self.pgdata), "status", check=False)
        return proc.returncode == 0

    def initialize(self) -> None:
        """Create the cluster (initdb) with socket-only, trust-on-socket settings."""
        self._prepare_dirs()
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            self.role,
            "--auth-local=trust",
            "--auth-host=reject",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "unix_socket_permissions": "0700",
            "port": str(SOCKET_PORT),
            "shared_buffers": "'256MB'",
            "work_mem": "'32MB'",
            "maintenance_work_mem": "'256MB'",
            "max_connections": "100",
            "log_min_messages": "warning",
        }
        if not self.durable:
            # minimal WAL: a throwaway cluster has no replica, and CREATE DATABASE … STRATEGY FILE_COPY from a
            # template then copies files without logging them (tests clone one per test)
            settings |= {
                "fsync": "off",
                "synchronous_commit": "off",
                "full_page_writes": "off",
                "wal_level": "minimal",
                "max_wal_senders": "0",
            }
        with (self.pgdata / "postgresql.auto.conf").open("a", encoding="utf-8") as conf:
            conf.write("# written by hongyan\n")
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())

    def start(self) -> None:
        """Initialise if needed, start the server if stopped, and make sure the database exists."""
        if not self.is_initialized():
            self.initialize()
        else:
            self._prepare_dirs()
        if not self.is_running():
            self._run("pg_ctl", "-D", str(self.pgdata), "-l", str(self.log_file), "-w", "-t", "60", "start")
        self._ensure_database()

    def stop(self) -> None:
        """Stop the server (fast shutdown) if it runs."""
        if self.is_running():
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", "fast", "-w", "stop")

    def status(self) -> ClusterStatus:
        """Initialised? running? where?"""
        return ClusterStatus(self.is_initialized(), self.is_running(), self.data_dir, self.url())

    def _psql(self, sql: str, database: str = "postgres", **variables: str) -> str:
        """Run SQL through psql on stdin; values go in as psql variables (:'name' quotes them)."""
        args = ["psql", "-h", str(self.socket_dir), "-U", self.role, "-d", database, "-XAtq"]
        args += ["-v", "ON_ERROR_STOP=1"]
        for name, value in variables.items():
            args += ["-v", f"{name}={value}"]
        return self._run(*args, stdin=sql).stdout.strip()

    def _ensure_database(self) -> None:
        exists = self._psql("SELECT 1 FROM pg_database WHERE datname = :'db';", db=self.db_name)
        if exists != "1":
            self._psql('CREATE DATABASE :"db";', db=self.db_name)
        for ext in EXTENSIONS:
            self._psql('CREATE EXTENSION IF NOT EXISTS :"ext";', self.db_name, ext=ext)

    def destroy(self) -> None:
        """Stop the server and delete the data directory (used by throwaway test clusters)."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
