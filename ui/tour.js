// Teamfund's guided tour, drawn by driver.js (ui/vendor). The dashboard carries the steps of
// the viewer's role in <script type="application/json" id="tour-data"> (no inline script:
// the CSP forbids it). The tour starts by itself when the server says so (first sign-in in
// this role, or /?tour=start), can be skipped, and is remembered through POST /tour/seen.
// Any [data-tour-start] element (the user menu's "Take the tour") restarts it.
// Loaded on every page by the layout; driver.js only on the dashboard.
(function () {
  var data = null;
  var driving = null;

  function visible(el) {
    return !!(el && (el.offsetWidth || el.offsetHeight || el.getClientRects().length));
  }

  // resolve finds what a step points at; an element hidden in a closed menu falls back to
  // the menu's toggle, and to nothing (a centred popover) when that is hidden too.
  function resolve(selector) {
    var el = document.querySelector(selector);
    if (visible(el)) return el;
    var menu = el && el.closest(".dropdown, .nav-item");
    var toggle = menu && menu.querySelector("[data-bs-toggle]");
    return visible(toggle) ? toggle : undefined;
  }

  // keepalive: a person who skips and at once follows a link must not get the tour again
  // because the navigation aborted the request.
  function markSeen() {
    var token = data.getAttribute("data-csrf");
    fetch("/tour/seen", { method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-CSRF-Token": token } });
  }

  function start() {
    if (driving || !window.driver || !window.driver.js) return;
    var cfg = JSON.parse(data.textContent);
    var steps = cfg.steps.map(function (s) {
      var step = { popover: { title: s.title, description: s.text } };
      var el = resolve(s.element);
      if (el) step.element = el;
      return step;
    });
    driving = window.driver.js.driver({
      steps: steps,
      showProgress: true,
      progressText: "{{current}} of {{total}}",
      nextBtnText: "Next",
      prevBtnText: "Back",
      doneBtnText: "Done",
      popoverClass: "tf-tour",
      onPopoverRender: function (popover) {
        var skip = document.createElement("button");
        skip.type = "button";
        skip.className = "tf-tour-skip";
        skip.textContent = "Skip tour";
        // note: driver.js calls onDestroyed only while a step is active, so a skip
        // records itself before closing.
        skip.addEventListener("click", function () { markSeen(); driving.destroy(); });
        popover.footerButtons.insertBefore(skip, popover.footerButtons.firstChild);
      },
      onDestroyed: function () {
        driving = null;
        markSeen();
      }
    });
    driving.drive();
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-tour-start]");
    if (!el) return;
    ev.preventDefault();
    if (data) {
      start();
    } else {
      window.location.href = "/?tour=start";
    }
  });

  // Deferred scripts run while readyState is "interactive", this one before the page
  // body's driver.js; all of them have run by DOMContentLoaded.
  function init() {
    data = document.getElementById("tour-data");
    if (data && JSON.parse(data.textContent).autostart) start();
  }
  if (document.readyState !== "complete") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
