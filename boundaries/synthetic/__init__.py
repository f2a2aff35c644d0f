"""The synthetic demo county: geography (county, townships, villages, water, hamlets) and an OSM road file."""

from boundaries.synthetic.geography import DemoGeography, build_geography
from boundaries.synthetic.osm_writer import RoadFileStats, road_network, write_road_osm
from boundaries.synthetic.partition import PartitionReport, check_partition

__all__ = [
    "DemoGeography",
    "PartitionReport",
    "RoadFileStats",
    "build_geography",
    "check_partition",
    "road_network",
    "write_road_osm",
]
