// Teamfund's guided tour, drawn by driver.js (ui/vendor) in Tabler's look. Every page
// carries the steps of the viewer's role in <script type="application/json" id="tour-steps">
// (no inline script: the CSP forbids it); each step names the page it talks about, and the
// tour opens that page before showing it. The dashboard's #tour-data says whether the tour
// starts by itself (first sign-in in this role, or /?tour=start).
// Where the person is in the tour is kept in localStorage ("tf-tour"): closing it (× or
// Escape) or following a link keeps the place, and "Take the tour" in the user menu goes
// on from there; Done or "Skip tour" end it. Any end is remembered through POST /tour/seen.
(function () {
  "use strict";
  var KEY = "tf-tour";
  var cfg = null;
  var csrf = "";
  var driving = null;
  var leaving = false; // the tour is opening another page: not an end

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

  function saved() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "null");
      return s && s.user === cfg.user && s.step < cfg.steps.length ? s : null;
    } catch (e) { return null; }
  }
  function save(step, opening) {
    try { localStorage.setItem(KEY, JSON.stringify({ user: cfg.user, step: step, opening: !!opening })); } catch (e) { /* private mode */ }
  }
  function forget() {
    try { localStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }

  // keepalive: a person who skips and at once follows a link must not get the tour again
  // because the navigation aborted the request.
  function markSeen() {
    fetch("/tour/seen", { method: "POST", credentials: "same-origin", keepalive: true, headers: { "X-CSRF-Token": csrf } });
  }

  function here(step) {
    return !step.page || step.page === window.location.pathname;
  }

  // show opens step i: on its page, or first the page it talks about.
  function show(i) {
    var step = cfg.steps[i];
    if (!here(step)) {
      save(i, true);
      leaving = true;
      if (driving) driving.destroy();
      window.location.href = step.page + (step.page === "/" ? "?tour=start" : "");
      return;
    }
    if (driving) {
      driving.moveTo(i);
      return;
    }
    start(i);
  }

  function start(at) {
    if (driving || !window.driver || !window.driver.js) return;
    var steps = cfg.steps.map(function (s) {
      var step = { popover: { title: s.title, description: s.text } };
      var el = here(s) ? resolve(s.element) : undefined;
      if (el) step.element = el;
      return step;
    });
    var ended = false; // Done or Skip, not a close that keeps the place
    driving = window.driver.js.driver({
      steps: steps,
      showProgress: true,
      progressText: "{{current}} of {{total}}",
      nextBtnText: "Next",
      prevBtnText: "Back",
      doneBtnText: "Done",
      popoverClass: "tf-tour",
      onHighlighted: function () { save(driving.getActiveIndex(), false); },
      onNextClick: function () {
        var i = driving.getActiveIndex();
        if (i + 1 >= cfg.steps.length) {
          ended = true;
          driving.destroy();
          return;
        }
        show(i + 1);
      },
      onPrevClick: function () { show(Math.max(0, driving.getActiveIndex() - 1)); },
      onPopoverRender: function (popover) {
        popover.nextButton.className += " btn btn-primary btn-sm";
        popover.previousButton.className += " btn btn-sm";
        var skip = document.createElement("button");
        skip.type = "button";
        skip.className = "tf-tour-skip btn btn-ghost-secondary btn-sm";
        skip.textContent = "Skip tour";
        // note: driver.js calls onDestroyed only while a step is active, so a skip
        // records itself before closing.
        skip.addEventListener("click", function () { ended = true; forget(); markSeen(); driving.destroy(); });
        popover.footerButtons.insertBefore(skip, popover.footerButtons.firstChild);
      },
      onDestroyed: function () {
        driving = null;
        if (leaving) return;
        if (ended) forget();
        markSeen();
        label();
      }
    });
    driving.drive(at || 0);
  }

  // label names the user menu's item after what it will do.
  function label() {
    var s = cfg && saved();
    document.querySelectorAll("[data-tour-start]").forEach(function (el) {
      var icon = el.querySelector("svg");
      el.textContent = s && s.step > 0 ? " Resume the tour" : " Take the tour";
      if (icon) el.prepend(icon);
    });
  }

  document.addEventListener("click", function (ev) {
    var el = ev.target.closest && ev.target.closest("[data-tour-start]");
    if (!el) return;
    ev.preventDefault();
    if (!cfg) {
      window.location.href = "/?tour=start";
      return;
    }
    var s = saved();
    show(s ? s.step : 0);
  });

  // Deferred scripts run while readyState is "interactive", this one before driver.js;
  // all of them have run by DOMContentLoaded.
  function init() {
    var el = document.getElementById("tour-steps");
    if (!el) return;
    cfg = JSON.parse(el.textContent);
    csrf = el.getAttribute("data-csrf");
    var data = document.getElementById("tour-data");
    var s = saved();
    if (s && s.opening && here(cfg.steps[s.step])) {
      start(s.step); // the tour opened this page for its next step
    } else if (data && JSON.parse(data.textContent).autostart) {
      start(0);
    }
    label();
  }
  if (document.readyState !== "complete") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
