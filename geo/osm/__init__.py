"""OSM road import: read ways from an extract or osmnx, cost them, build the graph and store it in PostGIS."""
