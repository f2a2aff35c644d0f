/* 鸿雁就业地图: JSON requests to our own API (relative URLs, same origin only). */
(function () {
  'use strict';

  /** A query string from params, leaving out null, undefined and empty values. */
  function query(params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (key) {
      var value = params[key];
      if (value === null || value === undefined || value === '') return;
      parts.push(encodeURIComponent(key) + '=' + encodeURIComponent(String(value)));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  /** GETs path with params; resolves to the JSON body, rejects with an Error carrying status and detail. */
  function get(path, params) {
    return fetch(path + query(params), { headers: { Accept: 'application/json' } }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) return body;
        var detail = typeof body.detail === 'string' ? body.detail : 'HTTP ' + response.status;
        var error = new Error(detail);
        error.status = response.status;
        throw error;
      });
    });
  }

  window.HongyanApi = { get: get, query: query };
})();
