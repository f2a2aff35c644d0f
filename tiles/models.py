"""ORM model of the heat hexagon table (schema owned by migration 0004_heat_hexagons)."""

from __future__ import annotations

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from geo.core.db import Base


class HeatHexagon(Base):
    """One H3 cell with the available people living in it and the open positions at sites in it."""

    __tablename__ = "heat_hexagons"
    h3: Mapped[str] = mapped_column(Text, primary_key=True)
    resolution: Mapped[int] = mapped_column(Integer)
    seekers: Mapped[int] = mapped_column(Integer)
    positions: Mapped[int] = mapped_column(Integer)
    geom: Mapped[WKBElement] = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=False))
