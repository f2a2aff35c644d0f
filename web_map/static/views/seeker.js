/* 鸿雁就业地图 · 求职者 view: a home point (village search, map tap/long-press or geolocation), the jobs within
   reach by road (GET api/v1/circle), its reach polygon, site markers and a job list kept in step with them;
   the chosen job's road route (GET api/v1/route) is drawn with its length and time. */
(function () {
  'use strict';

  var app = window.HongyanApp;
  var api = window.HongyanApi;
  var i18n = window.HongyanI18n;
  var t = i18n.t;

  var PAGE = 20;
  var REACH_STYLE = { color: '#1f6fb2', weight: 2, opacity: 0.9, fillColor: '#2e86de', fillOpacity: 0.35 };
  var SITE_STYLE = { radius: 7, color: '#ffffff', weight: 2, fillColor: '#c0392b', fillOpacity: 0.95 };
  var SITE_ACTIVE = { radius: 11, color: '#1b1b1b', weight: 3, fillColor: '#f39c12', fillOpacity: 1 };
  var HOME_STYLE = { radius: 8, color: '#ffffff', weight: 3, fillColor: '#1f6fb2', fillOpacity: 1 };
  var ROUTE_STYLE = { color: '#7d3cff', weight: 6, opacity: 1, lineCap: 'round', lineJoin: 'round' };

  var s = {
    home: null, // L.LatLng
    jobs: [], // positions loaded so far
    total: 0,
    markers: new Map(), // site_id -> circle marker
    activeSite: null,
    detail: null, // the job shown in the detail card
    status: null, // { key, params, kind }
    summary: null,
    request: 0, // sequence number: late answers of superseded requests are dropped
    route: null, // { site, state: 'loading'|'ready'|'error', props, error } of the chosen job
    routeRequest: 0,
    scores: new Map() // vacancy_id -> ranked match (score, explanation) from api/v1/matches
  };
  var group;
  var routeLayer = null;

  var byId = app.byId;
  var el = app.el;

  function setStatus(key, params, kind) {
    s.status = app.status(key, params, kind);
    renderStatus();
  }

  function renderStatus() {
    app.showStatus('seeker-status', s.status);
  }

  function checkedMode() {
    return document.querySelector('input[name="seeker-mode"]:checked').value;
  }

  /** The circle query of the controls: mode, radius or minutes, filters, paging. */
  function params(offset) {
    var reach = byId('seeker-reach').value.split(':');
    var wage = byId('seeker-wage').value;
    return {
      lon: s.home.lng.toFixed(6),
      lat: s.home.lat.toFixed(6),
      mode: checkedMode(),
      radius_m: reach[0] === 'r' ? reach[1] : null,
      minutes: reach[0] === 'm' ? reach[1] : null,
      occupation: byId('seeker-trade').value,
      min_wage: wage && Number(wage) > 0 ? String(Math.floor(Number(wage))) : null,
      full_time: byId('seeker-time').value,
      limit: PAGE,
      offset: offset,
      reach: offset === 0 ? 'true' : 'false'
    };
  }

  function wageText(job) {
    if (job.wage_min && job.wage_max) return t('wageRange', { a: job.wage_min, b: job.wage_max });
    if (job.wage_min || job.wage_max) return t('wageFrom', { a: job.wage_min || job.wage_max });
    return t('wageNone');
  }

  function distanceText(job) {
    if (job.travel_minutes !== undefined) return t('minutesAway', { d: job.travel_minutes.toFixed(0) });
    var d = job.road_distance_m;
    return d >= 1000 ? t('kmAway', { d: (d / 1000).toFixed(1) }) : t('meters', { d: Math.round(d) });
  }


  /* ---------- list, markers, detail ---------- */

  function renderList() {
    var list = byId('jobs');
    list.textContent = '';
    s.jobs.forEach(function (job, index) {
      var item = el('li', 'job');
      item.setAttribute('data-site', String(job.site_id));
      item.setAttribute('data-index', String(index));
      var button = el('button', 'job-button');
      button.type = 'button';
      button.appendChild(el('span', 'job-title', job.title));
      button.appendChild(el('span', 'job-distance', distanceText(job)));
      button.appendChild(el('span', 'job-enterprise', job.enterprise));
      button.appendChild(el('span', 'job-wage', wageText(job) + ' · ' + t('people', { n: job.positions })));
      button.addEventListener('click', function () { choose(index, true); });
      item.appendChild(button);
      var match = s.scores.get(job.vacancy_id);
      if (match) {
        button.appendChild(el('span', 'job-score', t('matchScore', { s: match.score })));
        item.appendChild(explanation(match));
      }
      list.appendChild(item);
    });
    highlightItems();
    var summary = byId('seeker-summary');
    summary.hidden = !s.summary;
    if (s.summary) summary.textContent = s.summary.n ? t('jobsSummary', s.summary) : t('noJobs');
    byId('jobs-more').hidden = s.jobs.length >= s.total;
    renderDetail();
  }

  /** The score's factors, folded: tap 为什么 to open (a native details element, no script needed). */
  function explanation(match) {
    var box = el('details', 'job-why');
    box.appendChild(el('summary', null, t('matchWhy')));
    var lines = el('ul', 'job-factors');
    match.explanation.forEach(function (f) { lines.appendChild(el('li', null, f.text)); });
    box.appendChild(lines);
    return box;
  }

  /** Scores of the jobs within reach for the wage asked (no account: nothing about the person is sent). */
  function loadScores(seq) {
    var q = params(0);
    api.get('api/v1/matches', {
      lon: q.lon, lat: q.lat, mode: q.mode, radius_m: q.radius_m, minutes: q.minutes,
      expected_wage: q.min_wage, limit: 500
    }).then(function (body) {
      if (seq !== s.request) return;
      s.scores = new Map(body.matches.map(function (m) { return [m.vacancy_id, m]; }));
      renderList();
      document.documentElement.setAttribute('data-scores', 'ready');
    }).catch(function () {
      if (seq === s.request) document.documentElement.setAttribute('data-scores', 'error');
    });
  }

  function highlightItems() {
    document.querySelectorAll('#jobs .job').forEach(function (item) {
      var on = s.activeSite !== null && item.getAttribute('data-site') === String(s.activeSite);
      item.classList.toggle('active', on);
    });
  }

  function fact(dl, key, value) {
    dl.appendChild(el('dt', null, t(key)));
    dl.appendChild(el('dd', null, value));
  }

  function renderDetail() {
    var box = byId('job-detail');
    box.textContent = '';
    box.hidden = !s.detail;
    if (!s.detail) return;
    var job = s.detail;
    box.appendChild(el('h3', 'detail-title', job.title));
    var dl = el('dl', 'area-facts');
    fact(dl, 'detailEnterprise', job.enterprise);
    fact(dl, 'detailOccupation', job.occupation || job.occupation_code);
    fact(dl, 'detailWage', wageText(job));
    fact(dl, 'detailPositions', t('people', { n: job.positions }));
    fact(dl, 'detailHours', t(job.full_time ? 'fullTime' : 'partTime'));
    fact(dl, job.travel_minutes !== undefined ? 'detailTime' : 'detailDistance', distanceText(job));
    var route = s.route && s.route.site === job.site_id ? s.route : null;
    if (route && route.state === 'ready') {
      fact(dl, 'routeLength', distanceText({ road_distance_m: route.props.road_distance_m }));
      fact(dl, 'routeTime', t('minutesAway', { d: Math.max(1, Math.round(route.props.travel_minutes)) }));
    }
    box.appendChild(dl);
    if (route && route.state !== 'ready') {
      var note = el('p', 'hint route-status', route.state === 'loading' ? t('routeLoading') : t('routeFailed', { e: route.error }));
      note.setAttribute('data-state', route.state);
      box.appendChild(note);
    }
  }

  function clearRoute() {
    s.routeRequest++;
    s.route = null;
    if (routeLayer) routeLayer.remove();
    routeLayer = null;
  }

  /** Fetches and draws the road route from home to the job's site, replacing the previous one. */
  function showRoute(job) {
    clearRoute();
    var seq = s.routeRequest;
    s.route = { site: job.site_id, state: 'loading' };
    document.documentElement.setAttribute('data-route', 'loading');
    var query = { lon: s.home.lng.toFixed(6), lat: s.home.lat.toFixed(6), site_id: job.site_id, mode: checkedMode() };
    api.get('api/v1/route', query).then(function (feature) {
      if (seq !== s.routeRequest) return;
      s.route = { site: job.site_id, state: 'ready', props: feature.properties };
      routeLayer = L.geoJSON(feature, { pane: 'route', style: ROUTE_STYLE, interactive: false });
      routeLayer.on('add', function () {
        routeLayer.eachLayer(function (line) {
          var path = line.getElement && line.getElement();
          if (path) path.setAttribute('data-route', String(job.site_id));
        });
      });
      group.addLayer(routeLayer);
      var bounds = routeLayer.getBounds().extend(s.home);
      if (bounds.isValid()) {
        app.map().fitBounds(bounds, Object.assign({ animate: false, maxZoom: 16 }, app.fitOptions()));
      }
      renderDetail();
      document.documentElement.setAttribute('data-route', 'ready');
    }).catch(function (error) {
      if (seq !== s.routeRequest) return;
      s.route = { site: job.site_id, state: 'error', error: error.message };
      renderDetail();
      document.documentElement.setAttribute('data-route', 'error');
    });
  }

  function highlightMarker(siteId) {
    if (s.activeSite !== null && s.markers.has(s.activeSite)) s.markers.get(s.activeSite).setStyle(SITE_STYLE);
    s.activeSite = siteId;
    var marker = s.markers.get(siteId);
    if (marker) {
      marker.setStyle(SITE_ACTIVE);
      marker.bringToFront();
    }
    highlightItems();
  }

  /** A job chosen in the list (fromList) or on the map: marker and list item highlighted, detail shown. */
  function choose(index, fromList) {
    var job = s.jobs[index];
    s.detail = job;
    highlightMarker(job.site_id);
    if (!s.route || s.route.site !== job.site_id) showRoute(job);
    renderDetail();
    if (fromList) {
      app.reveal(L.latLng(job.lat, job.lon));
    } else {
      var item = document.querySelector('#jobs .job[data-index="' + index + '"]');
      if (item) item.scrollIntoView({ block: 'nearest' });
    }
  }

  function addMarkers(jobs) {
    jobs.forEach(function (job) {
      if (s.markers.has(job.site_id)) return;
      var marker = L.circleMarker([job.lat, job.lon], Object.assign({ pane: 'seeker' }, SITE_STYLE));
      marker.on('click', function (event) {
        L.DomEvent.stopPropagation(event);
        app.setPanelOpen(true);
        choose(s.jobs.findIndex(function (j) { return j.site_id === job.site_id; }), false);
      });
      marker.on('add', function () {
        marker.getElement().setAttribute('data-site', String(job.site_id));
      });
      s.markers.set(job.site_id, marker);
      group.addLayer(marker);
    });
  }

  /* ---------- loading ---------- */

  function clearResults() {
    clearRoute();
    group.clearLayers();
    s.markers = new Map();
    s.jobs = [];
    s.total = 0;
    s.activeSite = null;
    s.detail = null;
    s.summary = null;
    s.scores = new Map();
  }

  /** Loads the first page (fresh) or the next one; the reach polygon comes with the first. */
  function loadJobs(more) {
    if (!s.home) return;
    var seq = ++s.request;
    var offset = more ? s.jobs.length : 0;
    setStatus('loadingJobs', {}, 'loading');
    document.documentElement.setAttribute('data-jobs', 'loading');
    api.get('api/v1/circle', params(offset)).then(function (body) {
      if (seq !== s.request) return;
      if (!more) {
        clearResults();
        group.addLayer(L.circleMarker(s.home, Object.assign({ pane: 'seeker', interactive: false }, HOME_STYLE)));
        if (body.reach) {
          var reach = L.geoJSON(body.reach, { pane: 'reach', style: REACH_STYLE, interactive: false });
          group.addLayer(reach);
          var bounds = reach.getBounds();
          if (bounds.isValid()) app.map().fitBounds(bounds, Object.assign({ animate: false }, app.fitOptions()));
        }
      }
      s.jobs = s.jobs.concat(body.positions);
      s.total = body.vacancy_count;
      s.summary = { n: body.vacancy_count, p: body.position_count };
      addMarkers(body.positions);
      if (body.on_network) setStatus(null);
      else setStatus('offNetwork', { d: Math.round(body.snap_distance_m) }, 'error');
      renderList();
      document.documentElement.setAttribute('data-jobs', 'ready');
      if (!more) loadScores(seq);
    }).catch(function (error) {
      if (seq !== s.request) return;
      setStatus('jobsFailed', { e: error.message }, 'error');
      document.documentElement.setAttribute('data-jobs', 'error');
    });
  }

  function setHome(latlng) {
    s.home = L.latLng(latlng.lat, latlng.lng);
    byId('seeker-hits').hidden = true;
    loadJobs(false);
  }

  /* ---------- village search and geolocation ---------- */

  function showHits(results) {
    var list = byId('seeker-hits');
    list.textContent = '';
    results.forEach(function (hit) {
      var item = el('li');
      var button = el('button', 'hit', hit.name);
      button.type = 'button';
      if (hit.parent_name) button.appendChild(el('span', 'hit-parent', hit.parent_name));
      button.addEventListener('click', function () {
        byId('seeker-q').value = hit.name;
        setHome(L.latLng(hit.lat, hit.lon));
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    list.hidden = results.length < 2;
  }

  function search(event) {
    event.preventDefault();
    var q = byId('seeker-q').value.trim();
    if (!q) return;
    setStatus('searching', {}, 'loading');
    api.get('api/v1/search', { q: q, limit: 8 }).then(function (body) {
      if (!body.results.length) {
        byId('seeker-hits').hidden = true;
        setStatus('notFound', { q: q }, 'error');
        return;
      }
      setStatus(null);
      showHits(body.results);
      if (body.results.length === 1 || body.results[0].name === q) {
        setHome(L.latLng(body.results[0].lat, body.results[0].lon));
      }
    }).catch(function (error) {
      setStatus('searchFailed', { e: error.message }, 'error');
    });
  }

  function geolocationFailed(key) {
    setStatus(key || 'geoDenied', {}, 'error');
    var input = byId('seeker-q');
    input.focus();
    input.select();
  }

  function locate() {
    if (!navigator.geolocation) {
      geolocationFailed();
      return;
    }
    setStatus('locating', {}, 'loading');
    navigator.geolocation.getCurrentPosition(function (position) {
      var here = L.latLng(position.coords.latitude, position.coords.longitude);
      var county = app.areas().get('341522000000');
      var box = county ? L.geoJSON(county).getBounds() : null;
      if (box && !box.contains(here)) geolocationFailed('geoOutside');
      else setHome(here);
    }, function () {
      geolocationFailed();
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  /* ---------- view life cycle ---------- */

  function init() {
    var map = app.map();
    map.createPane('reach').style.zIndex = 430;
    map.createPane('route').style.zIndex = 635;
    map.createPane('seeker').style.zIndex = 640;
    group = L.featureGroup();
    byId('seeker-search').addEventListener('submit', search);
    var policies = document.createElement('a'); // 可享受的政策: the policies page (/policies)
    policies.href = 'policies';
    policies.className = 'policies-link';
    policies.textContent = '可享受的政策 · 稳岗就业政策库';
    byId('seeker-status').insertAdjacentElement('afterend', policies);
    byId('locate-me').addEventListener('click', locate);
    byId('jobs-more').addEventListener('click', function () { loadJobs(true); });
    ['seeker-reach', 'seeker-trade', 'seeker-wage', 'seeker-time'].forEach(function (id) {
      byId(id).addEventListener('change', function () { loadJobs(false); });
    });
    document.querySelectorAll('input[name="seeker-mode"]').forEach(function (radio) {
      radio.addEventListener('change', function () { loadJobs(false); });
    });
  }

  app.register('seekers', {
    init: init,
    activate: function () { group.addTo(app.map()); },
    deactivate: function () { group.remove(); },
    pick: function (latlng) { setHome(latlng); },
    language: function () {
      renderStatus();
      if (s.summary) renderList();
    }
  });
})();
