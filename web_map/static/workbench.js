/* 工作台 The server-rendered pages' one script: the new-resident form's "use this phone's location" button, and a
   "loading" line while htmx fetches a part of the page. The pages work without it (the village seat is used, forms
   reload the page); text goes in with textContent only, never as HTML. */
(function () {
  'use strict';

  function showButton() {
    var button = document.getElementById('locate');
    if (button && navigator.geolocation) { button.hidden = false; }
  }

  function locate() {
    var texts = document.getElementById('locate-texts');
    var out = document.getElementById('located');
    navigator.geolocation.getCurrentPosition(function (pos) {
      /* the W3C Geolocation API gives WGS84 coordinates (datum=wgs84 in the form) */
      document.getElementById('field-lon').value = pos.coords.longitude.toFixed(6);
      document.getElementById('field-lat').value = pos.coords.latitude.toFixed(6);
      out.textContent = texts.dataset.located.replace('{metres}', String(Math.round(pos.coords.accuracy)));
    }, function () {
      document.getElementById('field-lon').value = '';
      document.getElementById('field-lat').value = '';
      out.textContent = texts.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  document.addEventListener('click', function (event) {
    if (event.target instanceof Element && event.target.closest('#locate')) { locate(); }
  });
  /* the part being replaced says that it is loading (its [data-loading-text]) until the answer arrives */
  document.addEventListener('htmx:beforeRequest', function (event) {
    var target = event.detail && event.detail.target;
    var line = target instanceof Element ? target.querySelector('[data-loading-text]') : null;
    if (line) { line.textContent = line.dataset.loadingText; line.dataset.state = 'loading'; }
  });
  document.addEventListener('DOMContentLoaded', showButton);
  document.addEventListener('htmx:afterSettle', showButton); /* the form comes back with its problems */
})();
