/* 鸿雁 site menu: one compact list of every page, added to the header of each page (the map, 政策, 招聘会,
   目标看板, 外出流向, 一窗受理, 数据导入). Plain script, no dependencies; labels follow <html lang> (the pages'
   own language switches set it), so it needs no i18n of its own page. Links are relative: every page is served
   at the site's root. */
(function () {
  'use strict';

  var PAGES = [  // [page, href, 中文, English, 中文说明]
    ['map', './', '就业地图', 'Job map', '三公里就业圈、企业、规划'],
    ['policies', 'policies', '政策', 'Policies', '稳岗就业政策检索'],
    ['fair', 'fair', '招聘会', 'Job fairs', '招聘会现场登记（手机）'],
    ['dashboard', 'dashboard', '目标看板', 'Targets dashboard', '目标进度、任务清单、日程'],
    ['outreach', 'outreach', '鸿雁外出流向', 'Outreach flows', '外出务工流向与定向名单'],
    ['service', 'service', '一窗受理', 'One-window service', '在线办事与进度查询'],
    ['import', 'import', '数据导入', 'Data import', 'Excel 模板与批量导入']
  ];
  var LABEL = { zh: '菜单', en: 'Menu' };
  var ARIA = { zh: '全部页面', en: 'All pages' };

  function english() {
    return (document.documentElement.lang || '').slice(0, 2) === 'en';
  }

  /** The page this document is: the last path segment without .html ('' is the map). */
  function currentPage() {
    var last = window.location.pathname.split('/').pop().replace(/\.html$/, '');
    return last === '' || last === 'index' ? 'map' : last;
  }

  function build(header) {
    var button = document.createElement('button');
    button.type = 'button';
    button.id = 'menu-toggle';
    button.className = 'menu-toggle';
    button.setAttribute('aria-controls', 'site-menu');
    button.setAttribute('aria-expanded', 'false');
    var icon = document.createElement('span');
    icon.className = 'menu-icon';
    icon.setAttribute('aria-hidden', 'true');
    var text = document.createElement('span');
    text.className = 'menu-text';
    button.appendChild(icon);
    button.appendChild(text);
    header.appendChild(button);

    var nav = document.createElement('nav');
    nav.id = 'site-menu';
    nav.className = 'site-menu';
    nav.hidden = true;
    var list = document.createElement('ul');
    var here = currentPage();
    PAGES.forEach(function (page) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = page[1];
      link.setAttribute('data-page', page[0]);
      if (page[0] === here) link.setAttribute('aria-current', 'page');
      link.appendChild(document.createElement('strong'));
      link.appendChild(document.createElement('small'));
      item.appendChild(link);
      list.appendChild(item);
    });
    nav.appendChild(list);
    document.body.appendChild(nav);

    function label() {
      var en = english();
      text.textContent = en ? LABEL.en : LABEL.zh;
      button.setAttribute('aria-label', en ? ARIA.en : ARIA.zh);
      nav.setAttribute('aria-label', en ? ARIA.en : ARIA.zh);
      Array.prototype.forEach.call(list.querySelectorAll('a'), function (link, i) {
        var page = PAGES[i];
        link.firstChild.textContent = en ? page[3] : page[2];
        link.lastChild.textContent = en ? page[2] : page[4];
      });
    }

    function open(show) {
      nav.hidden = !show;
      button.setAttribute('aria-expanded', show ? 'true' : 'false');
      if (show) nav.style.top = Math.max(0, Math.round(header.getBoundingClientRect().bottom)) + 'px';
    }

    button.addEventListener('click', function (event) {
      event.stopPropagation();
      open(nav.hidden);
    });
    document.addEventListener('click', function (event) {
      if (!nav.hidden && !nav.contains(event.target)) open(false);
    });
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && !nav.hidden) {
        open(false);
        button.focus();
      }
    });
    new MutationObserver(label).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    label();
  }

  function start() {
    var header = document.querySelector('body > header');
    if (header && !document.getElementById('site-menu')) build(header);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
