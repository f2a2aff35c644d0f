/* 鸿雁: the one way text from data reaches a map. Leaflet parses a string given to bindTooltip, bindPopup or
   setContent as HTML, so a name such as <img src=x onerror=…> would run; every tooltip, popup and label is given
   an element from HongyanText.node instead, whose text is set with textContent and never parsed. */
(function () {
  'use strict';

  /** A <span> (with an optional class) showing the parts joined, as text only. */
  function node(parts, className) {
    var span = document.createElement('span');
    if (className) span.className = className;
    span.textContent = Array.isArray(parts) ? parts.join('') : String(parts);
    return span;
  }

  window.HongyanText = { node: node };
})();
