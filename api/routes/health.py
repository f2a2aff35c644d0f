"""`GET /healthz`: is the service up, warm in every worker process, and its database reachable?"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import ConnectionDep
from api.worker_ready import ready_workers
from geo.core.settings import Settings

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Liveness, the worker processes that are warm, and the database's answer."""

    status: Literal["ok", "starting"]
    workers: int
    workers_ready: int
    database: str
    postgis: str
    road_network_version: int | None


@router.get(
    "/healthz",
    response_model=Health,
    operation_id="health",
    responses={503: {"model": Health, "description": "启动中 some worker processes are still warming up"}},
)
def health(conn: ConnectionDep, request: Request, response: Response) -> Health:
    """服务状态 Service and database status: `starting` (503) until every worker process is warm, then `ok`."""
    settings: Settings = request.app.state.settings
    ready = 1 if settings.serve_run_dir is None else ready_workers(settings.serve_run_dir)
    status: Literal["ok", "starting"] = "ok" if ready >= settings.serve_workers else "starting"
    if status == "starting":
        response.status_code = 503
        response.headers["Retry-After"] = "1"
    postgis = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
    version = conn.execute(text("SELECT version FROM road_network_info")).scalar_one_or_none()
    return Health(
        status=status,
        workers=settings.serve_workers,
        workers_ready=ready,
        database="ok",
        postgis=str(postgis),
        road_network_version=version,
    )
