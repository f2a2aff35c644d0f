/* 一窗受理: one intake form (category → unit, township from the applicant's area) and the status check by
   ticket number + last 4 digits of the phone. No login; nothing is stored in the browser. */
(function () {
  'use strict';

  var P = window.Pages;
  var el = P.el;
  var routes = {};
  // Chinese first: the server's message names the field; the applicant reads what to fix in Chinese
  var FIELD_HELP = {
    category: '请选择事项类别', name: '请填写姓名（不超过 40 字）', phone: '手机号应为 11 位数字，以 13–19 开头',
    area_code: '请选择乡镇或村（社区）', description: '请填写事项说明（1–1000 字）', phone_last4: '请填写手机号后 4 位数字'
  };

  /** The Chinese help for the field an error names, the server's own words after it. */
  function explain(error) {
    var match = /\(field ([a-z_0-9]+)\)$/.exec(error.message);
    if (match && FIELD_HELP[match[1]]) return FIELD_HELP[match[1]] + '（' + error.message + '）';
    if (error.status === 404) return '未找到该办件，请核对办件号和手机号后 4 位';
    return error.message;
  }

  function option(select, value, text) {
    var o = el('option', '', text);
    o.value = value;
    select.appendChild(o);
  }

  function loadCategories() {
    return P.json('GET', 'api/v1/service/categories').then(function (r) {
      var select = document.getElementById('category');
      r.categories.forEach(function (c) {
        routes[c.category] = c;
        option(select, c.category, c.category_name);
      });
    });
  }

  function loadTownships() {
    return P.json('GET', 'api/v1/areas?level=township').then(function (fc) {
      var select = document.getElementById('township');
      fc.features.map(function (f) { return f.properties; })
        .sort(function (a, b) { return a.code < b.code ? -1 : 1; })
        .forEach(function (p) { option(select, p.code, p.name); });
    });
  }

  function loadVillages(township) {
    var select = document.getElementById('village');
    select.textContent = '';
    option(select, '', '不选');
    if (!township) return Promise.resolve();
    return P.json('GET', 'api/v1/areas' + P.query({ level: 'village', parent: township })).then(function (fc) {
      fc.features.map(function (f) { return f.properties; })
        .sort(function (a, b) { return a.code < b.code ? -1 : 1; })
        .forEach(function (p) { option(select, p.code, p.name); });
    });
  }

  function value(id) {
    return document.getElementById(id).value.trim();
  }

  document.getElementById('category').addEventListener('change', function () {
    var r = routes[value('category')];
    document.getElementById('unit-hint').textContent = r ? '承办单位：' + r.unit_name : '';
  });
  document.getElementById('township').addEventListener('change', function () { loadVillages(value('township')); });

  document.getElementById('intake').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = {
      category: value('category'), name: value('name'), phone: value('phone'),
      area_code: value('village') || value('township'), description: value('description')
    };
    P.say('intake-status', '正在提交…', 'loading');
    P.json('POST', 'api/v1/service/tickets', form).then(function (r) {
      document.getElementById('receipt').hidden = false;
      document.getElementById('ticket-no').textContent = r.ticket_no;
      document.getElementById('receipt-unit').textContent = '已转 ' + r.unit_name + ' 办理，状态：' + r.status_name;
      document.getElementById('lookup-no').value = r.ticket_no;
      P.say('intake-status', '提交成功', 'ok');
      document.documentElement.dataset.ticket = r.ticket_no;
    }).catch(function (e) { P.say('intake-status', '提交失败：' + explain(e), 'error'); });
  });

  document.getElementById('lookup').addEventListener('submit', function (event) {
    event.preventDefault();
    var history = document.getElementById('history');
    history.textContent = '';
    P.json('POST', 'api/v1/service/tickets/status', { ticket_no: value('lookup-no'), phone_last4: value('lookup-last4') })
      .then(function (r) {
        P.say('lookup-status', r.category_name + ' · ' + r.unit_name + ' · 当前状态：' + r.status_name, 'ok');
        r.events.forEach(function (e) {
          var when = e.at.slice(0, 16).replace('T', ' ');
          history.appendChild(el('li', '', when + ' ' + e.to_name + (e.note ? '（' + e.note + '）' : '')));
        });
        document.documentElement.dataset.lookup = r.status;
      })
      .catch(function (e) {
        P.say('lookup-status', '查询失败：' + explain(e), 'error');
        document.documentElement.dataset.lookup = 'error';
      });
  });

  Promise.all([loadCategories(), loadTownships()]).then(function () {
    document.documentElement.dataset.service = 'ready';
  }).catch(function (e) { P.say('intake-status', '加载失败：' + e.message, 'error'); });
})();
