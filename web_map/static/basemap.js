/* 鸿雁就业地图: the basemap. By default (HONGYAN_BASEMAP=offline) our own vector tiles (water, roads by class)
   drawn with Leaflet.VectorGrid, each layer requested only within its zoom range on the server and overzoomed
   above it: no request leaves the server. A deployment may configure an online basemap instead (osm, tianditu,
   amap; GET api/v1/config gives their tile URLs); AMap tiles are GCJ-02, so the map then runs in the CRS of
   gcj02.js (loaded only then): every overlay keeps WGS84 coordinates and is shifted by the projection. */
(function () {
  'use strict';

  var ROAD_STYLE = {
    motorway: { color: '#d9822b', weight: 3 },
    trunk: { color: '#e0a040', weight: 2.6 },
    primary: { color: '#e8b860', weight: 2.2 },
    secondary: { color: '#f0cf80', weight: 1.8 },
    tertiary: { color: '#ffffff', weight: 1.6 }
  };
  var MINOR_ROAD = { color: '#ffffff', weight: 1 };

  // where this script was loaded from: gcj02.js sits next to it and is loaded only for AMap
  var HERE = document.currentScript ? document.currentScript.src.replace(/[^/]*$/, '') : 'static/';

  function roadStyle(props, zoom) {
    var base = ROAD_STYLE[String(props.highway || '').replace('_link', '')] || MINOR_ROAD;
    var scale = zoom >= 14 ? 1.6 : 1;
    return { color: base.color, weight: base.weight * scale, opacity: 0.95, fill: false };
  }

  var WATER_STYLE = { fill: true, fillColor: '#a8cbe6', fillOpacity: 1, color: '#8fb8d8', weight: 0.5 };

  /** One vector tile layer of /tiles/{name}/{z}/{x}/{y}.pbf on pane, styled by style. */
  function tileLayer(name, style, options) {
    var styles = {};
    styles[name] = style;
    return L.vectorGrid.protobuf('tiles/' + name + '/{z}/{x}/{y}.pbf', Object.assign({
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: styles,
      interactive: false,
      maxNativeZoom: 16,
      attribution: '鸿雁 · 霍邱县'
    }, options));
  }

  function addOffline(map, layers) {
    layers.water = tileLayer('water', WATER_STYLE, { pane: 'basemap', minZoom: 6 }).addTo(map);
    layers.roads = tileLayer('roads', roadStyle, { pane: 'basemap', minZoom: 8 }).addTo(map);
  }

  /** Loads gcj02.js (once) and resolves to window.HongyanGcj02. */
  function loadGcj02() {
    if (window.HongyanGcj02) return Promise.resolve(window.HongyanGcj02);
    return new Promise(function (resolve, reject) {
      var script = document.createElement('script');
      script.src = HERE + 'gcj02.js';
      script.onload = function () { resolve(window.HongyanGcj02); };
      script.onerror = function () { reject(new Error('gcj02.js did not load')); };
      document.head.appendChild(script);
    });
  }

  /** Runs the map in the GCJ-02 CRS (same view): WGS84 overlays are drawn where GCJ-02 tiles show the place. */
  function useGcj02(map, gcj02) {
    var center = map.getCenter();
    var zoom = map.getZoom();
    map.options.crs = gcj02.crs;
    map.setView(center, zoom, { reset: true });
  }

  /** The configured online raster tiles (URLs from the server's config, in its datum). */
  function addOnline(map, layers, config) {
    layers.online = config.tiles.map(function (tile) {
      return L.tileLayer(tile.url, {
        pane: 'basemap',
        subdomains: tile.subdomains || 'abc',
        maxNativeZoom: tile.max_native_zoom,
        maxZoom: 18,
        // the site's Referrer-Policy is same-origin; tile servers (OSM's usage policy) ask which site uses
        // them, so tile requests alone carry our origin (never a page path)
        referrerPolicy: 'strict-origin-when-cross-origin',
        attribution: tile.attribution
      }).addTo(map);
    });
  }

  function ready(kind) {
    document.documentElement.setAttribute('data-basemap', kind);
  }

  /** Adds the basemap under the area layers once the page config is known; returns the layers (filled in
      when added) so that a view can look at them. */
  function addBasemap(map) {
    map.createPane('basemap').style.zIndex = 250;
    var layers = {};
    ready('loading');
    window.HongyanApi.get('api/v1/config').then(function (config) {
      if (!config.tiles.length) {
        addOffline(map, layers);
        ready('offline');
      } else if (config.datum === 'gcj02') {
        return loadGcj02().then(function (gcj02) {
          useGcj02(map, gcj02);
          addOnline(map, layers, config);
          ready(config.basemap);
        });
      } else {
        addOnline(map, layers, config);
        ready(config.basemap);
      }
    }).catch(function (error) {
      console.warn('hongyan: no page config, drawing the offline basemap', error);
      addOffline(map, layers);
      ready('offline');
    });
    return layers;
  }

  window.HongyanBasemap = { add: addBasemap, tileLayer: tileLayer };
})();
