/* 招聘会现场 (phone): pick today's fair, register seekers and booths, record an intention or hire in two taps. */
(function () {
  'use strict';
  var P = window.Programme;
  var t = P.t;
  var el = P.el;
  var state = { fairs: [], fair: null, seeker: null, account: null };

  function byId(id) { return document.getElementById(id); }
  function say(text, bad) { var s = byId('status'); s.textContent = text; s.dataset.bad = bad ? 'true' : 'false'; }

  function fairUrl(suffix) { return P.API + '/fairs/' + state.fair + (suffix || ''); }

  function showCounts(f) {
    byId('fair-counts').textContent = f.venue + ' · ' + t('counts', { b: f.booths, s: f.seekers, i: f.intentions, h: f.hires });
    ['booths', 'seekers', 'intentions', 'hires'].forEach(function (k) { byId('fair-counts').dataset[k] = f[k]; });
  }

  function refresh() {
    if (!state.fair) return Promise.resolve();
    var staff = state.account && ['enterprise_hr'].indexOf(state.account.role) < 0;
    return Promise.all([
      P.request('GET', fairUrl()),
      staff ? P.request('GET', fairUrl('/seekers')) : Promise.resolve({ seekers: [] })
    ]).then(function (r) {
      showCounts(r[0]);
      showSeekers(r[1].seekers);
      showBooths(r[0].booth_list);
      document.documentElement.dataset.fair = 'ready';
    }).catch(function (error) { say(t('failed', { e: error.message }), true); });
  }

  function showSeekers(seekers) {
    var list = byId('seekers');
    list.textContent = '';
    seekers.forEach(function (s) {
      var label = s.name + ' ' + s.phone + (s.hired ? ' · ' + t('hired') : s.intention ? ' · ' + t('intended') : '');
      var button = el('button', { type: 'button', class: 'pick', 'data-id': s.registration_id,
        'aria-pressed': String(state.seeker && state.seeker.id === s.registration_id) }, label);
      button.addEventListener('click', function () {
        state.seeker = { id: s.registration_id, name: s.name };
        list.querySelectorAll('.pick').forEach(function (b) { b.setAttribute('aria-pressed', String(b === button)); });
        byId('hint').textContent = t('selected', { n: s.name });
      });
      list.appendChild(el('li')).appendChild(button);
    });
  }

  function showBooths(booths) {
    var list = byId('booths');
    list.textContent = '';
    booths.forEach(function (b) {
      var item = el('li', { class: 'booth', 'data-id': b.booth_id });
      var text = el('div', { class: 'booth-text' });
      text.appendChild(el('strong', {}, (b.booth_no ? b.booth_no + ' ' : '') + b.enterprise_name));
      var tally = t('intention') + ' ' + b.intentions + ' · ' + t('hire') + ' ' + b.hires;
      text.appendChild(el('small', {}, (b.positions.length ? b.positions.join('、') + ' · ' : '') + tally));
      item.appendChild(text);
      ['intention', 'hire'].forEach(function (kind) {
        var button = el('button', { type: 'button', class: kind === 'hire' ? 'primary' : 'secondary', 'data-kind': kind }, t(kind));
        button.addEventListener('click', function () { record(b, kind); });
        item.appendChild(button);
      });
      list.appendChild(item);
    });
  }

  function record(booth, kind) {
    if (!state.seeker) { say(t('pickSeeker'), true); return; }
    P.request('POST', fairUrl('/outcomes'), { booth_id: booth.booth_id, registration_id: state.seeker.id, kind: kind })
      .then(function () { say(t('recorded', { n: state.seeker.name, b: booth.enterprise_name + ' ' + t(kind) })); return refresh(); })
      .catch(function (error) { say(error.message, true); });
  }

  function pickDefault(fairs, today) {
    var past = fairs.filter(function (f) { return f.fair_date <= today && f.status !== 'cancelled'; });
    var exact = fairs.filter(function (f) { return f.fair_date === today; });
    return (exact[0] || past[past.length - 1] || fairs[0] || {}).fair_id;
  }

  function start(account) {
    state.account = account;
    var now = new Date();
    var today = P.iso(now);
    var from = P.iso(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 7));
    var to = P.iso(new Date(now.getFullYear(), now.getMonth(), now.getDate() + 7));
    P.request('GET', P.API + '/fairs' + P.query({ from: from, to: to })).then(function (body) {
      state.fairs = body.fairs;
      var select = byId('fair');
      select.textContent = '';
      body.fairs.forEach(function (f) {
        var label = f.fair_date + (f.fair_date === today ? '（' + t('today') + '）' : '') + ' ' + f.title;
        select.appendChild(el('option', { value: f.fair_id }, label));
      });
      if (!body.fairs.length) { say(t('noFair')); return; }
      state.fair = pickDefault(body.fairs, today);
      select.value = String(state.fair);
      refresh();
    }).catch(function (error) { say(t('failed', { e: error.message }), true); });
  }

  byId('fair').addEventListener('change', function (event) { state.fair = Number(event.target.value); state.seeker = null; refresh(); });
  byId('seeker-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    P.request('POST', fairUrl('/seekers'), { name: form.elements.name.value.trim(), phone: form.elements.phone.value.trim() })
      .then(function (s) { form.reset(); state.seeker = { id: s.registration_id, name: s.name }; say(t('saved') + '：' + s.name + ' ' + s.phone); return refresh(); })
      .catch(function (error) { say(error.message, true); });
  });
  byId('booth-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    var id = form.elements.enterprise_id.value.trim();
    P.request('POST', fairUrl('/booths'), { enterprise_id: id ? Number(id) : null, booth_no: form.elements.booth_no.value.trim() })
      .then(function (b) { form.reset(); say(t('saved') + '：' + b.enterprise_name); return refresh(); })
      .catch(function (error) { say(error.message, true); });
  });
  P.setupLogin(start);
})();
