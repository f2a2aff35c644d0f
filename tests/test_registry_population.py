"""The synthetic population (small scale) on a tiny test county, checked in the real database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from registry_county import VILLAGES, insert_test_county
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from geo.core.db import create_db_engine
from geo.core.errors import Conflict, InvalidInput
from registry.credit_code import validate_credit_code
from registry.personal import PersonalDataCipher, validate_id_number
from registry.synthetic import PopulationReport, populate
from registry.synthetic.labour import IN_PROVINCE, OUT_OF_PROVINCE
from tests.conftest import clone_statement

KEY = "registry-test-secret-key-0123456789"
SEED = 20261127
ROWS_HASH = """
    SELECT md5(string_agg(concat_ws('|', resident_id, encode(id_hash, 'hex'), name, sex, birth_date,
                                    village_code, status, occupation_code, work_city, wish_to_return,
                                    education, income_band, ST_AsEWKB(geom)), ',' ORDER BY resident_id)),
           (SELECT md5(string_agg(concat_ws('|', e.enterprise_id, e.credit_code, e.name, e.industry,
                                            e.employees, s.site_id, s.area_code, ST_AsEWKB(s.geom)),
                                  ',' ORDER BY s.site_id))
            FROM enterprises e JOIN enterprise_sites s USING (enterprise_id)),
           (SELECT md5(string_agg(concat_ws('|', vacancy_id, site_id, title, occupation_code, positions,
                                            wage_min, wage_max, full_time, valid_until),
                                  ',' ORDER BY vacancy_id)) FROM vacancies)
    FROM residents
"""


@pytest.fixture(scope="module")
def populated(server_url: str, template_db: str) -> Iterator[tuple[Engine, PopulationReport]]:
    """One small population shared by the read-only checks of this module (its own fresh database)."""
    name = f"hongyan_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(clone_statement(name, str(make_url(template_db).database))))
    engine = create_db_engine(make_url(server_url).set(database=name).render_as_string(hide_password=False))
    try:
        insert_test_county(engine)
        report = populate(engine, scale="small", seed=SEED, secret_key=KEY)
        yield engine, report
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def scalar(engine: Engine, sql: str) -> object:
    """The single value a query returns."""
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_counts_match_the_report(populated: tuple[Engine, PopulationReport]) -> None:
    engine, report = populated
    assert (report.residents, report.enterprises, report.villages) == (5000, 40, 6)
    assert scalar(engine, "SELECT count(*) FROM residents") == 5000
    assert scalar(engine, "SELECT count(*) FROM enterprises") == 40
    assert scalar(engine, "SELECT count(*) FROM enterprise_sites") == report.sites >= 40
    assert scalar(engine, "SELECT count(*) FROM vacancies") == report.vacancies
    assert 150 <= report.vacancies <= 300
    assert scalar(engine, "SELECT count(*) FROM occupations") == report.occupations
    assert scalar(engine, "SELECT count(DISTINCT village_code) FROM residents") == len(VILLAGES)


def test_ages_and_sex_ratio(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    with engine.connect() as conn:
        lo, hi, men, women = conn.execute(
            text(
                "SELECT min(date_part('year', age(birth_date))), max(date_part('year', age(birth_date))),"
                " count(*) FILTER (WHERE sex = 'M'), count(*) FILTER (WHERE sex = 'F') FROM residents"
            )
        ).one()
        young = conn.execute(
            text(
                "SELECT avg((date_part('year', age(birth_date)) BETWEEN 20 AND 35)::int) FROM residents"
                " WHERE status <> 'working_away'"
            )
        ).scalar_one()
    assert (lo, hi) == (16, 65)
    assert 0.95 <= men / women <= 1.16
    assert young < 0.25  # fewer young adults at home: most of them work away


def test_working_away_and_destinations(populated: tuple[Engine, PopulationReport]) -> None:
    engine, report = populated
    with engine.connect() as conn:
        away, no_city, stray_city, wish = conn.execute(
            text(
                "SELECT avg((status = 'working_away')::int),"
                " count(*) FILTER (WHERE status = 'working_away' AND work_city IS NULL),"
                " count(*) FILTER (WHERE status <> 'working_away' AND (work_city IS NOT NULL OR wish_to_return)),"
                " avg(wish_to_return::int) FILTER (WHERE status = 'working_away') FROM residents"
            )
        ).one()
        cities = dict(
            conn.execute(
                text("SELECT work_city, count(*) FROM residents WHERE work_city IS NOT NULL GROUP BY 1")
            ).all()
        )
    assert 0.36 <= away <= 0.44 and report.working_away == round(away * 5000)
    assert (no_city, stray_city) == (0, 0)
    assert 0.15 <= wish <= 0.35
    assert set(cities) <= {c for c, _ in OUT_OF_PROVINCE + IN_PROVINCE}
    zhejiang = sum(cities.get(c, 0) for c in ("杭州", "宁波", "温州", "嘉兴", "金华", "绍兴", "台州", "湖州"))
    assert zhejiang > cities.get("上海", 0) > 0 and cities.get("合肥", 0) > 0


def test_workers_have_detail_trades_and_others_none(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    with engine.connect() as conn:
        bad = conn.execute(
            text(
                "SELECT count(*) FROM residents r LEFT JOIN occupations o ON o.code = r.occupation_code"
                " WHERE (r.status IN ('working_away', 'employed_local', 'farming', 'seeking')"
                "        AND o.level IS DISTINCT FROM 'detail')"
                "    OR (r.status IN ('student', 'not_in_labour_force') AND r.occupation_code IS NOT NULL)"
            )
        ).scalar_one()
        farming = conn.execute(
            text("SELECT count(*) FROM residents WHERE status = 'farming' AND occupation_code NOT LIKE '5-%'")
        ).scalar_one()
    assert (bad, farming) == (0, 0)


def test_ids_decrypt_to_valid_numbers_matching_the_row(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    cipher = PersonalDataCipher(KEY)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id_hash, id_cipher, phone_cipher, birth_date, sex FROM residents")
        ).all()
    phones = 0
    for id_hash, id_cipher, phone_cipher, born, sex in rows:
        number = cipher.decrypt(id_cipher)
        assert number.startswith("341522")
        assert validate_id_number(number) == (born, sex)
        assert cipher.keyed_hash(number) == bytes(id_hash)
        if phone_cipher is not None:
            phone = cipher.decrypt(phone_cipher)
            assert len(phone) == 11 and phone.isdigit() and phone[0] == "1"
            phones += 1
    assert phones > 4700


def test_nothing_personal_is_stored_in_plain_text(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    with engine.connect() as conn:
        columns = (
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = 'residents'"
                    " AND data_type IN ('text', 'character varying', 'character')"
                )
            )
            .scalars()
            .all()
        )
        joined = " || ' ' || ".join(f"coalesce({c}::text, '')" for c in columns)
        plain = conn.execute(
            text(f"SELECT count(*) FROM residents WHERE ({joined}) ~ '[0-9]{{17}}[0-9X]|1[3-9][0-9]{{9}}'")
        ).scalar_one()
        in_bytes = conn.execute(
            text(
                "SELECT count(*) FROM residents WHERE encode(id_cipher, 'escape') ~ '34152[0-9]{13}'"
                " OR encode(coalesce(phone_cipher, ''), 'escape') ~ '1[3-9][0-9]{9}'"
            )
        ).scalar_one()
    assert "name" in columns and "work_city" in columns
    assert (plain, in_bytes) == (0, 0)


def test_id_hashes_are_unique(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    assert scalar(engine, "SELECT count(DISTINCT id_hash) FROM residents") == 5000


def test_homes_lie_inside_their_village(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    outside = scalar(
        engine,
        "SELECT count(*) FROM residents r JOIN admin_areas a ON a.code = r.village_code"
        " WHERE a.level <> 'village' OR r.area_code <> r.village_code OR NOT ST_Within(r.geom, a.geom)",
    )
    assert outside == 0


def test_credit_codes_are_valid(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    with engine.connect() as conn:
        codes = conn.execute(text("SELECT credit_code FROM enterprises")).scalars().all()
        names = conn.execute(text("SELECT count(DISTINCT name) FROM enterprises")).scalar_one()
    assert all(validate_credit_code(c) == c and c[2:8] == "341522" for c in codes)
    assert names == len(codes) == 40


def test_sites_lie_in_the_area_they_name(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    wrong = scalar(
        engine,
        "SELECT count(*) FROM enterprise_sites s JOIN admin_areas a ON a.code = s.area_code"
        " WHERE a.level = 'county' OR NOT ST_Intersects(s.geom, a.geom)",
    )
    assert wrong == 0


def test_vacancies_reference_sites_and_occupations(populated: tuple[Engine, PopulationReport]) -> None:
    engine, _ = populated
    with engine.connect() as conn:
        bad = conn.execute(
            text(
                "SELECT count(*) FROM vacancies v"
                " LEFT JOIN enterprise_sites s ON s.site_id = v.site_id"
                " LEFT JOIN occupations o ON o.code = v.occupation_code"
                " WHERE s.site_id IS NULL OR o.level IS DISTINCT FROM 'detail'"
                "    OR s.enterprise_id <> v.enterprise_id OR s.area_code <> v.area_code"
                "    OR v.title NOT LIKE o.name || '%' OR v.status <> 'open'"
                "    OR v.positions NOT BETWEEN 1 AND 30 OR v.wage_min < 2500 OR v.wage_max > 12000"
                "    OR v.wage_max < v.wage_min OR v.valid_until <= CURRENT_DATE"
            )
        ).scalar_one()
        full_time, one_position = conn.execute(
            text("SELECT avg(full_time::int), avg((positions <= 3)::int) FROM vacancies")
        ).one()
    assert bad == 0
    assert full_time > 0.7 and one_position > 0.4  # mostly full time, sizes skewed to small


def test_same_seed_gives_the_same_rows_and_replaces_earlier_ones(engine: Engine) -> None:
    insert_test_county(engine)
    hashes = []
    for seed in (7, 7, 8):
        populate(engine, scale="small", seed=seed, secret_key=KEY, today=date(2026, 11, 27))
        with engine.connect() as conn:
            hashes.append(tuple(conn.execute(text(ROWS_HASH)).one()))
            assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == 5000
    assert hashes[0] == hashes[1]
    assert all(a != b for a, b in zip(hashes[0], hashes[2], strict=True))


def test_progress_is_reported(engine: Engine) -> None:
    insert_test_county(engine)
    stages: list[tuple[str, float]] = []
    populate(engine, scale="small", seed=1, secret_key=KEY, progress=lambda s, f: stages.append((s, f)))
    fractions = [f for _, f in stages]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and stages[-1] == ("done", 1.0)


def test_unknown_scale_is_rejected(engine: Engine) -> None:
    with pytest.raises(InvalidInput) as err:
        populate(engine, scale="city", seed=1, secret_key=KEY)  # type: ignore[arg-type]
    assert str(err.value) == "scale must be one of small, county, not 'city' (field scale)"


def test_population_needs_areas(engine: Engine) -> None:
    with pytest.raises(Conflict) as err:
        populate(engine, scale="small", seed=1, secret_key=KEY)
    assert "no townships or villages in the database" in str(err.value)
    assert scalar(engine, "SELECT count(*) FROM occupations") == 0  # nothing written


def test_a_failed_load_leaves_the_previous_population_whole(engine: Engine) -> None:
    insert_test_county(engine)
    populate(engine, scale="small", seed=5, secret_key=KEY, today=date(2026, 11, 27))
    with engine.begin() as conn:
        before = tuple(conn.execute(text(ROWS_HASH)).one())
        conn.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'refused by test trigger'; END $$;"
                " CREATE TRIGGER refuse_residents BEFORE INSERT ON residents"
                " FOR EACH ROW WHEN (NEW.resident_id = 4000) EXECUTE FUNCTION refuse()"
            )
        )
    with pytest.raises(psycopg.Error, match="refused by test trigger"):
        populate(engine, scale="small", seed=6, secret_key=KEY, today=date(2026, 11, 27))
    with engine.connect() as conn:
        assert tuple(conn.execute(text(ROWS_HASH)).one()) == before
        constraints = conn.execute(
            text(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = 'residents'::regclass AND contype IN ('u', 'f')"
            )
        ).scalar_one()
        indexes = conn.execute(
            text("SELECT count(*) FROM pg_indexes WHERE tablename = 'residents'")
        ).scalar_one()
    # id_hash unique + 3 foreign keys; pkey, unique, 3 plain indexes + record_status (0007)
    assert (constraints, indexes) == (4, 6)
