/* 鸿雁回归工程 pages (dashboard.html, fair.html): cookie login, JSON requests with the CSRF token, 中文/English strings. */
(function () {
  'use strict';

  var LANG_KEY = 'hongyan.lang';
  var API = '/api/v1/programme';

  var STRINGS = {
    zh: {
      loginTitle: '登录', loginName: '用户名或手机号', password: '密码', login: '登录', logout: '退出',
      loginFailed: '登录失败：{e}', loading: '正在加载…', failed: '加载失败：{e}', saved: '已保存',
      backToMap: '← 就业地图', targetOf: '目标：{t}', actualOf: '完成：{a}', countyTargets: '全县目标',
      boardTitle: '鸿雁回归 · 目标进度看板', fairTitle: '招聘会现场', year: '年度', asOf: '截至',
      target: '目标', actual: '完成', forecast: '预计全年', method: '预测方法', progress: '完成率',
      monthly: '月度实际与预测', townships: '分乡镇（园区）', township: '乡镇（园区）', fairsCol: '招聘会',
      intentionsCol: '就业意向', newJobsCol: '新增就业', tasks: '任务清单', overdue: '逾期 {n} 天',
      leadUnit: '牵头', deadline: '时限', calendar: '招聘会日程', venues: '招聘会场地', prev: '上月', next: '下月',
      exportXlsx: '导出 Excel', printReport: '打印报告', supervision: '督查通报', noFairs: '本月没有招聘会',
      pickFair: '选择招聘会', today: '今天', seekers: '求职者', booths: '展位', register: '登记',
      name: '姓名', phone: '手机号', registerSeeker: '求职者登记', registerBooth: '展位登记',
      enterpriseId: '企业编号', boothNo: '展位号', intention: '意向', hire: '录用',
      pickSeeker: '先点选求职者，再点展位的“意向”或“录用”', selected: '已选：{n}', recorded: '已记录：{n} → {b}',
      noFair: '近期没有招聘会', hired: '已录用', intended: '有意向', counts: '展位 {b} · 求职者 {s} · 意向 {i} · 录用 {h}'
    },
    en: {
      loginTitle: 'Log in', loginName: 'Username or phone', password: 'Password', login: 'Log in', logout: 'Log out',
      loginFailed: 'Login failed: {e}', loading: 'Loading…', failed: 'Failed: {e}', saved: 'Saved',
      backToMap: '← Job map', targetOf: 'Targets: {t}', actualOf: 'Actuals: {a}', countyTargets: 'county targets',
      boardTitle: 'Hongyan · Targets dashboard', fairTitle: 'Fair day', year: 'Year', asOf: 'As of',
      target: 'Target', actual: 'Actual', forecast: 'Year-end forecast', method: 'Method', progress: 'Progress',
      monthly: 'Monthly actual and forecast', townships: 'By township', township: 'Township', fairsCol: 'Fairs',
      intentionsCol: 'Intentions', newJobsCol: 'New jobs', tasks: 'Task list', overdue: '{n} days overdue',
      leadUnit: 'Lead', deadline: 'Due', calendar: 'Fair calendar', venues: 'Fair venues', prev: 'Prev', next: 'Next',
      exportXlsx: 'Excel', printReport: 'Print report', supervision: 'Supervision report', noFairs: 'No fairs this month',
      pickFair: 'Pick a fair', today: 'Today', seekers: 'Seekers', booths: 'Booths', register: 'Register',
      name: 'Name', phone: 'Mobile', registerSeeker: 'Register a seeker', registerBooth: 'Register a booth',
      enterpriseId: 'Enterprise id', boothNo: 'Booth no.', intention: 'Intention', hire: 'Hire',
      pickSeeker: 'Tap a seeker, then a booth\u2019s Intention or Hire', selected: 'Selected: {n}', recorded: 'Recorded: {n} → {b}',
      noFair: 'No fairs nearby', hired: 'hired', intended: 'intention', counts: 'booths {b} · seekers {s} · intentions {i} · hires {h}'
    }
  };

  function lang() { return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; }

  /** The UI string for key in the current language, {name} placeholders filled from params. */
  function t(key, params) {
    var text = STRINGS[lang()][key] || STRINGS.zh[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(params[k])); });
    return text;
  }

  /** Fill every [data-i18n] element with its string. */
  function translate() {
    document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    var sw = document.getElementById('lang-switch');
    if (sw) sw.textContent = lang() === 'en' ? '中文' : 'EN';
  }

  /* the session is an HttpOnly cookie script cannot read; its CSRF token lives in this variable only, never in storage */
  var csrf = null;
  var SESSION = '/api/v1/auth/session';

  /** A request to our API (the session cookie goes along); resolves to JSON (or a Blob), rejects with status + detail. */
  function request(method, path, body, asBlob) {
    var headers = { Accept: 'application/json' };
    if (csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    })
      .then(function (response) {
        if (response.ok) return asBlob ? response.blob() : response.json();
        return response.json().catch(function () { return {}; }).then(function (payload) {
          var error = new Error(typeof payload.detail === 'string' ? payload.detail : 'HTTP ' + response.status);
          error.status = response.status;
          if (response.status === 401) { csrf = null; document.dispatchEvent(new Event('hongyan:logout')); }
          throw error;
        });
      });
  }

  function query(params) {
    var parts = Object.keys(params || {}).filter(function (k) { return params[k] !== null && params[k] !== undefined && params[k] !== ''; })
      .map(function (k) { return encodeURIComponent(k) + '=' + encodeURIComponent(String(params[k])); });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function session(body) { csrf = body.csrf_token; return body.account; }

  /** Wire the login form: on success (the server set the session cookie) call onReady(account). */
  function setupLogin(onReady) {
    var form = document.getElementById('login-form');
    var box = document.getElementById('login');
    var status = document.getElementById('login-status');
    function show(on) { box.hidden = !on; document.getElementById('content').hidden = on; }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      status.textContent = '';
      request('POST', SESSION, { login: form.elements.login.value.trim(), password: form.elements.password.value })
        .then(function (body) {
          show(false);
          onReady(session(body));
        })
        .catch(function (error) { status.textContent = t('loginFailed', { e: error.message }); });
    });
    document.getElementById('logout').addEventListener('click', function () {
      request('DELETE', SESSION).catch(function () { return null; }).then(function () {
        csrf = null;
        show(true);
      });
    });
    document.addEventListener('hongyan:logout', function () { show(true); });
    document.getElementById('lang-switch').addEventListener('click', function () {
      localStorage.setItem(LANG_KEY, lang() === 'en' ? 'zh' : 'en');
      translate();
      document.dispatchEvent(new Event('hongyan:lang'));
    });
    translate();
    request('GET', SESSION).then(function (body) {
      if (!body.account) { show(true); return; }
      show(false);
      onReady(session(body));
    })
      .catch(function () { show(true); });
  }

  /** An element with text (never HTML: names and titles come from users). */
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function iso(d) {
    return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
  }

  window.Programme = { API: API, t: t, lang: lang, translate: translate, request: request, query: query,
    setupLogin: setupLogin, el: el, iso: iso };
})();
