/* Starts Redoc on /api/redoc/ (templates/api/redoc.html) without an inline script. */
"use strict";
(function () {
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(container.dataset.settings || "{}");
  Redoc.init(container.dataset.schemaUrl, settings, container);
})();
