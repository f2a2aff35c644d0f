"""`GET /healthz`: is the service up and its database reachable?"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import ConnectionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Liveness and the database's answer."""

    status: str
    database: str
    postgis: str
    road_network_version: int | None


@router.get("/healthz", response_model=Health, operation_id="health")
def health(conn: ConnectionDep) -> Health:
    """服务状态 Service and database status."""
    postgis = conn.execute(text("SELECT postgis_lib_version()")).scalar_one()
    version = conn.execute(text("SELECT version FROM road_network_info")).scalar_one_or_none()
    return Health(status="ok", database="ok", postgis=str(postgis), road_network_version=version)
