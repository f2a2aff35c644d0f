/* 鸿雁就业地图: the offline basemap, our own vector tiles (water, roads by class) drawn with Leaflet.VectorGrid.
   Each layer is requested only within its zoom range on the server, and overzoomed above it. */
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

  /** Adds water and roads under the area layers; returns them so a view can add more tile layers alike. */
  function addBasemap(map) {
    map.createPane('basemap').style.zIndex = 250;
    return {
      water: tileLayer('water', WATER_STYLE, { pane: 'basemap', minZoom: 6 }).addTo(map),
      roads: tileLayer('roads', roadStyle, { pane: 'basemap', minZoom: 8 }).addTo(map)
    };
  }

  window.HongyanBasemap = { add: addBasemap, tileLayer: tileLayer };
})();
