"""Bad road input: each case says what is wrong and where, and the network in force stays as it was."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from roads_osm import HELSINKI, convert, write_osm
from sqlalchemy import Engine, text

from geo.core.errors import InvalidInput
from geo.osm.osm_read import read_osm_file
from geo.osm.road_graph import build_road_graph
from geo.osm.road_store import import_osm_file, store_road_graph


def snapshot(engine: Engine) -> tuple[object, ...]:
    """Version and contents summary of the stored network."""
    with engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT (SELECT version FROM road_network_info), (SELECT count(*) FROM road_nodes), "
                    "(SELECT count(*) FROM road_edges), (SELECT sum(length_m) FROM road_edges), "
                    "(SELECT max(edge_id) FROM road_edges)"
                )
            ).one()
        )


@pytest.fixture
def good(engine: Engine) -> tuple[object, ...]:
    """Import the real extract first; returns the snapshot a failed import must leave untouched."""
    import_osm_file(engine, HELSINKI)
    state = snapshot(engine)
    assert state[0] == 1 and state[1] > 3000
    return state


def test_missing_file(engine: Engine, good: tuple[object, ...], tmp_path: Path) -> None:
    """A path that does not exist."""
    path = tmp_path / "nowhere.osm.pbf"
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message == (
        "OSM file not found: check the path, or download an extract (e.g. from download.geofabrik.de) "
        f"(file {path})"
    )
    assert snapshot(engine) == good


def test_truncated_pbf_keeps_the_previous_network(
    engine: Engine, good: tuple[object, ...], tmp_path: Path
) -> None:
    """A real .pbf cut in half fails with a clear message; the old network and version remain."""
    data = HELSINKI.read_bytes()
    path = tmp_path / "half.osm.pbf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message == (
        "cannot read the OSM file (PBF error: unexpected EOF); it may be truncated or corrupt: "
        f"download it again (file {path})"
    )
    assert snapshot(engine) == good


def test_truncated_xml(engine: Engine, tmp_path: Path) -> None:
    """A real .osm cut in half: the XML error is reported, nothing is stored."""
    full = convert(HELSINKI, tmp_path / "full.osm").read_bytes()
    path = tmp_path / "half.osm"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message.startswith("cannot read the OSM file (XML parsing error at line ")
    assert "it may be truncated or corrupt: download it again" in err.value.message
    assert snapshot(engine)[:3] == (None, 0, 0)


def test_truncated_bz2(engine: Engine, tmp_path: Path) -> None:
    """A real .osm.bz2 cut in half: the decompression error is reported."""
    full = convert(HELSINKI, tmp_path / "full.osm.bz2").read_bytes()
    path = tmp_path / "half.osm.bz2"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message.startswith("cannot read the OSM file (bzip2 error")
    assert err.value.source == str(path)


def test_file_without_roads(engine: Engine, good: tuple[object, ...], tmp_path: Path) -> None:
    """An OSM file with only a building and a shop: no roads, and the old network stays."""
    nodes = {1: (116.3, 32.3), 2: (116.301, 32.3), 3: (116.301, 32.301), 4: (116.3, 32.301)}
    path = write_osm(
        tmp_path / "shop.osm", nodes, [(10, [1, 2, 3, 4, 1], {"building": "yes", "shop": "bakery"})]
    )
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message.startswith("no roads found: the file has no ways tagged highway=motorway/")
    assert err.value.message.endswith(
        "(open to walking, e-bikes or cars); check that it is an OpenStreetMap road extract (file shop.osm)"
    )
    assert snapshot(engine) == good


def test_only_private_roads(engine: Engine, tmp_path: Path) -> None:
    """Roads nobody may use count as no roads."""
    nodes = {1: (116.3, 32.3), 2: (116.301, 32.3)}
    path = write_osm(
        tmp_path / "private.osm", nodes, [(10, [1, 2], {"highway": "service", "access": "private"})]
    )
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message.startswith("no roads found")


@pytest.mark.parametrize("name", ["roads.shp", "roads.geojson", "roads.osm.zip", "roads"])
def test_unsupported_extension(engine: Engine, tmp_path: Path, name: str) -> None:
    """Only OSM extracts are accepted, whatever the file holds."""
    path = tmp_path / name
    path.write_bytes(HELSINKI.read_bytes())
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message == (
        f"unsupported road file type {name!r}: give an OpenStreetMap extract ending in "
        f".osm, .osm.bz2, .osm.gz, .osm.pbf, .pbf (file {path})"
    )


def test_not_an_osm_file(engine: Engine, tmp_path: Path) -> None:
    """Garbage with an OSM suffix."""
    path = tmp_path / "junk.osm.pbf"
    path.write_text("这不是地图 not a map")
    with pytest.raises(InvalidInput) as err:
        import_osm_file(engine, path)
    assert err.value.message.startswith("cannot read the OSM file (PBF error: ")


def test_failure_while_storing_rolls_back(engine: Engine, good: tuple[object, ...]) -> None:
    """A row the database rejects halfway through the load leaves the previous network and version."""
    graph = build_road_graph(read_osm_file(HELSINKI))
    length = graph.edge_length_m.copy()
    length[-1] = -1.0  # violates length_m >= 0 on the last COPY row, after the truncate and the nodes
    broken = replace(graph, edge_length_m=length)
    with pytest.raises(psycopg.errors.CheckViolation):
        store_road_graph(engine, broken, source="broken")
    assert snapshot(engine) == good
