// Theme: dark or light as the system says, unless the person chose one in the user menu
// (kept in localStorage "tf-theme"). Loaded in <head> without defer, so the page never
// flashes in the wrong theme; a file, not an inline script, so the CSP stays strict.
(function () {
  "use strict";
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function chosen() {
    try { return localStorage.getItem("tf-theme") || "system"; } catch (e) { return "system"; }
  }
  function apply() {
    var choice = chosen();
    var theme = choice === "dark" || choice === "light" ? choice : (media && media.matches ? "dark" : "light");
    root.setAttribute("data-bs-theme", theme);
    document.querySelectorAll("[data-theme-set]").forEach(function (b) {
      var on = b.getAttribute("data-theme-set") === choice;
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.classList.toggle("active", on);
    });
  }
  apply();
  if (media && media.addEventListener) media.addEventListener("change", apply);
  document.addEventListener("DOMContentLoaded", apply);
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-theme-set]");
    if (!b) return;
    ev.preventDefault();
    ev.stopPropagation(); // keep the user menu open to show the choice
    var v = b.getAttribute("data-theme-set");
    try {
      if (v === "system") localStorage.removeItem("tf-theme");
      else localStorage.setItem("tf-theme", v);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
    apply();
  });
})();
