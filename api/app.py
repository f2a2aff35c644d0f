"""The FastAPI application factory (the API only; web_map.site adds the map): engine created in the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from api.circle_pool import CirclePool
from api.error_docs import document_errors
from api.errors import install_error_handlers
from api.input_guard import InputGuard
from api.routes import (
    accounts,
    areas,
    circle,
    fairs,
    health,
    matching,
    outreach,
    parks,
    plan,
    policies,
    programme,
    records,
    registry_import,
    registry_stats,
    residents,
    review,
    route,
    search,
    service,
    sessions,
    shared,
    stats,
    surplus,
    talents,
    tiles,
)
from api.upload_limit import UploadLimit
from api.worker_ready import mark_ready, unmark
from geo.core.db import app_database_url, create_db_engine, database_url
from geo.core.readiness import check_database
from geo.core.settings import Settings
from matching.circle.service import CircleService
from matching.circle.warmup import warm_circles
from tiles.service import TileService


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the database engine lives from start-up to shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(database_url(settings))
        check_database(engine)
        app.state.engine = engine
        # hot read paths (the circle): no ping round trip on checkout; they retry once on a dropped connection
        app.state.read_engine = create_db_engine(database_url(settings), pool_size=4, pre_ping=False)
        # requests acting for a logged-in account use the RLS-bound role (checked on first use)
        app.state.app_engine = create_db_engine(app_database_url(settings))
        app.state.circles = CircleService(settings)
        app.state.circle_pool = CirclePool(settings.circle_threads)
        app.state.tiles = TileService.start(engine)
        if settings.warm_start:
            # before the first connection is accepted: a circle on each of the pool's threads (the first loads
            # the network under the service's lock; each thread gets its projections and search buffers), so
            # the first circle is as fast as the rest
            app.state.circle_pool.on_every_thread(
                partial(warm_circles, app.state.read_engine, app.state.circles)
            )
        if settings.serve_run_dir is not None:
            mark_ready(settings.serve_run_dir)
        try:
            yield
        finally:
            if settings.serve_run_dir is not None:
                unmark(settings.serve_run_dir)
            app.state.circle_pool.shutdown()
            app.state.app_engine.dispose()
            app.state.read_engine.dispose()
            engine.dispose()

    app = FastAPI(
        title="鸿雁 Hongyan 就业地图 API",
        description="霍邱县“鸿雁回归”就业创业平台 — Huoqiu County job map: areas, jobs within 3 km by road.",
        version="0.1.0",
        lifespan=lifespan,
        # web_map.site serves /docs from vendored Swagger UI files (FastAPI's pages use a CDN and inline script)
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    document_errors(app)
    app.add_middleware(InputGuard)  # NUL, lone surrogates, control characters: before any route
    # the last added runs first: a body is bounded before the guard (or anything else) reads it
    app.add_middleware(UploadLimit, max_upload_mb=settings.max_upload_mb, max_body_mb=settings.max_body_mb)
    app.include_router(health.router)
    app.include_router(areas.router)
    app.include_router(circle.router)
    app.include_router(plan.router)
    app.include_router(tiles.router)
    app.include_router(search.router)
    app.include_router(stats.router)
    app.include_router(route.router)
    app.include_router(accounts.router)
    app.include_router(sessions.router)
    app.include_router(residents.router)
    app.include_router(policies.router)
    app.include_router(talents.router)
    app.include_router(records.router)
    app.include_router(review.router)
    app.include_router(registry_stats.router)
    app.include_router(outreach.router)
    app.include_router(parks.router)
    app.include_router(service.router)
    app.include_router(registry_import.router)
    app.include_router(fairs.router)
    app.include_router(programme.router)
    app.include_router(matching.router)
    app.include_router(surplus.router)
    app.include_router(shared.router)
    return app
