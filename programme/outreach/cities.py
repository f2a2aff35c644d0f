"""The reference table of destination cities (programme/data/destination_cities.csv): name → WGS84 centre."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.core.errors import InvalidInput

CITIES_CSV = Path(__file__).resolve().parents[1] / "data" / "destination_cities.csv"


@dataclass(frozen=True)
class City:
    """A destination city and the longitude/latitude of its centre."""

    name: str
    province: str
    lon: float
    lat: float


def read_cities(path: Path = CITIES_CSV) -> dict[str, City]:
    """Name → City from a CSV with columns city, province, lon, lat; InvalidInput on a bad row."""
    out: dict[str, City] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row_no, row in enumerate(csv.DictReader(f), start=2):
            try:
                city = City(
                    row["city"].strip(), row["province"].strip(), float(row["lon"]), float(row["lat"])
                )
            except (KeyError, ValueError, AttributeError):
                raise InvalidInput(
                    "a city row needs city, province, lon, lat", source=str(path), row=row_no
                ) from None
            if not (73 <= city.lon <= 136 and 3 <= city.lat <= 54):
                raise InvalidInput(f"{city.name} lies outside China's extent", source=str(path), row=row_no)
            if city.name in out:
                raise InvalidInput(f"{city.name} is listed twice", source=str(path), row=row_no)
            out[city.name] = city
    return out


@cache
def cities() -> dict[str, City]:
    """The shipped destination cities (read once)."""
    return read_cities()


def check_city(name: str) -> City:
    """The city of that name; InvalidInput naming the known cities otherwise."""
    city = cities().get(name.strip())
    if city is None:
        raise InvalidInput(f"unknown city {name!r}: use one of {'、'.join(cities())}", field="city")
    return city
