/* 鸿雁就业地图: the UI strings in 中文 (default) and English, and swapping them on the page.
   Elements carry data-i18n="key" (text) or data-i18n-aria="key" (aria-label). */
(function () {
  'use strict';

  var LANG_KEY = 'hongyan.lang';

  var STRINGS = {
    zh: {
      title: '鸿雁就业地图 · 霍邱县',
      brand: '鸿雁就业地图 · 霍邱县',
      switchTo: 'EN',
      switchLabel: 'Switch to English',
      mapLabel: '霍邱县行政区划地图',
      panelTitle: '行政区划',
      tabAreas: '地图',
      tabSeekers: '求职者',
      tabEnterprises: '企业',
      tabPlanning: '规划',
      loading: '正在加载行政区划…',
      loaded: '共 {t} 个乡镇、{v} 个村（社区）',
      empty: '尚无行政区划数据，请先导入（hongyan import areas）。',
      failed: '加载行政区划失败：{e}',
      hint: '点击地图上的乡镇或村，查看名称、代码和上级。',
      code: '代码',
      level: '级别',
      parent: '上级',
      zoomTo: '缩放到此区域',
      none: '无',
      county: '县级',
      township: '乡镇级',
      village: '村级',
      legendTownship: '乡镇（园区）',
      legendVillage: '村（社区），放大后显示',
      comingSoon: '即将推出',
      seekersSoon: '求职者：查看住处 3 公里（按道路）内的岗位。',
      enterprisesSoon: '企业：查看周边可招聘的求职者与用工需求。',
      planningSoon: '规划：按乡镇和村统计就业与岗位分布。'
    },
    en: {
      title: 'Hongyan Job Map · Huoqiu County',
      brand: 'Hongyan Job Map · Huoqiu',
      switchTo: '中文',
      switchLabel: '切换到中文',
      mapLabel: 'Map of Huoqiu County administrative areas',
      panelTitle: 'Areas',
      tabAreas: 'Map',
      tabSeekers: 'Seekers',
      tabEnterprises: 'Employers',
      tabPlanning: 'Planning',
      loading: 'Loading areas…',
      loaded: '{t} townships, {v} villages',
      empty: 'No areas yet: import them first (hongyan import areas).',
      failed: 'Could not load the areas: {e}',
      hint: 'Tap a township or village on the map to see its name, code and parent.',
      code: 'Code',
      level: 'Level',
      parent: 'Parent',
      zoomTo: 'Zoom to this area',
      none: 'none',
      county: 'County',
      township: 'Township',
      village: 'Village',
      legendTownship: 'Township (or park)',
      legendVillage: 'Village, shown when zoomed in',
      comingSoon: 'Coming soon',
      seekersSoon: 'Job seekers: jobs within 3 km of home by road.',
      enterprisesSoon: 'Employers: job seekers and demand nearby.',
      planningSoon: 'Planning: jobs and employment by township and village.'
    }
  };

  var current = 'zh';

  /** The UI string for key in the current language, with {name} placeholders filled. */
  function t(key, params) {
    var text = STRINGS[current][key];
    if (text === undefined) text = STRINGS.zh[key] || key;
    Object.keys(params || {}).forEach(function (name) {
      text = text.replace('{' + name + '}', String(params[name]));
    });
    return text;
  }

  /** Swaps every tagged string on the page to lang (zh or en) and remembers the choice. */
  function apply(lang) {
    current = STRINGS[lang] ? lang : 'zh';
    document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach(function (el) {
      el.textContent = t(el.getAttribute('data-i18n'));
    });
    document.querySelectorAll('[data-i18n-aria]').forEach(function (el) {
      el.setAttribute('aria-label', t(el.getAttribute('data-i18n-aria')));
    });
    var button = document.getElementById('lang-switch');
    button.textContent = t('switchTo');
    button.setAttribute('lang', current === 'zh' ? 'en' : 'zh-CN');
    button.setAttribute('aria-label', t('switchLabel'));
    try {
      window.localStorage.setItem(LANG_KEY, current);
    } catch (e) {
      // storage blocked (private mode): the choice is just not remembered
    }
  }

  /** The language chosen on an earlier visit; Chinese first. */
  function stored() {
    try {
      return window.localStorage.getItem(LANG_KEY) || 'zh';
    } catch (e) {
      return 'zh';
    }
  }

  window.HongyanI18n = {
    t: t,
    apply: apply,
    stored: stored,
    lang: function () {
      return current;
    }
  };
})();
