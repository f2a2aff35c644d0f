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
      search: '搜索',
      villagePlaceholder: '输入村或乡镇名称',
      enterprisePlaceholder: '输入企业名称',
      locateMe: '定位我',
      orTapMap: '或点击（长按）地图选择住处',
      modeLabel: '出行方式',
      walk: '步行',
      ebike: '电动车',
      car: '汽车',
      reachLabel: '范围',
      km1: '1 公里',
      km3: '3 公里',
      km5: '5 公里',
      min15: '15 分钟',
      min30: '30 分钟',
      tradeLabel: '工种',
      allTrades: '全部',
      trade2: '专业技术',
      trade3: '办事人员',
      trade4: '服务业',
      trade5: '农林牧渔',
      trade6: '生产制造',
      trade8: '其他',
      minWageLabel: '最低月薪',
      timeLabel: '工时',
      anyTime: '不限',
      fullTime: '全职',
      partTime: '兼职',
      more: '更多',
      searching: '正在查找…',
      notFound: '没有找到“{q}”，请换个名称试试（如村名或乡镇名）。',
      searchFailed: '查找失败：{e}',
      locating: '正在定位…',
      geoDenied: '无法获取您的位置（未授权或不可用）。请在上方输入村或乡镇名称查找。',
      geoOutside: '您的位置不在霍邱县内。请输入村或乡镇名称查找。',
      loadingJobs: '正在计算就业圈…',
      jobsFailed: '计算就业圈失败：{e}',
      offNetwork: '该位置离道路较远（{d} 米），结果可能不准。',
      jobsSummary: '{n} 个岗位，共招 {p} 人',
      noJobs: '范围内没有符合条件的岗位。',
      matchScore: '匹配度 {s}',
      matchWhy: '为什么？',
      groupLabel: '工种分组',
      groupLatestRun: '最新分析（全部工种）',
      groupAll: '全部工种（快照）',
      dateLabel: '快照日期',
      spatialAvailability: '空间可得岗位',
      accessE2sfca: '可达性（E2SFCA）',
      people: '{n} 人',
      wageRange: '{a}–{b} 元/月',
      wageFrom: '{a} 元起/月',
      wageNone: '面议',
      meters: '{d} 米',
      kmAway: '{d} 公里',
      minutesAway: '{d} 分钟',
      detailEnterprise: '企业',
      detailTitle: '岗位',
      detailOccupation: '工种',
      detailWage: '月薪',
      detailDistance: '道路距离',
      detailTime: '出行时间',
      detailPositions: '招聘人数',
      detailHours: '工时',
      routeLength: '路线长度',
      routeTime: '路上用时',
      routeLoading: '正在计算上班路线…',
      routeFailed: '无法计算路线：{e}',
      poolByRadius: '不同范围内的可招聘人数（步行）',
      byStatus: '3 公里内按状态',
      byTrade: '3 公里内按工种',
      enterpriseFacts: '{i} · {s} 个场所 · 在招 {p} 人',
      loadingPool: '正在统计周边劳动力…',
      poolFailed: '统计周边劳动力失败：{e}',
      poolSummary: '3 公里内可招聘 {n} 人',
      poolVillage: '{v}：3 公里内可招聘 {n} 人',
      st_seeking: '求职中',
      st_farming: '务农',
      st_working_away: '外出务工',
      st_employed_local: '本地在岗',
      st_student: '在校',
      st_not_in_labour_force: '非劳动力',
      levelLabel: '层级',
      measureLabel: '指标',
      balance: '岗位余缺',
      accessIndex: '岗位可达性（2SFCA）',
      heatLayer: '供需热力（H3）',
      flowsLayer: '调剂流向',
      parksLayer: '创业园区与孵化器',
      parksLoaded: '{n} 个园区，已入驻 {o}/{c}',
      parksFailed: '加载园区失败：{e}',
      planHint: '点击地图上的区域查看统计。',
      loadingStats: '正在加载统计…',
      statsMissing: '尚无就业圈统计。请先运行 hongyan analyze circles。',
      statsFailed: '加载统计失败：{e}',
      statsLoaded: '{n} 个区域 · 五分位分级',
      flowsLoaded: '{n} 条调剂流向，共 {w} 人',
      flowsFailed: '加载调剂方案失败：{e}',
      residents: '常住人口',
      seekers: '可就业人数',
      positions: '区内岗位',
      positionsInReach: '圈内人均岗位',
      parentArea: '上级',
      downloadReport: '下载报告'
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
      search: 'Search',
      villagePlaceholder: 'Village or township name',
      enterprisePlaceholder: 'Enterprise name',
      locateMe: 'Locate me',
      orTapMap: 'or tap (long-press) the map at home',
      modeLabel: 'Travel mode',
      walk: 'Walk',
      ebike: 'E-bike',
      car: 'Car',
      reachLabel: 'Reach',
      km1: '1 km',
      km3: '3 km',
      km5: '5 km',
      min15: '15 min',
      min30: '30 min',
      tradeLabel: 'Trade',
      allTrades: 'All',
      trade2: 'Professional',
      trade3: 'Office',
      trade4: 'Services',
      trade5: 'Farming',
      trade6: 'Manufacturing',
      trade8: 'Other',
      minWageLabel: 'Min. wage',
      timeLabel: 'Hours',
      anyTime: 'Any',
      fullTime: 'Full time',
      partTime: 'Part time',
      more: 'More',
      searching: 'Searching…',
      notFound: 'Nothing found for “{q}”: try a village or township name.',
      searchFailed: 'Search failed: {e}',
      locating: 'Locating…',
      geoDenied: 'Your location is not available (denied or unsupported). Search for your village or township above.',
      geoOutside: 'You are outside Huoqiu County. Search for a village or township instead.',
      loadingJobs: 'Finding jobs within reach…',
      jobsFailed: 'Could not compute the circle: {e}',
      offNetwork: 'This point is {d} m from the nearest road: results may be off.',
      jobsSummary: '{n} vacancies, {p} positions',
      noJobs: 'No matching jobs within reach.',
      matchScore: 'Match {s}',
      matchWhy: 'Why?',
      groupLabel: 'Trade group',
      groupLatestRun: 'Latest run (all trades)',
      groupAll: 'All trades (snapshot)',
      dateLabel: 'Snapshot date',
      spatialAvailability: 'Spatially available jobs',
      accessE2sfca: 'Access (E2SFCA)',
      people: '{n} people',
      wageRange: '¥{a}–{b} a month',
      wageFrom: 'from ¥{a} a month',
      wageNone: 'negotiable',
      meters: '{d} m',
      kmAway: '{d} km',
      minutesAway: '{d} min',
      detailEnterprise: 'Enterprise',
      detailTitle: 'Job',
      detailOccupation: 'Trade',
      detailWage: 'Wage',
      detailDistance: 'Road distance',
      detailTime: 'Travel time',
      detailPositions: 'Positions',
      detailHours: 'Hours',
      routeLength: 'Route length',
      routeTime: 'Time on the way',
      routeLoading: 'Finding the route…',
      routeFailed: 'Could not find the route: {e}',
      poolByRadius: 'People available by radius (walking)',
      byStatus: 'Within 3 km by status',
      byTrade: 'Within 3 km by trade',
      enterpriseFacts: '{i} · {s} sites · {p} open positions',
      loadingPool: 'Counting people nearby…',
      poolFailed: 'Could not count people nearby: {e}',
      poolSummary: '{n} people available within 3 km',
      poolVillage: '{v}: {n} people available within 3 km',
      st_seeking: 'seeking',
      st_farming: 'farming',
      st_working_away: 'working away',
      st_employed_local: 'employed locally',
      st_student: 'student',
      st_not_in_labour_force: 'not in labour force',
      levelLabel: 'Level',
      measureLabel: 'Measure',
      balance: 'Job balance',
      accessIndex: 'Job access (2SFCA)',
      heatLayer: 'Supply/demand heat (H3)',
      flowsLayer: 'Rebalancing flows',
      parksLayer: 'Start-up parks and incubators',
      parksLoaded: '{n} parks, {o}/{c} taken',
      parksFailed: 'Parks failed to load: {e}',
      planHint: 'Tap an area on the map for its figures.',
      loadingStats: 'Loading figures…',
      statsMissing: 'No circle figures yet: run hongyan analyze circles first.',
      statsFailed: 'Could not load the figures: {e}',
      statsLoaded: '{n} areas · quintile classes',
      flowsLoaded: '{n} flows, {w} workers',
      flowsFailed: 'Could not load the rebalancing plan: {e}',
      residents: 'Residents',
      seekers: 'Available people',
      positions: 'Positions located here',
      positionsInReach: 'Positions in reach per seeker',
      parentArea: 'Parent',
      downloadReport: 'Download report'
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
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (el) {
      el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
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
