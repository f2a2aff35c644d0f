"""Heat hexagons: refresh sums, the heat tile layer, the CLI, and the start-up index warning."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import h3
import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from geo.core.db import create_db_engine
from geo.core.errors import Conflict
from geo.core.settings import Settings
from tiles.hexagons import refresh_heat
from tiles.service import TileService

AVAILABLE = "(status IN ('seeking', 'farming') OR (status = 'working_away' AND wish_to_return))"


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a WGS84 point."""
    n = 2**z
    return int((lon + 180.0) / 360.0 * n), int(
        (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    )


def test_refresh_heat_sums_equal_available_people_and_open_positions(demo_db_url: str) -> None:
    eng = create_db_engine(demo_db_url, pool_size=2)
    summary = refresh_heat(eng)
    with eng.connect() as conn:
        people = conn.execute(text(f"SELECT count(*) FROM residents WHERE {AVAILABLE}")).scalar_one()
        positions = conn.execute(
            text("SELECT sum(positions) FROM vacancies WHERE status = 'open'")
        ).scalar_one()
        sums = conn.execute(
            text(
                "SELECT resolution, sum(seekers), sum(positions), count(*) FROM heat_hexagons GROUP BY 1 ORDER BY 1"
            )
        ).all()
        # a resident's own res-8 cell, recomputed by h3 from its coordinates, holds at least that resident
        lon, lat = conn.execute(
            text(f"SELECT ST_X(geom), ST_Y(geom) FROM residents WHERE {AVAILABLE} LIMIT 1")
        ).one()
        cell = h3.latlng_to_cell(lat, lon, 8)
        seekers_there = conn.execute(
            text("SELECT seekers FROM heat_hexagons WHERE h3 = :h"), {"h": cell}
        ).scalar_one()
        contains = conn.execute(
            text(
                "SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) FROM heat_hexagons WHERE h3 = :h"
            ),
            {"h": cell, "lon": lon, "lat": lat},
        ).scalar_one()
        valid = conn.execute(
            text("SELECT bool_and(ST_IsValid(geom) AND ST_NPoints(geom) = 7) FROM heat_hexagons")
        ).scalar_one()
    eng.dispose()
    assert people > 0 and positions > 0
    assert [(r[0], r[1], r[2]) for r in sums] == [
        (6, people, positions),
        (7, people, positions),
        (8, people, positions),
    ]
    assert summary.seekers == people and summary.positions == positions
    assert summary.hexagons == {r[0]: r[3] for r in sums}
    assert sums[0][3] < sums[1][3] < sums[2][3]
    assert seekers_there >= 1 and contains and valid


def test_refresh_heat_twice_replaces_rather_than_adds(demo_db_url: str) -> None:
    eng = create_db_engine(demo_db_url, pool_size=2)
    first = refresh_heat(eng)
    with eng.begin() as conn:
        conn.execute(
            text(
                "UPDATE vacancies SET status = 'closed' WHERE vacancy_id IN (SELECT min(vacancy_id) FROM vacancies WHERE status = 'open')"
            )
        )
    second = refresh_heat(eng)
    with eng.connect() as conn:
        total = conn.execute(
            text("SELECT sum(positions) FROM heat_hexagons WHERE resolution = 8")
        ).scalar_one()
    eng.dispose()
    assert second.positions < first.positions and total == second.positions


def test_heat_tiles_pick_the_resolution_by_zoom(demo_db_url: str, tmp_path: Path) -> None:
    eng = create_db_engine(demo_db_url, pool_size=2)
    refresh_heat(eng)
    with eng.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = '341522100000'")
        ).one()
    with TestClient(create_app(Settings(database_url=demo_db_url, data_dir=tmp_path))) as client:
        for z, res in ((9, 6), (11, 7), (13, 8)):
            x, y = tile_of(lon, lat, z)
            r = client.get(f"/tiles/heat/{z}/{x}/{y}.pbf")
            assert r.status_code == 200, (z, r.text)
            feats = mapbox_vector_tile.decode(r.content)["heat"]["features"]
            assert feats and {f["properties"]["resolution"] for f in feats} == {res}
            for f in feats:
                p = f["properties"]
                assert p["balance"] == p["positions"] - p["seekers"]
                assert h3.get_resolution(p["h3"]) == res
        # the county seat's res-8 cell is in its z13 tile with the stored counts
        cell = h3.latlng_to_cell(lat, lon, 8)
        x, y = tile_of(lon, lat, 13)
        feats = mapbox_vector_tile.decode(client.get(f"/tiles/heat/13/{x}/{y}.pbf").content)["heat"][
            "features"
        ]
    with eng.connect() as conn:
        stored = conn.execute(
            text("SELECT seekers, positions FROM heat_hexagons WHERE h3 = :h"), {"h": cell}
        ).one_or_none()
    eng.dispose()
    got = {f["properties"]["h3"]: (f["properties"]["seekers"], f["properties"]["positions"]) for f in feats}
    if stored is None:
        assert cell not in got
    else:
        assert got[cell] == tuple(stored)


def test_cli_refresh_heat(demo_db_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": demo_db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["tiles", "refresh-heat"], env=env)
    assert result.exit_code == 0, result.output
    assert "heat hexagons (res 6:" in result.output and "available people" in result.output
    eng = create_db_engine(demo_db_url, pool_size=1)
    with eng.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM heat_hexagons")).scalar_one() > 0
    eng.dispose()


def test_refresh_heat_without_the_table_is_a_conflict_naming_the_remedy(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE heat_hexagons"))
    with pytest.raises(Conflict) as err:
        refresh_heat(engine)
    assert (
        "heat_hexagons table does not exist" in err.value.message
        and "hongyan db upgrade" in err.value.message
    )


def test_start_up_warns_about_a_geometry_column_without_gist(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX water_areas_geom_idx"))
    with caplog.at_level(logging.WARNING, logger="tiles.service"):
        service = TileService.start(engine)
    warnings = [r.getMessage() for r in caplog.records]
    assert any("'water'" in w and "water_areas.geom has no GiST index" in w for w in warnings), warnings
    assert not any("'roads'" in w for w in warnings)
    assert service.missing_tables == set()


def test_empty_database_gives_204_not_an_error(engine: Engine) -> None:
    service = TileService.start(engine)
    with engine.connect() as conn:
        assert service.tile(conn, "heat", 8, 210, 103) == b""
        assert service.tile(conn, "roads", 8, 210, 103) == b""


def test_layer_whose_table_is_missing_is_a_conflict_naming_the_remedy(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE heat_hexagons"))
    with caplog.at_level(logging.WARNING, logger="tiles.service"):
        service = TileService.start(engine)
    assert any("table heat_hexagons does not exist" in r.getMessage() for r in caplog.records)
    with engine.connect() as conn, pytest.raises(Conflict) as err:
        service.tile(conn, "heat", 8, 210, 103)
    assert err.value.message == "tile layer 'heat' needs table heat_hexagons: run `hongyan db upgrade`"
