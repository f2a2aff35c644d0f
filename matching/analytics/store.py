"""Writing circle analytics runs to PostGIS (COPY), replacing the previous run of the same parameters."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
from psycopg import sql
from sqlalchemy import Connection, Engine

from geo.core.copy_binary import copy_columns
from geo.core.db import copy_table, driver_connection
from geo.engine.network import Metric
from matching.analytics.compute import (
    AnalysisSummary,
    CircleInputs,
    CircleResults,
    Decay,
    area_table,
    compute,
    load_inputs,
    summarise,
)
from matching.analytics.queries import (
    CLEAR_RUN,
    FINISH_RUN,
    RESIDENT_PARTITION_FRESH,
    RESIDENT_PARTITION_SWAP,
    UPSERT_RUN,
)
from matching.circle.service import CircleService


def group_json(groups: tuple[str, ...], positions: object) -> str:
    """A site's open positions per occupation group as JSON (groups with none left out)."""
    return json.dumps({g: int(p) for g, p in zip(groups, positions, strict=True) if p}, ensure_ascii=False)  # type: ignore[call-overload]


def store_run(conn: Connection, run_id: int, inputs: CircleInputs, results: CircleResults) -> None:
    """COPY the per-resident, per-site and per-area figures of a run."""
    order = np.argsort(inputs.resident_ids, kind="stable")  # key order: the index is built from sorted rows
    replace_resident_rows(
        conn,
        run_id,
        [
            ("run_id", "int4", np.full(len(order), run_id, np.int32)),
            ("resident_id", "int8", inputs.resident_ids[order]),
            ("on_network", "bool", results.resident_on_network[order]),
            ("positions_in_reach", "int4", results.positions_in_reach[order]),
            ("matching_positions", "int4", results.matching_positions[order]),
            ("access_index", "float8", results.access_index[order]),
        ],
    )
    copy_table(
        conn,
        "circle_site_stats",
        (
            "run_id",
            "site_id",
            "on_network",
            "positions",
            "group_positions",
            "candidates",
            "weighted_demand",
            "supply_ratio",
        ),
        zip(
            [run_id] * len(inputs.site_ids),
            inputs.site_ids.tolist(),
            results.site_on_network.tolist(),
            inputs.site_positions.tolist(),
            [group_json(inputs.groups, row) for row in inputs.site_group_positions],
            results.candidates.tolist(),
            results.weighted_demand.tolist(),
            results.supply_ratio.tolist(),
            strict=True,
        ),
    )
    areas = area_table(inputs, results)
    copy_table(
        conn,
        "circle_area_stats",
        (
            "run_id",
            "area_code",
            "level",
            "residents",
            "seekers",
            "positions",
            "positions_in_reach",
            "access_index",
            "balance",
        ),
        zip(
            [run_id] * len(areas),
            areas["area_code"].tolist(),
            areas["level"].tolist(),
            areas["residents"].astype(int).tolist(),
            areas["seekers"].astype(int).tolist(),
            areas["positions"].astype(int).tolist(),
            areas["positions_in_reach"].astype(float).tolist(),
            areas["access_index"].astype(float).tolist(),
            areas["balance"].astype(float).tolist(),
            strict=True,
        ),
    )


def replace_resident_rows(
    conn: Connection, run_id: int, columns: list[tuple[str, str, npt.ArrayLike]]
) -> None:
    """Write a run's per-resident rows into a fresh table and swap it in for the run's partition."""
    part = f"circle_resident_stats_r{int(run_id)}"
    names = {
        "fresh": sql.Identifier(f"{part}_new"),
        "part": sql.Identifier(part),
        "part_key": sql.Identifier(f"{part}_pkey"),
        "run_id": sql.Literal(int(run_id)),
    }
    with driver_connection(conn).cursor() as cur:
        cur.execute(RESIDENT_PARTITION_FRESH.format(**names))
    copy_columns(conn, f"{part}_new", columns)
    with driver_connection(conn).cursor() as cur:
        cur.execute(RESIDENT_PARTITION_SWAP.format(**names))


def _read_inputs(engine: Engine, srid: int) -> CircleInputs:
    """The inputs read on two connections under one snapshot (PostgreSQL then uses two cores)."""
    with (
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
        engine.connect().execution_options(isolation_level="REPEATABLE READ") as second,
    ):
        return load_inputs(conn, srid=srid, second=second)


def analyze_circles(
    engine: Engine,
    service: CircleService,
    *,
    mode: str,
    metric: Metric,
    limit: float,
    decay: Decay = "none",
    progress: Callable[[str, float], None] | None = None,
) -> AnalysisSummary:
    """Compute the whole county's circles and store them in one transaction."""
    started = time.perf_counter()
    say = progress or (lambda _msg, _frac: None)
    say("reading residents and sites", 0.0)
    # the residents arrive on a second connection while this thread loads the network and its indexes
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_read_inputs, engine, service.settings.metric_srid)
        with engine.connect() as conn:
            net = service.network(conn)
        net.index(mode)
        service.reversed_graph(net, mode, metric)
        inputs = pending.result()
    say("searching circles", 0.05)
    results = compute(
        service,
        net,
        inputs,
        mode=mode,
        metric=metric,
        limit=limit,
        decay=decay,
        progress=lambda f: say("searching circles", 0.05 + 0.8 * f),
    )
    say("storing results", 0.9)
    with engine.begin() as conn:
        params = {
            "mode": mode,
            "metric": metric,
            "limit_value": limit,
            "decay": decay,
            "version": net.version,
        }
        run_id = int(conn.execute(UPSERT_RUN, params).scalar_one())
        for stmt in CLEAR_RUN:
            conn.execute(stmt, {"run_id": run_id})
        store_run(conn, run_id, inputs, results)
        summary = summarise(run_id, inputs, results, started)
        conn.execute(FINISH_RUN, {"seconds": summary.seconds, "run_id": run_id})
    say("done", 1.0)
    return summary
