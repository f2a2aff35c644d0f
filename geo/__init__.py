"""Geo foundation: settings, errors, database, CRS conversions, the road network and its import."""
