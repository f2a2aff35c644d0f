/* 鸿雁就业地图: WGS84 → GCJ-02 (the offset datum of AMap tiles) and a Leaflet CRS that applies it.

   The forward formula is the published one (the same as geo/core/crs.py); the inverse is solved by fixed-point
   iteration until the forward formula reproduces the input to 1e-10°. Outside the box 72.004–137.8347 E,
   0.8293–55.8271 N there is no offset.

   How overlays are shifted: with AMap as the basemap the map runs in the CRS `crs` below, whose projection is
   "WGS84 → GCJ-02, then spherical Mercator". Every overlay (areas, reach, markers, the route) keeps its WGS84
   coordinates and is drawn shifted by the projection; clicks are unprojected back to WGS84. Raster tiles
   requested by z/x/y are then on AMap's GCJ-02 grid. Our own vector tiles use the WGS84 grid, so the offline
   basemap is not drawn under AMap (the planner's heat tiles are offset by the GCJ shift, ~0.5 km, there). */
(function () {
  'use strict';

  var A = 6378245.0; // Krasovsky 1940 semi-major axis and eccentricity², as the formula uses them
  var EE = 0.00669342162296594323;
  var PI = Math.PI;

  function inChina(lon, lat) {
    return lon >= 72.004 && lon <= 137.8347 && lat >= 0.8293 && lat <= 55.8271;
  }

  /** The GCJ-02 offset [dlon, dlat] in degrees at a WGS84 position (zero outside China). */
  function delta(lon, lat) {
    if (!inChina(lon, lat)) return [0, 0];
    var x = lon - 105.0;
    var y = lat - 35.0;
    var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + common;
    dlat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dlat += (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + common;
    dlon += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dlon += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var rad = lat / 180.0 * PI;
    var magic = 1.0 - EE * Math.sin(rad) * Math.sin(rad);
    var sqrtMagic = Math.sqrt(magic);
    dlat = dlat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrtMagic) * PI);
    dlon = dlon * 180.0 / (A / sqrtMagic * Math.cos(rad) * PI);
    return [dlon, dlat];
  }

  /** WGS84 [lon, lat] → GCJ-02 [lon, lat]. */
  function toGcj02(lon, lat) {
    var d = delta(lon, lat);
    return [lon + d[0], lat + d[1]];
  }

  /** GCJ-02 [lon, lat] → WGS84 [lon, lat], iterating until the forward formula gives the input back. */
  function fromGcj02(lon, lat) {
    var w = [lon, lat];
    for (var i = 0; i < 30; i++) {
      var g = toGcj02(w[0], w[1]);
      var ex = g[0] - lon;
      var ey = g[1] - lat;
      w = [w[0] - ex, w[1] - ey];
      if (Math.abs(ex) < 1e-10 && Math.abs(ey) < 1e-10) break;
    }
    return w;
  }

  var mercator = L.Projection.SphericalMercator;

  /** Spherical Mercator of the GCJ-02 position: WGS84 overlays land where AMap draws the place. */
  var projection = {
    bounds: mercator.bounds,
    project: function (latlng) {
      var g = toGcj02(latlng.lng, latlng.lat);
      return mercator.project(L.latLng(g[1], g[0]));
    },
    unproject: function (point) {
      var g = mercator.unproject(point);
      var w = fromGcj02(g.lng, g.lat);
      return L.latLng(w[1], w[0]);
    }
  };

  var crs = L.extend({}, L.CRS.EPSG3857, { code: 'GCJ02:3857', projection: projection });

  window.HongyanGcj02 = { toGcj02: toGcj02, fromGcj02: fromGcj02, inChina: inChina, crs: crs };
})();
