/* 接口文档 /docs: Swagger UI from the vendored swagger-ui-dist, started here rather than by an inline script so that
   the page runs under the site's Content-Security-Policy. No validator badge: it would ask an outside host. */
(function () {
  'use strict';

  window.ui = window.SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
