// Renders /api/tf/openapi.json with the vendored Redoc (see ui/vendor/README.md); a file of
// its own because the CSP allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("redoc");
  Redoc.init(el.dataset.spec, { hideDownloadButton: false, disableSearch: true }, el);
});
