"""The trigger-kept resident counts per village and group equal a fresh aggregate after every kind of write."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, text

FRESH = text(
    """
    SELECT village_code, resident_group_key(status, wish_to_return, occupation_code) AS grp, count(*) AS people,
           sum(round(ST_X(geom) * 1e7)::bigint)::bigint AS sx, sum(round(ST_Y(geom) * 1e7)::bigint)::bigint AS sy
    FROM residents GROUP BY 1, 2 ORDER BY 1, 2
    """
)
KEPT = text(
    "SELECT village_code, grp, people, sum_lon_e7, sum_lat_e7 FROM resident_group_counts ORDER BY 1, 2"
)


def _same(engine: Engine) -> None:
    with engine.connect() as conn:
        fresh = [tuple(r) for r in conn.execute(FRESH)]
        kept = [tuple(r) for r in conn.execute(KEPT)]
    assert fresh and kept == fresh


def test_counts_follow_inserts_updates_deletes_and_truncate(demo_db_url: str) -> None:
    engine = create_engine(demo_db_url)
    try:
        _same(engine)  # the demo build (COPY) kept them
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE residents SET status = 'seeking', occupation_code = '6-18-02-04' "
                    "WHERE resident_id % 7 = 0"
                )
            )
            conn.execute(
                text(
                    "UPDATE residents SET geom = ST_Translate(geom, 0.001, -0.002), "
                    "village_code = (SELECT min(code) FROM admin_areas WHERE level = 'village') "
                    "WHERE resident_id % 11 = 0"
                )
            )
            conn.execute(text("DELETE FROM residents WHERE resident_id % 13 = 0"))
        _same(engine)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE residents SET wish_to_return = NOT wish_to_return WHERE status = 'working_away'")
            )
            conn.execute(
                text(
                    "INSERT INTO residents (id_hash, id_cipher, name, sex, birth_date, village_code, "
                    "area_code, status, occupation_code, geom) SELECT decode(md5('t' || g), 'hex'), "
                    "'\\x00', '测试' || g, 'F', DATE '1990-01-01', v.code, v.code, 'seeking', '6-18-02-04', "
                    "ST_SetSRID(ST_MakePoint(116.2 + g * 1e-4, 32.3), 4326) FROM generate_series(1, 50) g, "
                    "(SELECT min(code) AS code FROM admin_areas WHERE level = 'village') v"
                )
            )
        _same(engine)
        with engine.begin() as conn:  # a rolled-back write leaves them as they were
            conn.execute(text("DELETE FROM residents WHERE resident_id % 2 = 0"))
            conn.rollback()
        _same(engine)
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE residents CASCADE"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM resident_group_counts")).scalar_one() == 0
    finally:
        engine.dispose()
