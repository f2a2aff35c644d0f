/* 鸿雁回归 pages: JSON requests to our own API (same origin), the staff token in sessionStorage, small DOM helpers. */
(function () {
  'use strict';

  var TOKEN_KEY = 'hongyan.token';

  function token() {
    try { return window.sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }

  function setToken(value) {
    try {
      if (value) window.sessionStorage.setItem(TOKEN_KEY, value); else window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage blocked: the login lasts for this page only */ }
  }

  /** A request to our API; resolves to the response, rejects with an Error carrying status and the server's detail. */
  function request(method, path, body, accept) {
    var headers = { Accept: accept || 'application/json' };
    var auth = token();
    if (auth) headers.Authorization = 'Bearer ' + auth;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.ok) return response;
        return response.json().catch(function () { return {}; }).then(function (data) {
          var error = new Error(typeof data.detail === 'string' ? data.detail : 'HTTP ' + response.status);
          error.status = response.status;
          throw error;
        });
      });
  }

  function json(method, path, body) {
    return request(method, path, body).then(function (r) { return r.json(); });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== null && v !== undefined && v !== '' && v !== false) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(id, text, state) {
    var node = document.getElementById(id);
    node.textContent = text;
    node.setAttribute('data-state', state || 'ok');
  }

  window.Pages = { request: request, json: json, query: query, el: el, say: say, token: token, setToken: setToken };
})();
