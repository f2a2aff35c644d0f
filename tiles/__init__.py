"""Mapbox vector tiles served from PostGIS."""
