"""Is the database ready for Hongyan? One sentence naming what to run when it is not (no traceback).

Checked in order: the server answers (down, wrong password, unknown role or database), PostGIS and pgRouting
are installable there, and the schema is at the newest migration.
"""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from geo.core.db import safe_url
from geo.core.errors import DatabaseUnavailable
from geo.core.migrate import alembic_config

EXTENSIONS = ("postgis", "pgrouting")
AVAILABLE = text("SELECT name FROM pg_available_extensions WHERE name = ANY(:names)")
APPLIED = text("SELECT version_num FROM alembic_version")
START_OR_SET = (
    "启动内置数据库请运行 `hongyan db start`，或把 HONGYAN_DATABASE_URL 设为可连接的 PostgreSQL（含 PostGIS 和 "
    "pgRouting） (start the embedded one with `hongyan db start`, or set HONGYAN_DATABASE_URL to a reachable "
    "PostgreSQL with PostGIS and pgRouting)"
)


def connection_problem(reason: str, where: str) -> str:
    """The one sentence for a failed connection, by what the server or the driver said."""
    low = reason.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"数据库拒绝了登录密码（{where}）：请检查 HONGYAN_DATABASE_URL 中的用户名和密码 "
            f"(the database refused the password at {where}: check the user and password in "
            "HONGYAN_DATABASE_URL)"
        )
    if "role" in low and "does not exist" in low:
        return (
            f"数据库用户不存在（{where}）：请在服务器上创建该用户，或改正 HONGYAN_DATABASE_URL 中的用户名 "
            f"(no such database user at {where}: create it on the server or correct HONGYAN_DATABASE_URL)"
        )
    if "database" in low and "does not exist" in low:
        return (
            f"数据库不存在（{where}）：请先用 createdb 创建它，再运行 `hongyan db upgrade` "
            f"(no such database at {where}: create it with createdb, then run `hongyan db upgrade`)"
        )
    return f"无法连接数据库 {where}：{reason}。{START_OR_SET} (cannot reach the database at {where})"


def check_database(engine: Engine, *, schema: bool = True) -> None:
    """DatabaseUnavailable with what to run unless the server answers, has the extensions and (``schema``)
    the newest migration is applied."""
    where = safe_url(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            available = set(conn.execute(AVAILABLE, {"names": list(EXTENSIONS)}).scalars())
            missing = [name for name in EXTENSIONS if name not in available]
            if missing:
                raise DatabaseUnavailable(
                    f"数据库服务器缺少扩展 {'、'.join(missing)}（{where}）：请在服务器上安装 PostGIS 3 和 "
                    "pgRouting（Debian：`make setup`，或 apt-get install postgresql-<版本>-postgis-3 "
                    f"postgresql-<版本>-pgrouting） (the server lacks {', '.join(missing)}: install them there)"
                )
            if schema:
                _check_schema(conn, where)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(connection_problem(reason, where)) from None


def _check_schema(conn: Connection, where: str) -> None:
    """DatabaseUnavailable unless the applied revisions are the migrations' heads."""
    not_ready = (
        f"数据库结构尚未迁移到最新版本（{where}）：请运行 `hongyan db upgrade` "
        f"(the schema at {where} is not migrated to the newest version: run `hongyan db upgrade`)"
    )
    try:
        applied = set(conn.execute(APPLIED).scalars())
    except ProgrammingError:  # no alembic_version table: never migrated
        raise DatabaseUnavailable(not_ready) from None
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if applied != heads:
        raise DatabaseUnavailable(not_ready)
