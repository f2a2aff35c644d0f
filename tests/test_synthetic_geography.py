"""The synthetic demo county's geography: reference data, partitions, seats, water, determinism."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import MultiPolygon, Polygon, box

from boundaries.reference import parse_townships, parse_villages, townships, villages
from boundaries.synthetic import DemoGeography, build_geography, check_partition, outline
from geo.core.errors import InvalidInput

SEED = 20220513
METRIC = 4548
COUNTY_SEAT = (116.273, 32.347)


@pytest.fixture(scope="module")
def small() -> DemoGeography:
    """The small demo county, built once for this module."""
    return build_geography("small", seed=SEED)


def geography_hash(geo: DemoGeography) -> str:
    """A hash of every attribute and geometry of every layer."""
    digest = hashlib.sha256()
    for frame in (geo.county, geo.townships, geo.villages, geo.water, geo.hamlets):
        for column in frame.columns:
            values = frame[column]
            if isinstance(values, gpd.GeoSeries):
                for wkb in shapely.to_wkb(values.values):
                    digest.update(wkb)
            else:
                digest.update(repr(list(values)).encode())
    return digest.hexdigest()


def test_reference_data_has_all_units() -> None:
    """32 township-level units (25 towns, 5 townships, 1 park, 1 special) and 413 villages with valid codes."""
    ts, vs = townships(), villages()
    assert len(ts) == 32 and len(vs) == 413
    kinds = [t.kind for t in ts]
    assert (kinds.count("town"), kinds.count("township"), kinds.count("park"), kinds.count("special")) == (
        25,
        5,
        1,
        1,
    )
    assert {v.kind for v in vs} == {"village", "community"}
    assert sum(v.kind == "community" for v in vs) == 15
    codes = {t.code for t in ts}
    assert all(v.parent_code in codes and v.code[:9] == v.parent_code[:9] for v in vs)


def test_reference_rejects_missing_column() -> None:
    """A reference file without a required column names the column and the file."""
    with pytest.raises(InvalidInput, match=r"lacks column\(s\) county_code.*file towns\.csv, row 1"):
        parse_townships("code9,name\n341522100,城关镇\n", source="towns.csv")


def test_reference_rejects_malformed_code() -> None:
    """A township code that is not 9 digits names the row and field."""
    with pytest.raises(InvalidInput, match=r"code '34152210X' is not 9 digits.*row 2, field code9"):
        parse_townships("code9,name,county_code\n34152210X,城关镇,341522\n", source="towns.csv")


def test_reference_rejects_empty_name() -> None:
    """A township without a name names the row and field."""
    with pytest.raises(InvalidInput, match=r"name is empty.*row 3, field name"):
        parse_townships(
            "code9,name,county_code\n341522100,城关镇,341522\n341522101, ,341522\n", source="t.csv"
        )


def test_reference_rejects_village_of_unknown_township() -> None:
    """A village whose township is not in the township list is refused with its row."""
    known = parse_townships("code9,name,county_code\n341522100,城关镇,341522\n")
    with pytest.raises(
        InvalidInput, match=r"village 341522999001 does not belong to a known township 341522999"
    ):
        parse_villages("code12,name,township_code9\n341522999001,某村委会,341522999\n", known)


def test_build_geography_rejects_unknown_scale() -> None:
    """Only the scales small and county exist."""
    with pytest.raises(InvalidInput, match=r"scale must be 'small' or 'county', not 'huge' \(field scale\)"):
        build_geography("huge", seed=SEED)  # type: ignore[arg-type]


def test_check_partition_measures_gaps_overlaps_and_invalid() -> None:
    """The checker reports gap and overlap areas in m² and counts invalid children."""
    parent = box(0, 0, 100, 100)
    good = gpd.GeoSeries([box(0, 0, 50, 100), box(50, 0, 100, 100)], crs=METRIC)
    assert check_partition(parent, good).ok
    gap = check_partition(parent, gpd.GeoSeries([box(0, 0, 50, 100), box(60, 0, 100, 100)], crs=METRIC))
    assert gap.gap_m2 == pytest.approx(1000.0) and not gap.ok
    overlap = check_partition(parent, gpd.GeoSeries([box(0, 0, 60, 100), box(50, 0, 100, 100)], crs=METRIC))
    assert overlap.overlap_m2 == pytest.approx(1000.0) and not overlap.ok
    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    assert check_partition(parent, gpd.GeoSeries([bowtie], crs=METRIC)).invalid == 1


def test_check_partition_works_in_metres_for_wgs84() -> None:
    """Children in WGS84 are measured in the metric CRS: a 0.001° × 0.1° sliver is about 1 km², not 1e-4."""
    parent = box(116.0, 32.0, 116.1, 32.1)
    children = gpd.GeoSeries([box(116.0, 32.0, 116.05, 32.1), box(116.051, 32.0, 116.1, 32.1)], crs=4326)
    report = check_partition(parent, children)
    assert 1_000_000 < report.gap_m2 < 1_100_000  # 0.001° × 0.1° ≈ 94 m × 11.1 km


def test_small_scale_layers_and_counts(small: DemoGeography) -> None:
    """Small scale: 城关镇, the development zone and the fisheries unit with all their villages."""
    assert small.county.crs.to_epsg() == 4326
    assert list(small.county["code"]) == ["341522000000"] and list(small.county["name"]) == ["霍邱县"]
    assert set(small.townships["name"]) == {"城关镇", "安徽霍邱经济开发区", "水产局管辖村"}
    assert dict(zip(small.townships["name"], small.townships["kind"], strict=True)) == {
        "城关镇": "town",
        "安徽霍邱经济开发区": "park",
        "水产局管辖村": "special",
    }
    assert len(small.villages) == 24 + 8 + 1
    assert set(small.townships["parent_code"]) == {"341522000000"}
    for frame in (small.county, small.townships, small.villages):
        assert all(isinstance(g, MultiPolygon) for g in frame.geometry)
    kinds = dict(zip(small.villages["name"], small.villages["kind"], strict=True))
    assert kinds["师部社区"] == "community" and kinds["大同村委会"] == "village"
    assert set(small.hamlets.columns) == {"village_code", "weight", "geometry"}
    assert set(small.hamlets["village_code"]) == set(small.villages["code"])
    assert (small.hamlets["weight"] > 0).all()


def test_small_scale_partitions_without_gaps_or_overlaps(small: DemoGeography) -> None:
    """Townships partition the county and villages their township: gap and overlap under 1 m², all valid."""
    report = check_partition(small.county.geometry.iloc[0], small.townships.geometry)
    assert report.ok, report
    for code, geom in zip(small.townships["code"], small.townships.geometry, strict=True):
        children = small.villages[small.villages["parent_code"] == code]
        assert len(children) > 0
        assert all(c.startswith(code[:9]) for c in children["code"])
        report = check_partition(geom, children.geometry)
        assert report.ok, (code, report)


def test_county_seat_position_and_development_zone(small: DemoGeography) -> None:
    """城关镇's seat lies within 1 km of 32.347 N 116.273 E and the development zone borders it."""
    towns = small.townships.set_index("name")
    seat = gpd.GeoSeries([towns.loc["城关镇", "seat"]], crs=4326).to_crs(METRIC).iloc[0]
    target = gpd.GeoSeries([shapely.Point(COUNTY_SEAT)], crs=4326).to_crs(METRIC).iloc[0]
    assert seat.distance(target) < 1000.0
    assert small.county["seat"].iloc[0].equals(towns.loc["城关镇", "seat"])
    metric = small.townships.to_crs(METRIC).set_index("name").geometry
    shared = metric["城关镇"].intersection(metric["安徽霍邱经济开发区"])
    assert shared.length > 1000.0


def test_seats_inside_their_areas_and_off_water(small: DemoGeography) -> None:
    """Every seat lies in its own area; no village seat or hamlet lies in water."""
    for frame in (small.townships, small.villages):
        seats = gpd.GeoSeries(frame["seat"].values, crs=4326)
        assert seats.within(frame.geometry.reset_index(drop=True)).all()
    water = shapely.union_all(small.water.to_crs(METRIC).geometry.values)
    village_seats = gpd.GeoSeries(small.villages["seat"].values, crs=4326).to_crs(METRIC)
    assert village_seats.distance(water).min() > 100.0
    assert small.hamlets.to_crs(METRIC).distance(water).min() > 100.0
    by_code = small.villages.set_index("code").geometry
    hamlet_areas = gpd.GeoSeries([by_code[c] for c in small.hamlets["village_code"]], crs=4326)
    assert small.hamlets.geometry.reset_index(drop=True).within(hamlet_areas).all()


def test_water_lakes_flank_the_county_seat() -> None:
    """城西湖 lies west and 城东湖 east of the county seat; the Huai River runs along the northern border."""
    geo = build_geography("small", seed=SEED)
    names = set(geo.water["name"])
    assert names <= {"城西湖", "城东湖", "淮河"} and names  # the small county touches some of them
    lakes = dict(outline.lakes())
    seat_x = outline.metric_xy(np.array([COUNTY_SEAT]))[0][0]
    assert lakes["城西湖"].centroid.x < seat_x - 3000 and lakes["城东湖"].centroid.x > seat_x + 3000
    assert outline.huai_river().centroid.y > outline.county_outline().centroid.y + 15_000
    assert outline.county_outline().contains(shapely.union_all([p for _, p in outline.lakes()]))


def test_same_seed_same_geography_other_seed_differs(small: DemoGeography) -> None:
    """The geography is a pure function of scale and seed."""
    again = build_geography("small", seed=SEED)
    other = build_geography("small", seed=SEED + 1)
    assert geography_hash(again) == geography_hash(small)
    assert geography_hash(other) != geography_hash(small)
