/* 鸿雁回归 flow map: people working away by destination city, drawn as arcs to Huoqiu (width by count), city
   circles and labels over a plain background with a graticule — no national or provincial borders. The county
   itself comes from our own admin_areas. A list panel, a trade and wish-to-return filter, targeted lists. */
(function () {
  'use strict';

  var P = window.Pages;
  var el = P.el;
  var GRATICULE_STEP = 5;
  var ARC_COLOUR = '#c0392b';
  var CITY_COLOUR = '#8c2f1b';
  var state = { data: null, selected: null, groupsLoaded: false };
  // the largest flows keep a permanent label (fewer on a phone); the rest show theirs on hover
  var LABELLED = window.matchMedia('(min-width: 720px)').matches ? 10 : 6;
  var map = L.map('flow-map', { zoomControl: true, attributionControl: false, minZoom: 3, maxZoom: 11, zoomSnap: 0.25 });
  map.setView([32.3, 116.3], 5);
  var graticule = L.layerGroup().addTo(map);
  var county = L.layerGroup().addTo(map);
  var flows = L.layerGroup().addTo(map);

  function drawGraticule() {
    for (var lon = 70; lon <= 140; lon += GRATICULE_STEP) {
      L.polyline([[10, lon], [55, lon]], { color: '#b9c6cf', weight: 1, interactive: false }).addTo(graticule);
    }
    for (var lat = 10; lat <= 55; lat += GRATICULE_STEP) {
      L.polyline([[lat, 70], [lat, 140]], { color: '#b9c6cf', weight: 1, interactive: false }).addTo(graticule);
    }
  }

  /** Points of a gentle quadratic curve from a to b (lat/lon pairs), bowed to the left of the direction. */
  function arc(a, b) {
    var dx = b[1] - a[1];
    var dy = b[0] - a[0];
    var c = [(a[0] + b[0]) / 2 + dx * 0.18, (a[1] + b[1]) / 2 - dy * 0.18];
    var out = [];
    for (var i = 0; i <= 32; i += 1) {
      var t = i / 32;
      var u = 1 - t;
      out.push([u * u * a[0] + 2 * u * t * c[0] + t * t * b[0], u * u * a[1] + 2 * u * t * c[1] + t * t * b[1]]);
    }
    return out;
  }

  function drawCounty() {
    P.json('GET', 'api/v1/areas?level=township').then(function (fc) {
      L.geoJSON(fc, { style: { color: '#7a5a3a', weight: 1, fillColor: '#f3c98b', fillOpacity: 0.9 }, interactive: false })
        .addTo(county);
    }).catch(function () { /* the county outline is decoration: the flows still work without it */ });
  }

  function drawFlows(data) {
    flows.clearLayers();
    var home = [data.home.lat, data.home.lon];
    var max = data.cities.reduce(function (m, c) { return Math.max(m, c.people); }, 1);
    var bounds = L.latLngBounds([home]);
    // smallest first, so the largest flows and their labels are drawn on top
    data.cities.slice().reverse().forEach(function (c, i, all) {
      var from = [c.lat, c.lon];
      var labelled = all.length - i <= LABELLED;
      var share = Math.sqrt(c.people / max);
      var line = L.polyline(arc(from, home), {
        color: ARC_COLOUR, weight: 1.5 + 10 * share, opacity: 0.75, className: 'flow-arc', lineCap: 'round'
      }).addTo(flows);
      line.getElement().setAttribute('data-city', c.city);
      line.on('click', function () { pick(c.city); });
      var dot = L.circleMarker(from, {
        radius: 4 + 10 * share, color: '#fff', weight: 1.5, fillColor: CITY_COLOUR, fillOpacity: 0.95, className: 'city-dot'
      }).addTo(flows);
      dot.getElement().setAttribute('data-city', c.city);
      dot.bindTooltip(window.HongyanText.node([c.city, ' ', c.people, '人']), { permanent: labelled, direction: 'right', className: 'city-label', offset: [6, 0] });
      dot.on('click', function () { pick(c.city); });
      bounds.extend(from);
    });
    L.circleMarker(home, { radius: 7, color: '#fff', weight: 2, fillColor: '#1f5f8b', fillOpacity: 1 })
      .bindTooltip(window.HongyanText.node('霍邱'), { permanent: true, direction: 'left', className: 'city-label home-label', offset: [-8, 0] })
      .addTo(flows);
    if (data.cities.length) map.fitBounds(bounds.pad(0.08));
  }

  function renderList(data) {
    var list = document.getElementById('city-list');
    list.textContent = '';
    data.cities.forEach(function (c) {
      var li = el('li');
      li.setAttribute('role', 'option');
      li.setAttribute('data-city', c.city);
      li.setAttribute('aria-selected', String(c.city === state.selected));
      li.appendChild(el('span', '', c.city + '（' + c.province + '）'));
      li.appendChild(el('span', 'n', c.people + ' 人 · 想返乡 ' + c.wishing));
      li.addEventListener('click', function () { pick(c.city); });
      list.appendChild(li);
    });
    var text = '共 ' + data.total + ' 人在外务工，' + data.cities.length + ' 个城市';
    if (data.unmapped.length) text += '；另有 ' + data.unmapped.length + ' 个城市不在城市表中';
    P.say('flow-status', text, 'ok');
  }

  function fillTrades(groups) {
    if (state.groupsLoaded) return;
    var select = document.getElementById('trade');
    groups.forEach(function (g) {
      var option = el('option', '', g.group + ' ' + g.name + '（' + g.people + '）');
      option.value = g.group;
      select.appendChild(option);
    });
    state.groupsLoaded = true;
  }

  function filters() {
    return { trade: document.getElementById('trade').value, wish_to_return: document.getElementById('wish').checked };
  }

  function load() {
    P.say('flow-status', '正在加载…', 'loading');
    document.documentElement.dataset.flows = 'loading';
    return P.json('GET', 'api/v1/outreach/flows' + P.query(filters())).then(function (data) {
      state.data = data;
      fillTrades(data.groups);
      drawFlows(data);
      renderList(data);
      document.documentElement.dataset.flows = 'ready';
    }).catch(failed);
  }

  function failed(error) {
    if (error.status === 401) { showLogin('登录已过期，请重新登录'); return; }
    P.say('flow-status', '加载失败：' + error.message, 'error');
    document.documentElement.dataset.flows = 'error';
  }

  function pick(city) {
    state.selected = city;
    if (state.data) renderList(state.data);
    var params = Object.assign({ city: city }, filters());
    document.getElementById('target').hidden = false;
    document.getElementById('target-title').textContent = city + ' · 定向名单';
    P.say('target-summary', '正在加载…', 'loading');
    P.json('GET', 'api/v1/outreach/list' + P.query(params)).then(function (t) {
      var body = document.getElementById('people');
      body.textContent = '';
      t.people.slice(0, 200).forEach(function (p) {
        var tr = el('tr');
        [p.name, p.occupation_name || '—', p.wish_to_return ? '有' : '无', String(p.home_positions)].forEach(function (v) {
          tr.appendChild(el('td', '', v));
        });
        body.appendChild(tr);
      });
      var projects = document.getElementById('projects');
      projects.textContent = '';
      t.projects.slice(0, 50).forEach(function (p) {
        var li = el('li');
        li.setAttribute('data-project', String(p.project_id));
        li.appendChild(el('span', '', p.name + '（' + p.area_name + '）'));
        li.appendChild(el('span', 'n', p.industry + ' · ' + p.stage_name));
        projects.appendChild(li);
      });
      P.say('target-summary', t.people.length + ' 人；家乡同职业在招岗位 ' + t.open_positions + ' 个；返乡创业项目需用工 ' +
        t.projects.length + ' 个', 'ok');
      document.documentElement.dataset.target = 'ready';
    }).catch(function (e) { P.say('target-summary', '加载失败：' + e.message, 'error'); });
  }

  function exportList() {
    var params = Object.assign({ city: state.selected }, filters());
    P.request('GET', 'api/v1/outreach/list.xlsx' + P.query(params), undefined, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .then(function (r) { return r.blob(); })
      .then(function (blob) {
        var a = el('a');
        a.href = URL.createObjectURL(blob);
        a.download = 'hongyan-outreach-' + state.selected + '.xlsx';
        document.body.appendChild(a);
        a.click();
        setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      })
      .catch(function (e) { P.say('target-summary', '导出失败：' + e.message, 'error'); });
  }

  function showLogin(message) {
    document.getElementById('login').hidden = false;
    document.getElementById('flows').hidden = true;
    document.getElementById('target').hidden = true;
    P.say('login-status', message || '', message ? 'error' : 'ok');
  }

  function showFlows() {
    document.getElementById('login').hidden = true;
    document.getElementById('flows').hidden = false;
    load();
  }

  document.getElementById('login').addEventListener('submit', function (event) {
    event.preventDefault();
    var body = { login: document.getElementById('login-name').value.trim(), password: document.getElementById('login-password').value };
    P.login(body.login, body.password).then(function () {
      showFlows();
    }).catch(function (e) { P.say('login-status', '登录失败：' + e.message, 'error'); });
  });
  document.getElementById('logout').addEventListener('click', function () {
    P.logout().then(function () { showLogin(); });
  });
  document.getElementById('trade').addEventListener('change', load);
  document.getElementById('wish').addEventListener('change', load);
  document.getElementById('export').addEventListener('click', exportList);

  drawGraticule();
  drawCounty();
  P.resume().then(showFlows, function () { showLogin(); });
})();
