/* 稳岗就业政策库 page: search the public policies (GET api/v1/policies?q=&category=), Chinese first. */
(function () {
  'use strict';

  var TEXT = {
    zh: {
      back: '← 就业地图', title: '稳岗就业政策库', placeholder: '输入关键词，如：创业贷款、社保', category: '政策类别',
      all: '全部类别', search: '搜索', loading: '正在加载政策…', found: '共找到 {n} 条政策', none: '没有找到相关政策，换个关键词试试',
      error: '加载失败：{e}', amount: '额度', contact: '咨询', validUntil: '有效期至', open: '长期有效', ages: '年龄 {a}–{b} 周岁',
      returnee: '限返乡创业人员', enterprise: '企业申请', person: '个人申请'
    },
    en: {
      back: '← Job map', title: 'Employment policies', placeholder: 'Search, e.g. 创业贷款 (start-up loan), 社保',
      category: 'Category', all: 'All categories', search: 'Search', loading: 'Loading policies…',
      found: '{n} policies found', none: 'No policy matches; try another word', error: 'Could not load: {e}',
      amount: 'Amount', contact: 'Contact', validUntil: 'Valid until', open: 'No end date', ages: 'Age {a}–{b}',
      returnee: 'Returnee entrepreneurs only', enterprise: 'Enterprises apply', person: 'Individuals apply'
    }
  };
  var lang = 'zh';
  var last = null;
  var pendingCategory = null; // from the address, chosen once the categories are known

  function t(key, params) {
    var s = (TEXT[lang][key] || TEXT.zh[key] || key);
    Object.keys(params || {}).forEach(function (k) { s = s.replace('{' + k + '}', params[k]); });
    return s;
  }

  function byId(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function translate() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.querySelectorAll('[data-t]').forEach(function (e) { e.textContent = t(e.getAttribute('data-t')); });
    document.querySelectorAll('[data-t-placeholder]').forEach(function (e) {
      e.setAttribute('placeholder', t(e.getAttribute('data-t-placeholder')));
    });
    document.querySelectorAll('[data-t-aria]').forEach(function (e) {
      e.setAttribute('aria-label', t(e.getAttribute('data-t-aria')));
    });
    byId('lang').textContent = lang === 'zh' ? 'EN' : '中文';
    if (last) render(last);
  }

  function setStatus(text, state) {
    var s = byId('status');
    s.textContent = text;
    s.setAttribute('data-state', state || 'ready');
  }

  function conditions(p) {
    var e = p.eligibility, out = [];
    out.push(e.applicants.map(function (a) { return t(a); }).join(' / '));
    if (e.min_age !== null || e.max_age !== null) out.push(t('ages', { a: e.min_age === null ? '' : e.min_age, b: e.max_age === null ? '' : e.max_age }));
    if (e.status_labels.length) out.push(e.status_labels.join('、'));
    if (e.returnee) out.push(t('returnee'));
    return out.join(' · ');
  }

  function card(p) {
    var li = el('li', 'policy');
    li.setAttribute('data-policy-id', p.policy_id);
    var h = el('h2');
    h.appendChild(el('span', 'tag', p.category));
    h.appendChild(document.createTextNode(p.title));
    li.appendChild(h);
    if (p.amount) {
      var a = el('p');
      a.appendChild(document.createTextNode(t('amount') + '：'));
      a.appendChild(el('span', 'amount', p.amount));
      li.appendChild(a);
    }
    if (p.summary) li.appendChild(el('p', '', p.summary));
    li.appendChild(el('p', 'meta', conditions(p)));
    var until = p.valid_until ? t('validUntil') + ' ' + p.valid_until : t('open');
    li.appendChild(el('p', 'meta', until + (p.contact_unit ? ' · ' + t('contact') + '：' + p.contact_unit : '')));
    return li;
  }

  function render(body) {
    var list = byId('results');
    list.textContent = '';
    body.policies.forEach(function (p) { list.appendChild(card(p)); });
    setStatus(body.count ? t('found', { n: body.count }) : t('none'));
  }

  function fillCategories(body) {
    var select = byId('category');
    if (select.options.length > 1) return;
    body.categories.forEach(function (c) {
      var o = el('option', '', c.category + '（' + c.count + '）');
      o.value = c.category;
      select.appendChild(o);
    });
    if (pendingCategory) select.value = pendingCategory;
    pendingCategory = null;
  }

  function load() {
    var params = new URLSearchParams();
    var q = byId('q').value.trim();
    var category = byId('category').value || pendingCategory || '';
    if (q) params.set('q', q);
    if (category) params.set('category', category);
    params.set('limit', '100');
    history.replaceState(null, '', '?' + params.toString());
    setStatus(t('loading'), 'loading');
    fetch('api/v1/policies?' + params.toString())
      .then(function (r) {
        return r.json().then(function (b) { if (!r.ok) throw new Error(b.detail || r.status); return b; });
      })
      .then(function (body) { last = body; fillCategories(body); render(body); })
      .catch(function (e) { setStatus(t('error', { e: e.message }), 'error'); });
  }

  var initial = new URLSearchParams(location.search);
  byId('q').value = initial.get('q') || '';
  pendingCategory = initial.get('category');
  byId('search').addEventListener('submit', function (ev) { ev.preventDefault(); load(); });
  byId('category').addEventListener('change', load);
  byId('lang').addEventListener('click', function () { lang = lang === 'zh' ? 'en' : 'zh'; translate(); });
  load();
})();
