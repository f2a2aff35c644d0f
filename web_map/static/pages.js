/* 鸿雁回归 pages: JSON requests to our own API (same origin), the staff session in an HttpOnly cookie, small DOM helpers. */
(function () {
  'use strict';

  var SESSION = 'api/v1/auth/session';
  /* the CSRF token of the session: in this variable only, never in storage; the session itself is a cookie script cannot read */
  var csrf = null;

  /** A request to our API; resolves to the response, rejects with an Error carrying status and the server's detail. */
  function request(method, path, body, accept) {
    var headers = { Accept: accept || 'application/json' };
    if (csrf && method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    })
      .then(function (response) {
        if (response.ok) return response;
        return response.json().catch(function () { return {}; }).then(function (data) {
          var error = new Error(typeof data.detail === 'string' ? data.detail : 'HTTP ' + response.status);
          error.status = response.status;
          throw error;
        });
      });
  }

  function session(body) { csrf = body.csrf_token; return body.account; }

  /** Log in: the server sets the session cookie; resolves to the account. */
  function login(name, password) {
    return json('POST', SESSION, { login: name, password: password }).then(session);
  }

  /** The account of the page's live session (after a reload), or a rejection when there is none. */
  function resume() {
    return json('GET', SESSION).then(function (body) {
      if (!body.account) throw new Error('not logged in');
      return session(body);
    });
  }

  /** Log out: the session is revoked and its cookie cleared. */
  function logout() {
    return request('DELETE', SESSION).catch(function () { return null; }).then(function () { csrf = null; });
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

  window.Pages = { request: request, json: json, query: query, el: el, say: say, login: login, resume: resume, logout: logout };
})();
