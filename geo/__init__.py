"""Geo foundation: the application core (core), the OSM road import (osm) and the distance engine (engine)."""
