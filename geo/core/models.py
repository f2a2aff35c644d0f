"""ORM models of the road network tables (schema owned by the migrations)."""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import BigInteger, Boolean, DateTime, Float, Integer, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.db import Base


class RoadNetworkInfo(Base):
    """One row describing the road network in force (bumped on every import)."""

    __tablename__ = "road_network_info"
    network_id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    node_count: Mapped[int] = mapped_column(Integer)
    edge_count: Mapped[int] = mapped_column(Integer)
    total_length_m: Mapped[float] = mapped_column(Float)
    main_component_nodes: Mapped[int] = mapped_column(Integer)
    island_count: Mapped[int] = mapped_column(Integer)


class RoadNode(Base):
    """A routable node: an intersection or a dead end."""

    __tablename__ = "road_nodes"
    node_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    osm_id: Mapped[int | None] = mapped_column(BigInteger)
    component: Mapped[int] = mapped_column(Integer)
    in_main_component: Mapped[bool] = mapped_column(Boolean)
    geom: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))


class RoadEdge(Base):
    """A road segment between two nodes, with per-mode travel costs in seconds (-1: not allowed)."""

    __tablename__ = "road_edges"
    edge_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    source: Mapped[int] = mapped_column(BigInteger)
    target: Mapped[int] = mapped_column(BigInteger)
    osm_way_id: Mapped[int | None] = mapped_column(BigInteger)
    name: Mapped[str | None] = mapped_column(Text)
    highway: Mapped[str] = mapped_column(Text)
    oneway: Mapped[bool] = mapped_column(Boolean)
    length_m: Mapped[float] = mapped_column(Float)
    cost_walk: Mapped[float] = mapped_column(Float)
    reverse_cost_walk: Mapped[float] = mapped_column(Float)
    cost_ebike: Mapped[float] = mapped_column(Float)
    reverse_cost_ebike: Mapped[float] = mapped_column(Float)
    cost_car: Mapped[float] = mapped_column(Float)
    reverse_cost_car: Mapped[float] = mapped_column(Float)
    component: Mapped[int] = mapped_column(Integer)
    in_main_component: Mapped[bool] = mapped_column(Boolean)
    geom: Mapped[WKBElement] = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=False))


class PlatformMeta(Base):
    """A key/value fact about this installation (e.g. the demo county that is built)."""

    __tablename__ = "platform_meta"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[dict[str, object]] = mapped_column(JSONB)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
