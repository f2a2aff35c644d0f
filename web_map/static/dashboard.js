/* 目标进度看板: targets vs actuals with SVG charts, township table, tasks with overdue flags, fair calendar, venues. */
(function () {
  'use strict';
  var P = window.Programme;
  var t = P.t;
  var el = P.el;
  // the SVG namespace, read from a parsed constant <svg> (no URL literal in our code, no innerHTML)
  var SVG = new DOMParser().parseFromString('<svg></svg>', 'text/html').body.firstChild.namespaceURI;
  var METRICS = ['new_jobs', 'fairs', 'intentions'];
  var state = { month: null, fairs: [], map: null };

  function byId(id) { return document.getElementById(id); }
  function fmt(n) { return n === null || n === undefined ? '—' : Number(n).toLocaleString('zh-CN', { maximumFractionDigits: 0 }); }
  function pct(x) { return x === null || x === undefined ? '—' : (x * 100).toFixed(1) + '%'; }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function card(metric, m, scope) {
    var box = el('div', { class: 'metric', 'data-metric': metric });
    box.appendChild(el('h3', {}, m.label));
    var whose = el('p', { class: 'target-of', 'data-own': scope.own_targets ? 'true' : 'false' });
    whose.appendChild(el('span', { class: scope.own_targets ? 'tag' : 'tag county' },
      t('targetOf', { t: scope.targets_area_name || '—' }) + (scope.own_targets ? '' : '（' + t('countyTargets') + '）')));
    whose.appendChild(el('span', { class: 'tag' }, t('actualOf', { a: scope.area_name })));
    box.appendChild(whose);
    var big = el('p', { class: 'big' });
    big.appendChild(el('span', { class: 'actual' }, fmt(m.actual)));
    big.appendChild(document.createTextNode(' / ' + fmt(m.target)));
    box.appendChild(big);
    var bar = el('div', { class: 'bar-track', role: 'img', 'aria-label': t('progress') + ' ' + pct(m.progress) });
    var fill = el('div', { class: 'bar-fill' });
    fill.style.width = Math.min(100, (m.progress || 0) * 100) + '%';
    var mark = el('div', { class: 'bar-mark' });
    mark.style.left = Math.min(100, (m.forecast_progress || 0) * 100) + '%';
    bar.appendChild(fill);
    bar.appendChild(mark);
    box.appendChild(bar);
    box.appendChild(el('p', { class: 'line' }, t('progress') + ' ' + pct(m.progress) + ' · ' + t('forecast') + ' ' +
      fmt(m.forecast) + ' (' + pct(m.forecast_progress) + ')'));
    box.appendChild(el('p', { class: 'method' }, t('method') + '：' + m.method_zh));
    return box;
  }

  function chart(m) {
    var w = 360, h = 150, left = 28, step = (w - left) / 12;
    var top = Math.max.apply(null, m.monthly.concat(m.monthly_forecast, [1]));
    var root = svg('svg', { viewBox: '0 0 ' + w + ' ' + (h + 18), role: 'img', 'aria-label': m.label, class: 'chart' });
    for (var i = 0; i < 12; i++) {
      var x = left + i * step + 2;
      [[m.monthly_forecast[i], 'forecast'], [m.monthly[i], 'actual']].forEach(function (pair) {
        var bh = (h - 8) * pair[0] / top;
        root.appendChild(svg('rect', { x: x, y: h - bh, width: step - 4, height: bh, class: 'bar-' + pair[1] }));
      });
      var label = svg('text', { x: x + (step - 4) / 2, y: h + 14, 'text-anchor': 'middle', class: 'axis' });
      label.textContent = String(i + 1);
      root.appendChild(label);
    }
    root.appendChild(svg('line', { x1: left, y1: h, x2: w, y2: h, class: 'baseline' }));
    var max = svg('text', { x: 0, y: 10, class: 'axis' });
    max.textContent = fmt(top);
    root.appendChild(max);
    var box = el('figure', { class: 'chart-box' });
    box.appendChild(el('figcaption', {}, m.label));
    box.appendChild(root);
    return box;
  }

  function showBoard(board) {
    var cards = byId('cards');
    var charts = byId('charts');
    cards.textContent = '';
    charts.textContent = '';
    var note = byId('scope-note');
    note.textContent = P.lang() === 'en' ? board.scope.note_en : board.scope.note_zh;
    note.dataset.own = board.scope.own_targets ? 'true' : 'false';
    METRICS.forEach(function (metric) {
      cards.appendChild(card(metric, board.metrics[metric], board.scope));
      charts.appendChild(chart(board.metrics[metric]));
    });
    var body = byId('townships');
    body.textContent = '';
    board.townships.forEach(function (town) {
      var row = el('tr');
      row.appendChild(el('td', {}, town.name));
      [town.fairs, town.intentions, town.new_jobs].forEach(function (n) { row.appendChild(el('td', { class: 'n' }, fmt(n))); });
      body.appendChild(row);
    });
  }

  function showTasks(tasks) {
    var list = byId('tasks');
    list.textContent = '';
    tasks.forEach(function (task) {
      var item = el('li', { class: task.overdue ? 'task overdue' : 'task', 'data-seq': task.seq });
      var head = el('div', { class: 'task-head' });
      head.appendChild(el('strong', {}, task.seq + '. ' + task.title));
      head.appendChild(el('span', { class: 'status-' + task.status }, task.status_zh));
      if (task.overdue) head.appendChild(el('span', { class: 'flag' }, t('overdue', { n: task.days_overdue })));
      item.appendChild(head);
      item.appendChild(el('p', { class: 'meta' }, t('leadUnit') + '：' + task.lead_unit + ' · ' + t('deadline') + '：' +
        task.deadline + (task.deadline_text ? '（' + task.deadline_text + '）' : '')));
      if (task.notes.length) item.appendChild(el('p', { class: 'note' }, task.notes[0].note));
      list.appendChild(item);
    });
  }

  function showMonth() {
    var first = state.month;
    byId('month-label').textContent = first.getFullYear() + '-' + String(first.getMonth() + 1).padStart(2, '0');
    var grid = byId('month');
    grid.textContent = '';
    '一二三四五六日'.split('').forEach(function (d) { grid.appendChild(el('span', { class: 'dow' }, d)); });
    var offset = (first.getDay() + 6) % 7;
    for (var i = 0; i < offset; i++) grid.appendChild(el('span', { class: 'day empty' }));
    var days = new Date(first.getFullYear(), first.getMonth() + 1, 0).getDate();
    var list = byId('month-fairs');
    list.textContent = '';
    var inMonth = state.fairs.filter(function (f) { return f.fair_date.slice(0, 7) === P.iso(first).slice(0, 7); });
    for (var d = 1; d <= days; d++) {
      var iso = P.iso(new Date(first.getFullYear(), first.getMonth(), d));
      var kinds = inMonth.filter(function (f) { return f.fair_date === iso; }).map(function (f) { return f.kind; });
      var cell = el('span', { class: 'day' + (kinds.length ? ' has ' + kinds.join(' ') : ''), 'data-date': iso }, d);
      grid.appendChild(cell);
    }
    if (!inMonth.length) list.appendChild(el('li', { class: 'muted' }, t('noFairs')));
    inMonth.forEach(function (f) {
      list.appendChild(el('li', { class: 'fair ' + f.kind + (f.status === 'cancelled' ? ' cancelled' : '') },
        f.fair_date + ' ' + f.title + ' · ' + f.venue + ' · ' + t('counts', { b: f.booths, s: f.seekers, i: f.intentions, h: f.hires })));
    });
  }

  function showVenues(venues, areas) {
    if (!window.L) return;
    if (!state.map) {
      state.map = L.map('venue-map', { attributionControl: false, zoomControl: true }).setView([32.35, 116.27], 9);
      L.geoJSON(areas, { style: { color: '#7a5a3a', weight: 1, fillColor: '#eef1ea', fillOpacity: 0.6 } }).addTo(state.map);
    }
    var points = venues.map(function (v) {
      L.circleMarker([v.lat, v.lon], { radius: 8, color: '#8c2f1b', fillColor: '#c0392b', fillOpacity: 0.9 })
        .bindTooltip(window.HongyanText.node(v.name)).addTo(state.map);
      return [v.lat, v.lon];
    });
    if (points.length) state.map.fitBounds(L.latLngBounds(points).pad(0.5));
  }

  function params() { return { year: byId('year').value, on: byId('on').value }; }

  function download(path, name, open) {
    P.request('GET', path, undefined, true).then(function (blob) {
      var url = URL.createObjectURL(blob);
      if (open) { window.open(url, '_blank'); return; }
      var a = el('a', { href: url, download: name });
      document.body.appendChild(a);
      a.click();
      a.remove();
    }).catch(function (error) { byId('status').textContent = t('failed', { e: error.message }); });
  }

  function load() {
    var status = byId('status');
    status.textContent = t('loading');
    document.documentElement.dataset.board = 'loading';
    var p = params();
    var year = Number(p.year);
    Promise.all([
      P.request('GET', P.API + '/dashboard' + P.query(p)),
      P.request('GET', P.API + '/tasks' + P.query({ on: p.on })),
      P.request('GET', P.API + '/fairs' + P.query({ from: year + '-01-01', to: year + '-12-31' })),
      P.request('GET', P.API + '/venues'),
      P.request('GET', '/api/v1/areas' + P.query({ level: 'township' }))
    ]).then(function (r) {
      showBoard(r[0]);
      showTasks(r[1].tasks);
      state.fairs = r[2].fairs;
      showMonth();
      showVenues(r[3].venues, r[4]);
      status.textContent = '';
      document.documentElement.dataset.board = 'ready';
    }).catch(function (error) {
      status.textContent = t('failed', { e: error.message });
      document.documentElement.dataset.board = 'failed';
    });
  }

  function start() {
    var today = new Date();
    if (!byId('year').value) byId('year').value = today.getFullYear();
    if (!byId('on').value) byId('on').value = P.iso(today);
    state.month = new Date(Number(byId('on').value.slice(0, 4)), Number(byId('on').value.slice(5, 7)) - 1, 1);
    load();
  }

  byId('filters').addEventListener('change', function () {
    var on = byId('on').value;
    state.month = new Date(Number(on.slice(0, 4)), Number(on.slice(5, 7)) - 1, 1);
    load();
  });
  byId('prev').addEventListener('click', function () { state.month = new Date(state.month.getFullYear(), state.month.getMonth() - 1, 1); showMonth(); });
  byId('next').addEventListener('click', function () { state.month = new Date(state.month.getFullYear(), state.month.getMonth() + 1, 1); showMonth(); });
  byId('dl-xlsx').addEventListener('click', function () { download(P.API + '/report.xlsx' + P.query(params()), 'hongyan-programme.xlsx'); });
  byId('dl-html').addEventListener('click', function () { download(P.API + '/report.html' + P.query(params()), '', true); });
  byId('dl-sup').addEventListener('click', function () { download(P.API + '/tasks/report.html' + P.query({ on: byId('on').value }), '', true); });
  document.addEventListener('hongyan:lang', load);
  P.setupLogin(start);
})();
