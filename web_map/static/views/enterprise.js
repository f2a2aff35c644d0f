/* 鸿雁就业地图 · 企业 view: find an enterprise by name (GET api/v1/enterprises), show its sites and the pool of
   people available within reach (GET api/v1/enterprises/{id}/candidates) at 1, 3 and 5 km, as CSS bar charts. */
(function () {
  'use strict';

  var app = window.HongyanApp;
  var api = window.HongyanApi;
  var t = window.HongyanI18n.t;
  var text = window.HongyanText; // names reach tooltips only as text

  var RADII = [1000, 3000, 5000];
  var TRADE_BARS = 8;
  var SITE_STYLE = { radius: 9, color: '#ffffff', weight: 2.5, fillColor: '#6c3483', fillOpacity: 0.95 };
  var POOL_STYLE = {
    pane: 'enterprise', color: '#0b4f6c', weight: 2, fillColor: '#1b98e0', fillOpacity: 0.7, className: 'pool-village'
  };

  var s = { enterprise: null, pools: null, status: null, request: 0 };
  var group;
  var poolGroup;

  var byId = app.byId;
  var el = app.el;


  function setStatus(key, params, kind) {
    s.status = app.status(key, params, kind);
    app.showStatus('enterprise-status', s.status);
  }

  /** Horizontal bars: one row per [label, count], widths relative to the largest count. */
  function bars(container, rows, kind) {
    container.textContent = '';
    var max = Math.max.apply(null, rows.map(function (r) { return r[1]; }).concat([1]));
    rows.forEach(function (row) {
      var line = el('div', 'bar-row');
      line.setAttribute('data-kind', kind);
      line.appendChild(el('span', 'bar-label', row[0]));
      var track = el('span', 'bar-track');
      var bar = el('span', 'bar bar-' + kind);
      bar.style.width = (100 * row[1] / max).toFixed(1) + '%';
      track.appendChild(bar);
      line.appendChild(track);
      line.appendChild(el('span', 'bar-value', String(row[1])));
      container.appendChild(line);
    });
  }

  function statusLabel(status) {
    var text = t('st_' + status);
    return text === 'st_' + status ? status : text;
  }

  function render() {
    var e = s.enterprise;
    byId('enterprise-info').hidden = !e;
    if (!e) return;
    byId('enterprise-name').textContent = e.name;
    byId('enterprise-facts').textContent = t('enterpriseFacts', {
      i: e.industry || '—', s: e.site_count, p: e.open_positions
    });
    if (!s.pools) return;
    bars(byId('pool-radii'), RADII.map(function (r, i) {
      return [t('kmAway', { d: r / 1000 }), s.pools[i].candidate_count];
    }), 'radius');
    var three = s.pools[1];
    bars(byId('pool-status'), Object.keys(three.by_status).map(function (k) {
      return [statusLabel(k), three.by_status[k]];
    }), 'status');
    bars(byId('pool-trade'), Object.keys(three.by_trade).slice(0, TRADE_BARS).map(function (k) {
      return [k, three.by_trade[k]];
    }), 'trade');
  }

  /** The 3-km pool on the map, aggregated to villages: a circle per village, its area by the head count. */
  function drawPool(pool) {
    poolGroup.clearLayers();
    var max = Math.max.apply(null, pool.by_village.map(function (v) { return v.count; }).concat([1]));
    pool.by_village.forEach(function (v) {
      var marker = L.circleMarker([v.lat, v.lon], Object.assign({ radius: 4 + 16 * Math.sqrt(v.count / max) }, POOL_STYLE));
      marker.bindTooltip(text.node(t('poolVillage', { v: v.name, n: v.count })));
      poolGroup.addLayer(marker);
    });
  }

  function drawSites(e) {
    group.clearLayers();
    poolGroup.clearLayers();
    e.sites.forEach(function (site) {
      var marker = L.circleMarker([site.lat, site.lon], Object.assign({ pane: 'enterprise' }, SITE_STYLE));
      marker.bindTooltip(text.node(site.name || e.name));
      group.addLayer(marker);
    });
    if (e.sites.length) {
      var map = app.map();
      var bounds = group.getBounds().pad(0.5);
      map.fitBounds(bounds, Object.assign({ animate: false, maxZoom: 13 }, app.fitOptions()));
    }
  }

  /** Shows an enterprise and counts its candidate pool at each radius (three calls in parallel). */
  function pick(e) {
    var seq = ++s.request;
    s.enterprise = e;
    s.pools = null;
    byId('enterprise-hits').hidden = true;
    drawSites(e);
    render();
    setStatus('loadingPool', {}, 'loading');
    document.documentElement.setAttribute('data-pool', 'loading');
    Promise.all(RADII.map(function (r) {
      return api.get('api/v1/enterprises/' + encodeURIComponent(e.enterprise_id) + '/candidates', {
        mode: 'walk', radius_m: r
      });
    })).then(function (pools) {
      if (seq !== s.request) return;
      s.pools = pools;
      drawPool(pools[1]);
      setStatus('poolSummary', { n: pools[1].candidate_count }, 'ok');
      render();
      document.documentElement.setAttribute('data-pool', 'ready');
    }).catch(function (error) {
      if (seq !== s.request) return;
      setStatus('poolFailed', { e: error.message }, 'error');
      document.documentElement.setAttribute('data-pool', 'error');
    });
  }

  function showHits(results) {
    var list = byId('enterprise-hits');
    list.textContent = '';
    results.forEach(function (e) {
      var item = el('li');
      var button = el('button', 'hit', e.name);
      button.type = 'button';
      button.setAttribute('data-enterprise', String(e.enterprise_id));
      button.appendChild(el('span', 'hit-parent', e.industry));
      button.addEventListener('click', function () { pick(e); });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = !results.length;
  }

  function search(event) {
    event.preventDefault();
    var q = byId('enterprise-q').value.trim();
    if (!q) return;
    setStatus('searching', {}, 'loading');
    api.get('api/v1/enterprises', { q: q, limit: 10 }).then(function (body) {
      if (!body.results.length) {
        showHits([]);
        setStatus('notFound', { q: q }, 'error');
        return;
      }
      setStatus(null);
      if (body.results.length === 1) pick(body.results[0]);
      else showHits(body.results);
    }).catch(function (error) {
      setStatus('searchFailed', { e: error.message }, 'error');
    });
  }

  app.register('enterprises', {
    init: function () {
      app.map().createPane('enterprise').style.zIndex = 640;
      group = L.featureGroup();
      poolGroup = L.featureGroup();
      byId('enterprise-search').addEventListener('submit', search);
    },
    activate: function () { poolGroup.addTo(app.map()); group.addTo(app.map()); },
    deactivate: function () { group.remove(); poolGroup.remove(); },
    pick: function () {}, // taps on the map keep this view (no area selection)
    language: function () {
      if (s.status) setStatus(s.status.key, s.status.params, s.status.kind);
      render();
    }
  });
})();
