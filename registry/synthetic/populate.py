"""Fill the demo county with people, enterprises and vacancies in one transaction (deterministic per seed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
from sqlalchemy import Engine

from geo.core.errors import InvalidInput
from geo.core.settings import DEFAULT_METRIC_SRID
from registry.occupations import detail_occupations, load_occupations
from registry.personal import PersonalDataCipher
from registry.queries import ANALYZE_POPULATION, CLEAR_POPULATION, SYNC_SEQUENCES
from registry.store import checks_suspended, copy_columns
from registry.synthetic.areas import load_areas
from registry.synthetic.enterprises import make_enterprises
from registry.synthetic.people import make_residents
from registry.synthetic.places import Projector
from registry.synthetic.vacancies import make_vacancies

Scale = Literal["small", "county"]
RESIDENTS = {"small": 5_000, "county": 1_000_000}
ENTERPRISES_PER_RESIDENT = 0.008  # ~8,000 enterprises for a million people
VACANCIES_PER_ENTERPRISE = 5.5  # ~40,000 open vacancies at county scale (a few draws are dropped)
MIN_ENTERPRISES = 30


@dataclass(frozen=True)
class PopulationReport:
    """What populate wrote and how long it took."""

    scale: str
    seed: int
    occupations: int
    villages: int
    residents: int
    working_away: int
    enterprises: int
    sites: int
    vacancies: int
    seconds: float


def _quiet(stage: str, fraction: float) -> None:
    """Progress callback that reports nothing."""


def populate(
    engine: Engine,
    *,
    scale: Scale,
    seed: int,
    secret_key: str,
    progress: Callable[[str, float], None] | None = None,
    today: date | None = None,
    metric_srid: int = DEFAULT_METRIC_SRID,
) -> PopulationReport:
    """Replace residents, enterprises, sites and vacancies with a synthetic population of the given scale."""
    if scale not in RESIDENTS:
        raise InvalidInput(f"scale must be one of {', '.join(RESIDENTS)}, not {scale!r}", field="scale")
    report = progress or _quiet
    started = time.perf_counter()
    today = today or date.today()
    cipher = PersonalDataCipher(secret_key)
    projector = Projector(metric_srid)
    people_rng, firm_rng, job_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3))
    n_people = RESIDENTS[scale]
    n_firms = max(MIN_ENTERPRISES, round(n_people * ENTERPRISES_PER_RESIDENT))
    report("reading areas", 0.0)
    with engine.connect() as conn:
        areas = load_areas(conn)
    report("residents", 0.05)
    residents = make_residents(
        people_rng, areas, n_people, today=today, cipher=cipher, projector=projector, progress=report
    )
    working_away = sum(s == "working_away" for s in residents["status"])
    firms = make_enterprises(firm_rng, areas, n_firms, projector=projector)
    jobs = make_vacancies(
        job_rng, firms, round(n_firms * VACANCIES_PER_ENTERPRISE), today=today, titles=detail_occupations()
    )
    counts = {
        "enterprises": n_firms,
        "sites": len(firms.sites["site_id"]),
        "vacancies": len(jobs["vacancy_id"]),
        "residents": n_people,
    }
    report("writing", 0.65)
    with engine.begin() as conn:  # one transaction: readers see the old population or the whole new one
        occupations = load_occupations(conn)
        conn.execute(CLEAR_POPULATION)
        copy_columns(conn, "enterprises", firms.enterprises)
        copy_columns(conn, "enterprise_sites", firms.sites)
        copy_columns(conn, "vacancies", jobs)
        report("writing residents", 0.7)
        with checks_suspended(conn, "residents"):
            copy_columns(conn, "residents", residents)
        conn.execute(SYNC_SEQUENCES, counts)
        report("committing", 0.95)
    with engine.connect() as conn:
        conn.execute(ANALYZE_POPULATION)
        conn.commit()
    report("done", 1.0)
    return PopulationReport(
        scale=scale,
        seed=seed,
        occupations=occupations,
        villages=len(areas.villages),
        residents=n_people,
        working_away=working_away,
        enterprises=n_firms,
        sites=counts["sites"],
        vacancies=counts["vacancies"],
        seconds=round(time.perf_counter() - started, 2),
    )
