"""Leaflet pages and folium reports."""
