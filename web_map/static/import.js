/* 表格导入 (staff, phone-friendly): pick a database, get its template, upload .xlsx/.csv, see counts and row errors. */
(function () {
  'use strict';

  var SESSION = '/api/v1/auth/session';
  /* the session is an HttpOnly cookie script cannot read; its CSRF token lives in this variable only, never in storage */
  var csrf = null;
  var LANG_KEY = 'hongyan.lang';
  var API = '/api/v1/registry';
  var IMPORTERS = ['county_admin', 'county_reviewer', 'township_staff', 'village_collector'];
  // the databases and who may import into them (the API checks again)
  var DATABASES = [
    { name: 'residents', roles: IMPORTERS },
    { name: 'talents', roles: ['county_admin', 'township_staff', 'village_collector'] },
    { name: 'enterprises', roles: IMPORTERS },
    { name: 'vacancies', roles: IMPORTERS },
    { name: 'policies', roles: ['county_admin', 'county_reviewer'] }
  ];
  var STRINGS = {
    zh: {
      backToMap: '← 就业地图',
      title: '表格导入', loginTitle: '工作人员登录', loginName: '用户名或手机号', password: '密码', login: '登录',
      logout: '退出', loginFailed: '登录失败：{e}', database: '导入到哪个库',
      templateHint: '先下载模板，按模板填写（列名不要改），再上传。', downloadTemplate: '下载模板（Excel）',
      uploadTitle: '上传文件', file: 'Excel（.xlsx）或 CSV 文件', mode: '导入方式',
      commitValid: '导入有效行：有错误的行跳过，其余导入', allOrNothing: '全部或全不：有任何错误则都不导入',
      encoding: 'CSV 编码', auto: '自动识别', datum: '坐标系（未填时）', upload: '导入', resultTitle: '导入结果',
      rowCol: '行', fieldCol: '列', messageCol: '错误说明', downloadErrors: '下载错误清单（Excel）',
      residents: '人力资源供给库 · 居民', talents: '创新创业人才库 · 人才与项目', enterprises: '企业用工需求库 · 企业与场所',
      vacancies: '企业用工需求库 · 岗位', policies: '稳岗就业政策库 · 政策（县级）',
      who: '{name}（{role}，辖区 {area}）', noImport: '您的角色不能导入数据', pickFile: '请先选择文件',
      uploading: '正在导入…', downloading: '正在生成模板…', failed: '失败：{e}',
      counts: '共 {rows} 行 · 已导入 {written} 行 · {rejected} 行错误', nothingWritten: '（全部或全不：未写入任何数据）',
      roles: { county_admin: '县管理员', county_reviewer: '县审核员', township_staff: '乡镇工作人员',
        village_collector: '村级采集员', enterprise_hr: '企业人事', job_seeker: '求职者' }
    },
    en: {
      backToMap: '← Job map',
      title: 'Spreadsheet import', loginTitle: 'Staff login', loginName: 'Username or phone', password: 'Password',
      login: 'Log in', logout: 'Log out', loginFailed: 'Login failed: {e}', database: 'Database',
      templateHint: 'Download the template, fill it in (keep the headers), then upload it.',
      downloadTemplate: 'Template (Excel)', uploadTitle: 'Upload', file: 'Excel (.xlsx) or CSV file', mode: 'Mode',
      commitValid: 'Import valid rows: rows with errors are skipped', allOrNothing: 'All or nothing: any error, nothing imported',
      encoding: 'CSV encoding', auto: 'Detect', datum: 'Datum (when not given)', upload: 'Import', resultTitle: 'Result',
      rowCol: 'Row', fieldCol: 'Column', messageCol: 'Error', downloadErrors: 'Error workbook (Excel)',
      residents: 'Residents (labour supply)', talents: 'Talents and projects', enterprises: 'Enterprises and sites',
      vacancies: 'Vacancies', policies: 'Policies (county)',
      who: '{name} ({role}, area {area})', noImport: 'Your role cannot import data', pickFile: 'Choose a file first',
      uploading: 'Importing…', downloading: 'Building the template…', failed: 'Failed: {e}',
      counts: '{rows} rows · {written} imported · {rejected} with errors', nothingWritten: ' (all or nothing: nothing written)',
      roles: { county_admin: 'county admin', county_reviewer: 'county reviewer', township_staff: 'township staff',
        village_collector: 'village collector', enterprise_hr: 'enterprise HR', job_seeker: 'job seeker' }
    }
  };
  var state = { account: null, url: null, result: null };

  function byId(id) { return document.getElementById(id); }
  function lang() { return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'; }

  /** The UI string for key in the current language, {name} placeholders filled from params. */
  function t(key, params) {
    var text = STRINGS[lang()][key] || STRINGS.zh[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(params[k])); });
    return text;
  }

  function translate() {
    document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
    document.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.dataset.i18n); });
    byId('lang-switch').textContent = lang() === 'en' ? '中文' : 'EN';
    if (state.account) showAccount(state.account);
    if (state.result) showCounts(state.result);
  }

  /** Request headers; writes carry the session's CSRF token. */
  function headers(write) {
    var h = { Accept: 'application/json' };
    if (write && csrf) h['X-CSRF-Token'] = csrf;
    return h;
  }

  /** The error of a failed response: the API's detail (Chinese first) or the status. */
  function failure(response) {
    return response.json().catch(function () { return {}; }).then(function (payload) {
      var error = new Error(typeof payload.detail === 'string' ? payload.detail : 'HTTP ' + response.status);
      error.status = response.status;
      if (response.status === 401) { csrf = null; showLogin(true); }
      throw error;
    });
  }

  function say(text, bad) { var s = byId('status'); s.textContent = text; s.dataset.bad = bad ? 'true' : 'false'; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function showLogin(on) { byId('login').hidden = !on; byId('content').hidden = on; }

  function showAccount(account) {
    var roleName = (STRINGS[lang()].roles[account.role]) || account.role;
    byId('who').textContent = t('who', { name: account.name || account.username, role: roleName, area: account.area_code || '' });
    var select = byId('database');
    var chosen = select.value;
    select.textContent = '';
    DATABASES.filter(function (d) { return d.roles.indexOf(account.role) >= 0; }).forEach(function (d) {
      select.appendChild(el('option', { value: d.name }, t(d.name)));
    });
    if (chosen && select.querySelector('option[value="' + chosen + '"]')) select.value = chosen;
    var none = !select.options.length;
    byId('template').disabled = none;
    byId('upload-form').querySelector('button[type=submit]').disabled = none;
    if (none) say(t('noImport'), true);
  }

  function start(account) {
    state.account = account;
    showLogin(false);
    showAccount(account);
    document.documentElement.dataset.page = 'ready';
  }

  /** Save a Blob under a file name (an <a download> the browser follows). */
  function save(blob, filename) {
    var a = el('a', { href: URL.createObjectURL(blob), download: filename });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  function downloadTemplate() {
    var db = byId('database').value;
    say(t('downloading'));
    fetch(API + '/templates/' + db + '.xlsx', { headers: headers(), credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.blob() : failure(response); })
      .then(function (blob) { save(blob, db + '-模板.xlsx'); say(''); })
      .catch(function (error) { say(t('failed', { e: error.message }), true); });
  }

  function bytesOf(base64) {
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
    return out;
  }

  function showCounts(body) {
    var counts = byId('counts');
    counts.textContent = t('counts', { rows: body.rows, written: body.written, rejected: body.rejected }) +
      (body.mode === 'all_or_nothing' && body.errors.length ? t('nothingWritten') : '');
    ['rows', 'written', 'rejected'].forEach(function (k) { counts.dataset[k] = body[k]; });
  }

  function showResult(body) {
    byId('result').hidden = false;
    byId('summary').textContent = body.detail;
    state.result = body;
    showCounts(body);
    var table = byId('errors');
    var rows = table.querySelector('tbody');
    rows.textContent = '';
    body.errors.forEach(function (e) {
      var tr = el('tr', { 'data-row': e.row });
      tr.appendChild(el('td', { class: 'n' }, e.row));
      tr.appendChild(el('td', {}, e.field || ''));
      tr.appendChild(el('td', {}, e.message));
      rows.appendChild(tr);
    });
    table.hidden = !body.errors.length;
    var link = byId('error-book');
    if (state.url) { URL.revokeObjectURL(state.url); state.url = null; }
    if (body.error_workbook) {
      var blob = new Blob([bytesOf(body.error_workbook.content_base64)], { type: body.error_workbook.media_type });
      state.url = URL.createObjectURL(blob);
      link.href = state.url;
      link.download = body.error_workbook.filename;
      link.hidden = false;
    } else {
      link.hidden = true;
      link.removeAttribute('href');
    }
  }

  function upload(event) {
    event.preventDefault();
    var file = byId('file').files[0];
    if (!file) { say(t('pickFile'), true); return; }
    var mode = document.querySelector('input[name=mode]:checked').value;
    var params = '?mode=' + encodeURIComponent(mode) + '&encoding=' + encodeURIComponent(byId('encoding').value) +
      '&datum=' + encodeURIComponent(byId('datum').value);
    var form = new FormData();
    form.append('file', file, file.name);
    say(t('uploading'));
    byId('result').hidden = true;
    state.result = null;
    fetch(API + '/import/' + byId('database').value + params, {
      method: 'POST', headers: headers(true), credentials: 'same-origin', body: form
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (Array.isArray(body.errors)) { showResult(body); say(''); document.documentElement.dataset.imported = 'true'; return; }
          if (response.status === 401) { csrf = null; showLogin(true); }
          throw new Error(typeof body.detail === 'string' ? body.detail : 'HTTP ' + response.status);
        });
      })
      .catch(function (error) { say(t('failed', { e: error.message }), true); });
  }

  byId('login-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    byId('login-status').textContent = '';
    fetch(SESSION, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, credentials: 'same-origin',
      body: JSON.stringify({ login: form.elements.login.value.trim(), password: form.elements.password.value })
    }).then(function (response) { return response.ok ? response.json() : failure(response); })
      .then(function (body) { csrf = body.csrf_token; start(body.account); })
      .catch(function (error) { byId('login-status').textContent = t('loginFailed', { e: error.message }); });
  });
  byId('logout').addEventListener('click', function () {
    fetch(SESSION, { method: 'DELETE', headers: headers(true), credentials: 'same-origin' }).catch(function () { return null; })
      .then(function () { csrf = null; state.account = null; showLogin(true); });
  });
  byId('lang-switch').addEventListener('click', function () {
    localStorage.setItem(LANG_KEY, lang() === 'en' ? 'zh' : 'en');
    translate();
  });
  byId('template').addEventListener('click', downloadTemplate);
  byId('upload-form').addEventListener('submit', upload);
  translate();
  fetch(SESSION, { headers: headers(), credentials: 'same-origin' })
    .then(function (response) { return response.ok ? response.json() : failure(response); })
    .then(function (body) {
      if (!body.account) { showLogin(true); return; }
      csrf = body.csrf_token;
      start(body.account);
    })
    .catch(function () { showLogin(true); });
})();
