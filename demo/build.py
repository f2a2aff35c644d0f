"""Building the synthetic Huoqiu demo county: geography, roads (through the OSM import path), population."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, text

from boundaries.store import store_areas, store_water
from boundaries.synthetic import build_geography, write_road_osm
from geo.core.errors import Conflict
from geo.core.settings import Settings
from geo.osm.road_store import import_osm_file
from programme.demo import seed_programme
from programme.outreach.demo import seed_contacts
from programme.parks.demo import seed_parks
from programme.tickets.demo import seed_tickets
from registry.policies.load import load_policies, seed_path
from registry.synthetic import populate
from registry.talents.synthetic import make_talents

Scale = Literal["small", "county"]
DEMO_KEY = "demo"

READ_DEMO_META = text("SELECT value FROM platform_meta WHERE key = :key")
COUNT_USER_DATA = text(
    """
    SELECT (SELECT count(*) FROM admin_areas) + (SELECT count(*) FROM road_edges)
         + (SELECT count(*) FROM enterprises) + (SELECT count(*) FROM residents)
    """
)
WRITE_DEMO_META = text(
    """
    INSERT INTO platform_meta (key, value, updated_at) VALUES (:key, CAST(:value AS jsonb), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
    """
)


@dataclass
class DemoReport:
    """What a demo build did and how long each step took."""

    scale: str
    seed: int
    built: bool
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def built_demo(engine: Engine) -> dict[str, object] | None:
    """The recorded demo build (scale, seed, counts), if any."""
    with engine.connect() as conn:
        value = conn.execute(READ_DEMO_META, {"key": DEMO_KEY}).scalar_one_or_none()
    return dict(value) if value else None


def osm_path(settings: Settings, scale: Scale, seed: int) -> Path:
    """Where the demo's OSM XML road file is written (and reused)."""
    return settings.data_dir / "demo" / f"huoqiu-{scale}-{seed}.osm"


def build_demo(
    engine: Engine,
    settings: Settings,
    *,
    scale: Scale,
    seed: int,
    force: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> DemoReport:
    """Build the demo county unless the same scale and seed is already built (idempotent)."""
    existing = built_demo(engine)
    if not force and existing and existing.get("scale") == scale and existing.get("seed") == seed:
        counts = existing.get("counts")
        return DemoReport(scale, seed, built=False, counts=dict(counts) if isinstance(counts, dict) else {})
    if not force and existing is None:
        with engine.connect() as conn:
            if conn.execute(COUNT_USER_DATA).scalar_one() > 0:
                raise Conflict(
                    "this database already holds areas, roads, enterprises or residents that are not the demo's; "
                    "building the demo would replace them. Use an empty database, or --force to replace them"
                )

    report = DemoReport(scale, seed, built=True)
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[step] = round(now - clock, 2)
        clock = now

    progress("生成地理 building the geography")
    geography = build_geography(scale, seed=seed)
    lap("geography")

    progress("写入行政区划 storing areas and water")
    with engine.begin() as conn:
        store_areas(conn, geography.county, level="county")
        report.counts["townships"] = store_areas(conn, geography.townships, level="township")
        report.counts["villages"] = store_areas(conn, geography.villages, level="village")
        report.counts["water_areas"] = store_water(conn, geography.water)
    lap("areas")

    path = osm_path(settings, scale, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    progress(f"生成路网 writing the OSM road file {path}")
    tmp = path.with_suffix(".osm.part")
    write_road_osm(geography, tmp, seed=seed)
    tmp.replace(path)
    lap("road_file")

    progress("导入路网 importing roads through the OSM import path")
    roads = import_osm_file(engine, path)
    report.counts["road_nodes"] = roads.node_count
    report.counts["road_edges"] = roads.edge_count
    lap("road_import")

    progress("生成人口与企业 residents, enterprises, vacancies")
    population = populate(engine, scale=scale, seed=seed, secret_key=settings.secret_key)
    report.counts |= {k: int(v) for k, v in asdict(population).items() if isinstance(v, int) and k != "seed"}
    lap("population")

    progress("政策库与人才库 policies and talents")
    with engine.begin() as conn:
        loaded = load_policies(conn, seed_path())
        report.counts["policies"] = loaded.created + loaded.updated
        talents = make_talents(conn, scale=scale, seed=seed, today=date.today())
    report.counts |= {"talents": talents.talents, "talent_projects": talents.projects}
    lap("talents")

    progress("鸿雁回归：园区、扶持申请、一窗受理、联系记录 parks, support requests, tickets, contacts")
    with engine.begin() as conn:
        report.counts |= seed_parks(conn, seed=seed, secret_key=settings.secret_key)
        report.counts["tickets"] = seed_tickets(conn, seed=seed, secret_key=settings.secret_key)
        report.counts["outreach_contacts"] = seed_contacts(conn, seed=seed)
    lap("outreach")

    progress("招聘会与目标 the programme: fairs, targets, tasks")
    with engine.begin() as conn:
        programme = seed_programme(conn, seed=seed, secret_key=settings.secret_key, today=date.today())
    report.counts |= {f"programme_{k}": v for k, v in asdict(programme).items()}
    lap("programme")

    with engine.begin() as conn:
        conn.execute(
            WRITE_DEMO_META,
            {"key": DEMO_KEY, "value": _json({"scale": scale, "seed": seed, "counts": report.counts})},
        )
    return report


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
