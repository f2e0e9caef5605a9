// Teamfund's own script. No inline JS anywhere, so the Content-Security-Policy can forbid
// inline scripts and eval; Tabler's bundle (window.tabler) drives menus, dialogs and toasts.
(function () {
  "use strict";

  // Confirmation dialog: a button with data-confirm="Question?" opens #confirm-modal; the
  // click goes through only after "Confirm". data-confirm-ok names the confirming button.
  var pending = null; // the trigger the open dialog asks about
  var queued = null;  // a trigger clicked while the dialog was still closing
  function modal() {
    var el = document.getElementById("confirm-modal");
    return el && window.tabler && window.tabler.Modal ? { el: el, ui: window.tabler.Modal.getOrCreateInstance(el) } : null;
  }
  // A question may name what the form will do: "{to}" is the chosen option's text (or the
  // typed value) of the form's field "to"; "{amount:money}" formats an amount in the
  // currency of data-currency on the button ("Move €25.00 from Jonas Becker to Maya Fischer?").
  function fieldText(form, name) {
    var field = form && form.elements[name];
    if (!field) return "";
    if (field.tagName === "SELECT") return field.selectedIndex >= 0 ? field.options[field.selectedIndex].text.replace(/\s*\([^)]*\)$/, "") : "";
    var typed = (field.value || "").trim();
    // A person picker holds an email; its list says whose it is ("Maya Fischer · Field Sales").
    var option = field.list && Array.prototype.find.call(field.list.options, function (o) { return o.value.toLowerCase() === typed.toLowerCase(); });
    if (option && option.text.trim()) return option.text.trim().replace(/\s+·\s.*$/, "");
    return typed;
  }
  function moneyText(typed, currency) {
    var t = typed.replace(/\s/g, "");
    if (/^-?\d{1,3}(,\d{3})*(\.\d{1,2})?$/.test(t)) t = t.replace(/,/g, "");
    else if (/^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$/.test(t) || /^-?\d+,\d{1,2}$/.test(t)) t = t.replace(/\./g, "").replace(",", ".");
    var n = Number(t);
    if (!t || isNaN(n) || !currency) return typed;
    try { return new Intl.NumberFormat("en", { style: "currency", currency: currency }).format(n); } catch (e) { return typed; }
  }
  // checkForm is ui/forms.js's inline check; the browser's own if that script is missing.
  function checkForm(form) {
    return window.tfForms ? window.tfForms.check(form) : form.reportValidity();
  }
  function question(trigger) {
    var form = trigger.form || trigger.closest("form");
    return trigger.getAttribute("data-confirm").replace(/\{(\w+)(:money)?\}/g, function (_, name, money) {
      var text = fieldText(form, name);
      return money ? moneyText(text, trigger.getAttribute("data-currency")) : text;
    });
  }
  function ask(m, trigger) {
    var danger = trigger.matches(".btn-danger, .btn-outline-danger, [data-confirm-danger]");
    var accept = m.el.querySelector("[data-confirm-accept]");
    m.el.querySelector("#confirm-message").textContent = question(trigger);
    accept.textContent = trigger.getAttribute("data-confirm-ok") || (trigger.textContent || "").trim() || "Confirm";
    accept.className = "btn w-100 " + (danger ? "btn-danger" : "btn-primary");
    m.el.querySelector(".modal-status").hidden = !danger;
    pending = trigger;
    m.ui.show(trigger);
  }
  document.addEventListener("click", function (ev) {
    var trigger = ev.target.closest("[data-confirm]");
    if (!trigger) return;
    if (trigger.dataset.confirmed === "1") {
      delete trigger.dataset.confirmed;
      return;
    }
    ev.preventDefault();
    ev.stopImmediatePropagation();
    // The form is checked first: the question comes only once there is something to confirm.
    var form = trigger.form;
    if (form && trigger.type === "submit" && !trigger.hasAttribute("formnovalidate") && !checkForm(form)) return;
    var m = modal();
    if (!m) { // Tabler failed to load: the browser's own dialog still protects the action.
      if (window.confirm(question(trigger))) { trigger.dataset.confirmed = "1"; trigger.click(); }
      return;
    }
    // Bootstrap ignores show() while the dialog fades out; ask again once it has closed.
    var closing = !m.el.classList.contains("show") && m.el.style.display === "block";
    if (closing) {
      queued = trigger;
      return;
    }
    ask(m, trigger);
  }, true);
  document.addEventListener("click", function (ev) {
    if (!ev.target.closest("[data-confirm-accept]") || !pending) return;
    var trigger = pending;
    pending = null;
    modal().ui.hide();
    trigger.dataset.confirmed = "1";
    trigger.click();
  });
  document.addEventListener("shown.bs.modal", function (ev) {
    if (ev.target.id !== "confirm-modal") {
      // A form dialog starts in its first field (the one with an error, if any).
      var field = ev.target.querySelector(".is-invalid, input:not([type=hidden]), select, textarea");
      if (field) field.focus();
      return;
    }
    var cancel = ev.target.querySelector("[data-bs-dismiss=modal]");
    if (cancel) cancel.focus(); // the safe answer is the default one
  });
  document.addEventListener("hidden.bs.modal", function (ev) {
    if (ev.target.id !== "confirm-modal") return;
    if (pending) pending.focus();
    pending = null;
    if (queued) {
      var next = queued;
      queued = null;
      ask(modal(), next);
    }
  });

  // Submitting: the button shows a spinner and the form is not sent twice. The button is
  // not disabled (a disabled submitter drops its name=value, which bulk actions need); a
  // second submit is stopped instead. HTMX forms get it back after their request, every
  // form when the page comes back from the browser's history.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if ((form.method || "").toLowerCase() !== "post") return;
    if (form.dataset.submitting === "1") {
      ev.preventDefault();
      return;
    }
    var htmx = form.hasAttribute("hx-post") || form.closest("[hx-post]");
    if (ev.defaultPrevented && !htmx) return;
    form.dataset.submitting = "1";
    var button = ev.submitter || form.querySelector("[type=submit]");
    if (button) {
      button.classList.add("is-submitting");
      button.setAttribute("aria-disabled", "true");
      var spin = document.createElement("span");
      spin.className = "spinner-border spinner-border-sm me-2";
      spin.setAttribute("aria-hidden", "true");
      spin.setAttribute("data-submit-spinner", "");
      button.prepend(spin);
    }
  });
  function submitDone(form) {
    delete form.dataset.submitting;
    form.querySelectorAll(".is-submitting").forEach(function (b) {
      b.classList.remove("is-submitting");
      b.removeAttribute("aria-disabled");
    });
    form.querySelectorAll("[data-submit-spinner]").forEach(function (s) { s.remove(); });
  }
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.target.closest && ev.target.closest("form");
    if (form) submitDone(form);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(submitDone);
  });

  // Bulk selection: inside [data-bulk], checkboxes with data-bulk-item select rows; the
  // [data-bulk-bar] shows only while some are selected, [data-bulk-count] says how many.
  function refreshBulk(scope) {
    (scope || document).querySelectorAll("[data-bulk]").forEach(function (box) {
      var n = box.querySelectorAll("input[type=checkbox][data-bulk-item]:checked").length;
      box.querySelectorAll("[data-bulk-bar]").forEach(function (bar) {
        bar.hidden = n === 0;
      });
      box.querySelectorAll("[data-bulk-count]").forEach(function (c) {
        c.textContent = n + " selected";
      });
    });
  }

  // "Select all" checkboxes: <input type="checkbox" data-select-all="name">
  document.addEventListener("change", function (ev) {
    var name = ev.target.getAttribute && ev.target.getAttribute("data-select-all");
    if (name) {
      document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (cb) {
        cb.checked = ev.target.checked;
      });
    }
    if (name || (ev.target.matches && ev.target.matches("[data-bulk-item]"))) refreshBulk();
  });

  // Copy buttons: <button type="button" data-copy="#field-id">Copy</button> copies the field's value.
  document.addEventListener("click", function (ev) {
    var el = ev.target.closest("[data-copy]");
    if (!el) return;
    var field = document.querySelector(el.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value);
    } else {
      document.execCommand("copy");
    }
    el.textContent = "Copied";
  });

  // A form in a modal that the server sent back with errors opens again by itself:
  // <div class="modal" data-show-on-load>.
  function showModalsOnLoad() {
    if (!window.tabler || !window.tabler.Modal) return;
    document.querySelectorAll(".modal[data-show-on-load]").forEach(function (el) {
      el.removeAttribute("data-show-on-load");
      window.tabler.Modal.getOrCreateInstance(el).show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () { refreshBulk(); showModalsOnLoad(); });
  document.addEventListener("htmx:afterSettle", function () { refreshBulk(); showModalsOnLoad(); });
})();
