/* 鸿雁就业地图 · 霍邱县 — the shell and the area map: townships and villages from /api/v1/areas over our own
   vector basemap, the panel and its tabs. Plain script (no build step) after the vendored libraries, i18n.js,
   api.js and basemap.js; the views (views/*.js) register with window.HongyanApp and start with it. */
(function () {
  'use strict';

  var AREAS_URL = 'api/v1/areas';
  var HUOQIU_CENTER = [32.33, 116.27];
  var TOWNSHIP_LABEL_MIN_ZOOM = 9;
  var VILLAGE_MIN_ZOOM = 12; // every village from here on; below it only the selected township's
  var VILLAGE_LABEL_MIN_ZOOM = 13;
  var WIDE_QUERY = '(min-width: 720px)';
  // Soft, distinct fills; neighbours usually differ because codes run around the county.
  var TOWNSHIP_FILLS = ['#f3c98b', '#a9d3a0', '#9fc9e3', '#f2a7a0', '#c7b4e3', '#f1df8a', '#93d2c4', '#e6b6cf'];

  var i18n = window.HongyanI18n;
  var t = i18n.t;

  var state = {
    status: { key: 'loading', params: {}, kind: 'loading' },
    areas: new Map(), // code -> GeoJSON feature of every level
    layers: new Map(), // code -> Leaflet polygon of townships and villages
    villagesByParent: new Map(), // township code -> [village codes]
    villageLabels: new Map(), // village code -> tooltip
    labelRank: new Map(), // tooltip -> area in square degrees; bigger areas keep their label in a clash
    selected: null // code of the selected area
  };

  var map;
  var townshipGroup;
  var townshipLabels;
  var villageGroup;
  var villageLabelGroup;
  var views = {}; // tab name -> { init, activate, deactivate, pick, language }
  var activeTab = 'areas';

  function byId(id) {
    return document.getElementById(id);
  }

  /** A new element with an optional class and text (text only ever as textContent, never HTML). */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A view's status line: {key, params, kind} in the current language, or empty when null. */
  function showStatus(id, status) {
    var node = byId(id);
    node.textContent = status ? t(status.key, status.params) : '';
    node.setAttribute('data-state', status ? status.kind : 'idle');
  }

  /** The status object a view keeps so it can be redrawn when the language changes. */
  function status(key, params, kind) {
    return key ? { key: key, params: params || {}, kind: kind || 'ok' } : null;
  }

  function isWide() {
    return window.matchMedia(WIDE_QUERY).matches;
  }

  /** Switches the page to lang and redraws the texts that this script fills in. */
  function applyLanguage(lang) {
    i18n.apply(lang);
    renderStatus();
    renderInfo();
    Object.keys(views).forEach(function (name) {
      if (views[name].language) views[name].language();
    });
  }

  function setStatus(key, params, kind) {
    state.status = status(key, params, kind);
    renderStatus();
  }

  function renderStatus() {
    showStatus('status', state.status);
  }

  /* ---------- panel ---------- */

  function setPanelOpen(open) {
    var panel = byId('panel');
    panel.setAttribute('data-open', open ? 'true' : 'false');
    byId('panel-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  function showTab(name) {
    if (name !== activeTab) {
      var old = views[activeTab];
      activeTab = name;
      if (old && old.deactivate) old.deactivate();
      if (views[name] && views[name].activate) views[name].activate();
    }
    document.querySelectorAll('.tab').forEach(function (tab) {
      tab.setAttribute('aria-selected', tab.getAttribute('data-tab') === name ? 'true' : 'false');
    });
    document.querySelectorAll('.tab-page').forEach(function (page) {
      page.hidden = page.getAttribute('data-page') !== name;
    });
  }

  function levelText(props) {
    var level = t(props.level);
    return props.kind ? level + ' · ' + props.kind : level;
  }

  function parentText(props) {
    if (!props.parent_code) return t('none');
    var parent = state.areas.get(props.parent_code);
    return parent ? parent.properties.name + '（' + props.parent_code + '）' : props.parent_code;
  }

  /** Fills the panel with the selected area's name, code, level and parent (text only, never HTML). */
  function renderInfo() {
    var feature = state.selected && state.areas.get(state.selected);
    byId('area-info').hidden = !feature;
    byId('area-hint').hidden = !!feature;
    if (!feature) return;
    var props = feature.properties;
    byId('area-name').textContent = props.name;
    byId('area-code').textContent = props.code;
    byId('area-level').textContent = levelText(props);
    byId('area-parent').textContent = parentText(props);
  }

  /* ---------- map ---------- */

  function townshipStyle(feature) {
    var index = feature.properties._index || 0;
    return {
      color: '#7a5a3a',
      weight: 1.5,
      opacity: 0.9,
      fillColor: TOWNSHIP_FILLS[index % TOWNSHIP_FILLS.length],
      fillOpacity: 0.6
    };
  }

  function villageStyle() {
    // A fill that is not drawn but still catches clicks inside the outline.
    return { color: '#5f7286', weight: 0.8, opacity: 0.9, fillColor: '#ffffff', fillOpacity: 0 };
  }

  var SELECTED_STYLE = { color: '#c0392b', weight: 3, opacity: 1 };

  function baseStyle(feature) {
    return feature.properties.level === 'township' ? townshipStyle(feature) : villageStyle();
  }

  /** Tags a polygon's SVG element with its code and level once it is drawn (for styling and tests). */
  function tagElement(layer, props) {
    layer.on('add', function () {
      var el = layer.getElement && layer.getElement();
      if (!el) return;
      el.setAttribute('data-code', props.code);
      el.setAttribute('data-level', props.level);
    });
  }


  function labelPoint(feature, layer) {
    var seat = feature.properties.seat;
    if (seat && seat.length === 2) return L.latLng(seat[1], seat[0]);
    return layer.getCenter ? layer.getCenter() : layer.getBounds().getCenter();
  }

  function makeLabel(feature, layer, className) {
    var tip = L.tooltip({ permanent: true, direction: 'center', className: className, interactive: false })
      .setLatLng(labelPoint(feature, layer))
      .setContent(window.HongyanText.node(feature.properties.name));
    var b = layer.getBounds();
    state.labelRank.set(tip, (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth()));
    tip.areaCode = feature.properties.code;
    return tip;
  }

  /** Hides labels that would overlap one already placed: the selected area first, townships, then by size. */
  function declutter() {
    var tips = [];
    [townshipLabels, villageLabelGroup].forEach(function (group, tier) {
      if (group && map.hasLayer(group)) {
        group.eachLayer(function (tip) {
          tips.push({ tip: tip, tier: tip.areaCode === state.selected ? -1 : tier });
        });
      }
    });
    tips.sort(function (a, b) {
      return a.tier - b.tier || state.labelRank.get(b.tip) - state.labelRank.get(a.tip);
    });
    var placed = [];
    tips.forEach(function (item) {
      var el = item.tip.getElement();
      if (!el) return;
      el.classList.remove('label-hidden');
      var r = el.getBoundingClientRect();
      var clash = placed.some(function (p) {
        return r.left < p.right + 2 && r.right > p.left - 2 && r.top < p.bottom && r.bottom > p.top;
      });
      if (clash) el.classList.add('label-hidden');
      else placed.push(r);
    });
  }

  function select(code) {
    var previous = state.selected;
    state.selected = code;
    if (previous && state.layers.has(previous)) {
      var old = state.layers.get(previous);
      old.setStyle(baseStyle(state.areas.get(previous)));
    }
    var layer = state.layers.get(code);
    if (layer) {
      layer.setStyle(SELECTED_STYLE);
      layer.bringToFront();
    }
    updateVillages();
    declutter();
    renderInfo();
    showTab('areas');
    setPanelOpen(true);
    if (layer) keepVisible(layer);
  }

  /** On phones, pans the map so that the selected area is not hidden under the opened bottom sheet. */
  function keepVisible(layer) {
    if (isWide()) return;
    var mapRect = byId('map').getBoundingClientRect();
    var sheetTop = mapRect.bottom - byId('panel').offsetHeight; // where the sheet ends up once opened
    var visibleHeight = sheetTop - mapRect.top;
    var point = map.latLngToContainerPoint(layer.getBounds().getCenter());
    if (visibleHeight > 80 && (point.y > visibleHeight - 24 || point.y < 24)) {
      map.panBy([0, point.y - visibleHeight / 2]);
    }
  }

  /** A click or long-press on the map: the active view's pick if it has one, else the area is selected. */
  function onAreaClick(event) {
    L.DomEvent.stopPropagation(event);
    var view = views[activeTab];
    if (view && view.pick) view.pick(event.latlng, event.target.feature.properties.code);
    else select(event.target.feature.properties.code);
  }

  function onMapPick(event) {
    var view = views[activeTab];
    if (view && view.pick) view.pick(event.latlng, null);
  }

  function hover(event, on) {
    var code = event.target.feature.properties.code;
    if (code === state.selected) return;
    event.target.setStyle({ weight: on ? 2.5 : baseStyle(event.target.feature).weight });
  }

  function bindArea(feature, layer) {
    state.layers.set(feature.properties.code, layer);
    tagElement(layer, feature.properties);
    layer.on('click', onAreaClick);
    layer.on('mouseover', function (e) { hover(e, true); });
    layer.on('mouseout', function (e) { hover(e, false); });
  }

  /** Which villages to draw: all when zoomed in, else those of the selected township (or village's township). */
  function villagesToShow() {
    if (map.getZoom() >= VILLAGE_MIN_ZOOM) return Array.from(state.villagesByParent.values()).flat();
    var selected = state.selected && state.areas.get(state.selected);
    if (!selected) return [];
    var township = selected.properties.level === 'village' ? selected.properties.parent_code : selected.properties.code;
    return state.villagesByParent.get(township) || [];
  }

  function updateVillages() {
    if (!villageGroup) return;
    var wanted = new Set(villagesToShow());
    var withLabels = map.getZoom() >= VILLAGE_LABEL_MIN_ZOOM;
    state.villagesByParent.forEach(function (codes) {
      codes.forEach(function (code) {
        var layer = state.layers.get(code);
        var label = state.villageLabels.get(code);
        var show = wanted.has(code);
        if (show && !villageGroup.hasLayer(layer)) villageGroup.addLayer(layer);
        if (!show && villageGroup.hasLayer(layer)) villageGroup.removeLayer(layer);
        if (show && withLabels && !villageLabelGroup.hasLayer(label)) villageLabelGroup.addLayer(label);
        if (!(show && withLabels) && villageLabelGroup.hasLayer(label)) villageLabelGroup.removeLayer(label);
      });
    });
  }

  function updateTownshipLabels() {
    var show = map.getZoom() >= TOWNSHIP_LABEL_MIN_ZOOM;
    if (show && !map.hasLayer(townshipLabels)) townshipLabels.addTo(map);
    if (!show && map.hasLayer(townshipLabels)) map.removeLayer(townshipLabels);
  }

  /** Padding so that fitted areas are not hidden behind the panel (side card or bottom sheet). */
  function fitOptions() {
    var panel = byId('panel').getBoundingClientRect();
    if (isWide() && byId('panel').getAttribute('data-open') === 'true') {
      return { paddingTopLeft: [panel.right + 12, 12], paddingBottomRight: [12, 12] };
    }
    var mapRect = byId('map').getBoundingClientRect();
    var covered = Math.max(0, mapRect.bottom - panel.top);
    return { paddingTopLeft: [12, 12], paddingBottomRight: [12, covered + 12] };
  }

  function fetchAreas(level) {
    return fetch(AREAS_URL + '?level=' + encodeURIComponent(level), { headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status + ' (' + level + ')');
        return response.json();
      });
  }

  function remember(collection) {
    collection.features.forEach(function (feature, index) {
      feature.properties._index = index;
      state.areas.set(feature.properties.code, feature);
    });
  }

  function drawCounty(collection) {
    remember(collection);
    if (!collection.features.length) return null;
    return L.geoJSON(collection, {
      pane: 'county',
      interactive: false,
      style: { color: '#8c2f1b', weight: 2.5, opacity: 0.9, fill: false }
    }).addTo(map);
  }

  function drawTownships(collection) {
    remember(collection);
    townshipGroup = L.geoJSON(collection, {
      pane: 'townships',
      style: townshipStyle,
      onEachFeature: bindArea
    }).addTo(map);
    townshipLabels = L.layerGroup();
    townshipGroup.eachLayer(function (layer) {
      townshipLabels.addLayer(makeLabel(layer.feature, layer, 'area-label township-label'));
    });
    updateTownshipLabels();
  }

  function drawVillages(collection) {
    remember(collection);
    villageGroup = L.featureGroup().addTo(map);
    villageLabelGroup = L.layerGroup().addTo(map);
    L.geoJSON(collection, {
      pane: 'villages',
      style: villageStyle,
      onEachFeature: function (feature, layer) {
        bindArea(feature, layer);
        var parent = feature.properties.parent_code;
        if (!state.villagesByParent.has(parent)) state.villagesByParent.set(parent, []);
        state.villagesByParent.get(parent).push(feature.properties.code);
        state.villageLabels.set(feature.properties.code, makeLabel(feature, layer, 'area-label village-label'));
      }
    });
    updateVillages();
  }

  function fitToCounty(county) {
    var bounds = county ? county.getBounds() : townshipGroup.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, Object.assign({ animate: false }, fitOptions()));
    byId('map').setAttribute('data-zoom', String(map.getZoom()));
  }

  function load() {
    document.documentElement.setAttribute('data-areas', 'loading');
    var villages = fetchAreas('village');
    Promise.all([fetchAreas('county'), fetchAreas('township')])
      .then(function (results) {
        var county = drawCounty(results[0]);
        drawTownships(results[1]);
        fitToCounty(county);
        return villages.then(function (collection) {
          drawVillages(collection);
          declutter();
          var townships = results[1].features.length;
          if (!townships) setStatus('empty', {}, 'empty');
          else setStatus('loaded', { t: townships, v: collection.features.length }, 'ok');
          renderInfo();
          document.documentElement.setAttribute('data-areas', 'ready');
        });
      })
      .catch(function (error) {
        setStatus('failed', { e: error.message }, 'error');
        document.documentElement.setAttribute('data-areas', 'error');
        console.error('hongyan: loading areas failed', error);
      });
  }

  function createMap() {
    map = L.map('map', {
      zoomControl: false,
      attributionControl: true,
      minZoom: 7,
      maxZoom: 18,
      zoomSnap: 0.5
    }).setView(HUOQIU_CENTER, 9);
    L.control.zoom({ position: 'topright' }).addTo(map);
    L.control.scale({ imperial: false, position: 'bottomright' }).addTo(map);
    map.attributionControl.setPrefix('Leaflet');
    map.createPane('townships').style.zIndex = 400;
    map.createPane('villages').style.zIndex = 410;
    map.createPane('county').style.zIndex = 420;
    window.HongyanBasemap.add(map);
    map.on('click', onMapPick);
    map.on('contextmenu', onMapPick); // a long-press on touch screens
    map.on('zoomend', function () {
      byId('map').setAttribute('data-zoom', String(map.getZoom()));
      if (townshipLabels) updateTownshipLabels();
      updateVillages();
      declutter();
    });
  }

  function wireUi() {
    byId('lang-switch').addEventListener('click', function () {
      applyLanguage(i18n.lang() === 'zh' ? 'en' : 'zh');
    });
    byId('panel-toggle').addEventListener('click', function () {
      setPanelOpen(byId('panel').getAttribute('data-open') !== 'true');
    });
    document.querySelectorAll('.tab').forEach(function (tab) {
      tab.addEventListener('click', function () {
        showTab(tab.getAttribute('data-tab'));
      });
    });
    byId('area-zoom').addEventListener('click', function () {
      var layer = state.selected && state.layers.get(state.selected);
      if (layer) map.fitBounds(layer.getBounds(), fitOptions());
    });
  }

  /** Pans so that latlng is in the part of the map not covered by the panel. */
  function reveal(latlng) {
    var opts = fitOptions();
    var size = map.getSize();
    var left = opts.paddingTopLeft[0];
    var bottom = opts.paddingBottomRight[1];
    var target = L.point(left + (size.x - left) / 2, (size.y - bottom) / 2);
    var point = map.latLngToContainerPoint(latlng);
    map.panBy(point.subtract(target), { animate: false });
  }

  window.HongyanApp = {
    register: function (name, view) { views[name] = view; },
    map: function () { return map; },
    areas: function () { return state.areas; },
    fitOptions: fitOptions,
    reveal: reveal,
    isWide: isWide,
    setPanelOpen: setPanelOpen,
    showTab: showTab,
    activeTab: function () { return activeTab; },
    byId: byId,
    el: el,
    status: status,
    showStatus: showStatus
  };

  function start() {
    setPanelOpen(isWide());
    wireUi();
    createMap();
    Object.keys(views).forEach(function (name) {
      if (views[name].init) views[name].init();
    });
    applyLanguage(i18n.stored());
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
