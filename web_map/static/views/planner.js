/* 鸿雁就业地图 · 规划 view: township/village choropleths of the job balance and the 2SFCA access index
   (GET api/v1/stats/areas) in five quantile classes with a legend, the H3 heat tiles, and the rebalancing
   flows (GET api/v1/plan/rebalance) as arrows whose width grows with the workers moved. */
(function () {
  'use strict';

  var app = window.HongyanApp;
  var api = window.HongyanApi;
  var t = window.HongyanI18n.t;
  var text = window.HongyanText; // names reach tooltips only as text

  // ColorBrewer: RdYlBu for the balance (short of jobs red, surplus blue), YlGnBu for access.
  var PALETTES = {
    balance: ['#d7191c', '#fdae61', '#ffffbf', '#abd9e9', '#2c7bb6'],
    access_index: ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494']
  };
  var FILL_OPACITY = 0.85;
  var FLOW_COLOUR = '#6c3483';

  var s = { stats: {}, layer: null, classes: null, selected: null, status: null, flows: null, heat: null };
  var group; // choropleth
  var flowGroup;
  var parkGroup; // parks and incubators

  var byId = app.byId;
  var el = app.el;
  function level() { return byId('plan-level').value; }
  function snapshotGroup() { return byId('plan-group').value; }
  /** Cache key of the figures on show: the level, and the snapshot group and date when one is picked. */
  function statsKey() { return [level(), snapshotGroup(), byId('plan-date').value].join('|'); }
  function measure() { return byId('plan-measure').value; }


  function setStatus(key, params, kind) {
    s.status = app.status(key, params, kind);
    app.showStatus('plan-status', s.status);
  }

  function format(value) {
    return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
  }

  /** Upper bounds of five quantile classes of values (type 7 quantiles; ties collapse classes). */
  function quantileBreaks(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var n = sorted.length;
    var breaks = [];
    for (var k = 1; k <= 5; k++) {
      var h = (n - 1) * k / 5;
      var lo = Math.floor(h);
      var v = sorted[lo] + (h - lo) * ((sorted[Math.min(lo + 1, n - 1)]) - sorted[lo]);
      if (!breaks.length || v > breaks[breaks.length - 1]) breaks.push(v);
    }
    return { min: sorted[0], breaks: breaks };
  }

  function classOf(value) {
    var b = s.classes.breaks;
    for (var i = 0; i < b.length; i++) if (value <= b[i]) return i;
    return b.length - 1;
  }

  function colourOf(value) {
    var palette = PALETTES[measure()];
    var n = s.classes.breaks.length;
    // With fewer than five distinct classes, spread them over the palette's ends and middle.
    var index = n === 1 ? 2 : Math.round(classOf(value) * 4 / (n - 1));
    return palette[index];
  }

  function renderLegend() {
    var legend = byId('plan-legend');
    legend.textContent = '';
    if (!s.classes) return;
    var from = s.classes.min;
    var n = s.classes.breaks.length;
    s.classes.breaks.forEach(function (upper, i) {
      var item = el('li');
      var swatch = el('span', 'swatch');
      var colour = PALETTES[measure()][n === 1 ? 2 : Math.round(i * 4 / (n - 1))];
      swatch.style.background = colour;
      item.setAttribute('data-colour', colour);
      item.appendChild(swatch);
      item.appendChild(el('span', null, format(from) + ' – ' + format(upper)));
      legend.appendChild(item);
      from = upper;
    });
  }

  /** The 下载报告 link under the figures: a township's offline HTML report (GET reports/township/{code}.html). */
  function reportLink() {
    var link = byId('plan-report');
    if (link) return link;
    link = el('a', 'link-button', t('downloadReport'));
    link.id = 'plan-report';
    link.setAttribute('data-i18n', 'downloadReport');
    link.setAttribute('download', '');
    link.style.textDecoration = 'none';
    byId('plan-area').appendChild(link);
    return link;
  }

  function renderArea() {
    var figures = s.selected && s.stats[statsKey()] && s.stats[statsKey()].get(s.selected);
    byId('plan-area').hidden = !figures;
    byId('plan-hint').hidden = !!figures;
    if (!figures) return;
    byId('plan-area-name').textContent = figures.name;
    var link = reportLink();
    link.hidden = level() !== 'township';
    link.href = 'reports/township/' + encodeURIComponent(figures.code) + '.html';
    link.textContent = t('downloadReport');
    var dl = byId('plan-area-facts');
    dl.textContent = '';
    var snapshot = figures.spatial_availability !== undefined;
    (snapshot ? [
      ['seekers', String(figures.seekers)],
      ['positions', String(figures.positions)],
      ['spatialAvailability', format(figures.spatial_availability)],
      ['accessIndex', format(figures.access_index)],
      ['accessE2sfca', format(figures.access_e2sfca)],
      ['balance', format(figures.balance)]
    ] : [
      ['parentArea', figures.parent_name || '—'],
      ['residents', String(figures.residents)],
      ['seekers', String(figures.seekers)],
      ['positions', String(figures.positions)],
      ['positionsInReach', format(figures.positions_in_reach)],
      ['accessIndex', format(figures.access_index)],
      ['balance', format(figures.balance)]
    ]).forEach(function (row) {
      dl.appendChild(el('dt', null, t(row[0])));
      var dd = el('dd', null, row[1]);
      dd.setAttribute('data-field', row[0]);
      dl.appendChild(dd);
    });
  }

  function draw() {
    group.clearLayers();
    var stats = s.stats[statsKey()];
    if (!stats) return;
    var values = Array.from(stats.values()).map(function (a) { return a[measure()]; });
    s.classes = values.length ? quantileBreaks(values) : null;
    var features = [];
    app.areas().forEach(function (feature, code) {
      if (feature.properties.level === level() && stats.has(code)) features.push(feature);
    });
    L.geoJSON({ type: 'FeatureCollection', features: features }, {
      pane: 'choropleth',
      style: function (feature) {
        var figures = stats.get(feature.properties.code);
        return {
          color: '#4d4d4d', weight: 0.8, opacity: 0.9,
          fillColor: colourOf(figures[measure()]), fillOpacity: FILL_OPACITY
        };
      },
      onEachFeature: function (feature, layer) {
        layer.on('add', function () {
          layer.getElement().setAttribute('data-code', feature.properties.code);
          layer.getElement().setAttribute('data-choropleth', level());
        });
        layer.on('click', function (event) {
          L.DomEvent.stopPropagation(event);
          s.selected = feature.properties.code;
          group.eachLayer(function (l) { l.setStyle({ weight: 0.8, color: '#4d4d4d' }); });
          layer.setStyle({ weight: 3, color: '#1b1b1b' });
          layer.bringToFront();
          app.setPanelOpen(true);
          renderArea();
        });
        group.addLayer(layer);
      }
    });
    renderLegend();
    renderArea();
    setStatus('statsLoaded', { n: features.length }, 'ok');
  }

  function loadStats() {
    var lvl = level();
    var key = statsKey();
    if (s.stats[key]) {
      draw();
      document.documentElement.setAttribute('data-plan', 'ready');
      return;
    }
    setStatus('loadingStats', {}, 'loading');
    document.documentElement.setAttribute('data-plan', 'loading');
    var grp = snapshotGroup();
    var request = grp
      ? api.get('api/v1/stats/surplus', { level: lvl, group: grp, date: byId('plan-date').value })
      : api.get('api/v1/stats/areas', { level: lvl, mode: 'walk', radius_m: 3000 });
    request.then(function (body) {
      var byCode = new Map();
      body.areas.forEach(function (a) {
        if (grp) a.access_index = a.access_2sfca; // the snapshot's 2SFCA index under the same measure
        byCode.set(a.code, a);
      });
      s.stats[key] = byCode;
      // An answer to an older choice is kept, but only the current choice's answer draws and reports ready.
      if (key !== statsKey()) return;
      draw();
      document.documentElement.setAttribute('data-plan', 'ready');
    }).catch(function (error) {
      if (key !== statsKey()) return;
      if (error.status === 404) setStatus('statsMissing', {}, 'error');
      else setStatus('statsFailed', { e: error.message }, 'error');
      document.documentElement.setAttribute('data-plan', 'error');
    });
  }

  /** Fills the group and date pickers from the snapshots (they stay hidden when there are none).
      The snapshot figures use the same walking 3 km circle as the latest run on show. */
  function loadSnapshotChoices() {
    api.get('api/v1/stats/surplus/choices', { mode: 'walk', radius_m: 3000 }).then(function (body) {
      if (!body.dates.length) {
        document.documentElement.setAttribute('data-snapshots', 'none');
        return;
      }
      var groups = byId('plan-group');
      body.groups.forEach(function (g) {
        var option = el('option', null, g.group === 'all' ? t('groupAll') : g.group + ' ' + g.name);
        option.value = g.group;
        groups.appendChild(option);
      });
      var dates = byId('plan-date');
      body.dates.slice().reverse().forEach(function (d) {
        var option = el('option', null, d);
        option.value = d;
        dates.appendChild(option);
      });
      byId('plan-snapshot').hidden = false;
      document.documentElement.setAttribute('data-snapshots', 'ready');
    }).catch(function () {
      document.documentElement.setAttribute('data-snapshots', 'none');
    });
  }

  /* ---------- heat and flows ---------- */

  function heatStyle(props) {
    var b = Number(props.balance) || 0;
    return {
      fill: true, fillOpacity: 0.55, weight: 0.5, color: '#ffffff',
      fillColor: b > 0 ? '#2c7bb6' : (b < 0 ? '#d7191c' : '#bdbdbd')
    };
  }

  function toggleHeat() {
    var map = app.map();
    if (!s.heat) s.heat = window.HongyanBasemap.tileLayer('heat', heatStyle, { pane: 'planoverlay', minZoom: 6 });
    if (byId('plan-heat').checked) s.heat.addTo(map);
    else s.heat.remove();
  }

  /** An SVG arrowhead definition in the flow pane's renderer, referenced by each flow line. */
  function arrowDefs(renderer) {
    var svg = renderer._container; // created when the renderer is added to the map
    if (!svg || svg.querySelector('#hy-arrow')) return;
    var ns = svg.namespaceURI;
    var defs = document.createElementNS(ns, 'defs');
    var marker = document.createElementNS(ns, 'marker');
    marker.setAttribute('id', 'hy-arrow');
    marker.setAttribute('viewBox', '0 0 10 10');
    marker.setAttribute('refX', '8');
    marker.setAttribute('refY', '5');
    marker.setAttribute('markerWidth', '4');
    marker.setAttribute('markerHeight', '4');
    marker.setAttribute('orient', 'auto');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M0,0 L10,5 L0,10 z');
    path.setAttribute('fill', FLOW_COLOUR);
    marker.appendChild(path);
    defs.appendChild(marker);
    svg.insertBefore(defs, svg.firstChild);
  }

  function drawFlows(flows) {
    flowGroup.clearLayers();
    var renderer = L.svg({ pane: 'planoverlay' });
    var max = Math.max.apply(null, flows.map(function (f) { return f.workers; }).concat([1]));
    flows.forEach(function (f) {
      var line = L.polyline([[f.from_lat, f.from_lon], [f.to_lat, f.to_lon]], {
        renderer: renderer, color: FLOW_COLOUR, opacity: 0.85, weight: 2 + 8 * f.workers / max
      });
      line.on('add', function () {
        arrowDefs(renderer);
        line.getElement().setAttribute('marker-end', 'url(#hy-arrow)');
        line.getElement().setAttribute('data-flow', f.from_code + '>' + f.to_code);
      });
      line.bindTooltip(text.node([f.from_name, ' → ', f.to_name, ' · ', t('people', { n: f.workers })]));
      flowGroup.addLayer(line);
    });
  }

  function toggleFlows() {
    var map = app.map();
    if (!byId('plan-flows').checked) {
      flowGroup.remove();
      return;
    }
    flowGroup.addTo(map);
    if (s.flows) return;
    api.get('api/v1/plan/rebalance', { level: 'township', mode: 'car' }).then(function (body) {
      s.flows = body.flows;
      drawFlows(body.flows);
      var workers = body.flows.reduce(function (sum, f) { return sum + f.workers; }, 0);
      setStatus('flowsLoaded', { n: body.flows.length, w: workers }, 'ok');
    }).catch(function (error) {
      setStatus('flowsFailed', { e: error.message }, 'error');
    });
  }

  /* ---------- parks and incubators (public layer: kind, capacity, occupancy) ---------- */

  function parkStatus(status) {
    if (status !== undefined) s.parks = status;
    var node = byId('plan-parks-status');
    node.textContent = s.parks && byId('plan-parks').checked ? t(s.parks.key, s.parks.params) : '';
    node.setAttribute('data-state', s.parks ? s.parks.kind : 'idle');
  }

  function toggleParks() {
    parkStatus();
    if (!byId('plan-parks').checked) {
      parkGroup.remove();
      return;
    }
    parkGroup.addTo(app.map());
    if (parkGroup.getLayers().length) return;
    api.get('api/v1/parks.geojson', {}).then(function (body) {
      var taken = 0, capacity = 0;
      body.features.forEach(function (f) {
        var p = f.properties;
        taken += p.occupancy;
        capacity += p.capacity;
        var marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
          pane: 'planoverlay', radius: 7, color: '#fff', weight: 2, fillColor: '#1f5f8b', fillOpacity: 0.95
        });
        marker.bindTooltip(text.node([p.name, ' · ', p.kind_name, ' · ', p.occupancy, '/', p.capacity]));
        marker.feature = f;
        parkGroup.addLayer(marker);
      });
      parkStatus(app.status('parksLoaded', { n: body.features.length, o: taken, c: capacity }, 'ok'));
    }).catch(function (error) {
      parkStatus(app.status('parksFailed', { e: error.message }, 'error'));
    });
  }

  app.register('planning', {
    init: function () {
      var map = app.map();
      map.createPane('choropleth').style.zIndex = 425;
      map.createPane('planoverlay').style.zIndex = 435;
      group = L.featureGroup();
      flowGroup = L.featureGroup();
      parkGroup = L.featureGroup();
      byId('plan-level').addEventListener('change', function () { s.selected = null; loadStats(); });
      byId('plan-measure').addEventListener('change', draw);
      ['plan-group', 'plan-date'].forEach(function (id) {
        byId(id).addEventListener('change', function () { loadStats(); });
      });
      loadSnapshotChoices();
      byId('plan-heat').addEventListener('change', toggleHeat);
      byId('plan-flows').addEventListener('change', toggleFlows);
      byId('plan-parks').addEventListener('change', toggleParks);
    },
    activate: function () {
      document.body.classList.add('planning');
      group.addTo(app.map());
      if (byId('plan-flows').checked) flowGroup.addTo(app.map());
      if (byId('plan-parks').checked) parkGroup.addTo(app.map());
      if (byId('plan-heat').checked && s.heat) s.heat.addTo(app.map());
      loadStats();
    },
    deactivate: function () {
      document.body.classList.remove('planning');
      group.remove();
      flowGroup.remove();
      parkGroup.remove();
      if (s.heat) s.heat.remove();
    },
    pick: function () {},
    language: function () {
      if (s.status) setStatus(s.status.key, s.status.params, s.status.kind);
      parkStatus();
      renderArea();
    }
  });
})();
