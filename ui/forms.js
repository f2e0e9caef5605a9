// Form checks before anything is sent, the same on every form. The browser's Constraint
// Validation API judges the fields (required, type, minlength, min/max, pattern) but the
// result is shown the way the server shows its own field errors: the field turns red
// (Tabler's is-invalid), a message under it names the field and the reason, and the first
// bad field takes the focus. The browser's bubbles are off (novalidate on every form): they
// look different in each browser, fade after a few seconds and cover the next field.
// app.js asks window.tfForms.check(form) before it opens a confirmation dialog.
(function () {
  "use strict";

  function labelOf(field) {
    var label = field.labels && field.labels[0];
    var text = label ? label.textContent : field.getAttribute("aria-label") || field.placeholder || field.name;
    return (text || "This field").replace(/\s+/g, " ").trim().replace(/[:*]$/, "");
  }

  // A field with data-in-list takes only a value of its datalist (the currency and the time
  // zone); the typed value is written the list's way ("eur" becomes "EUR").
  function checkInList(field) {
    if (!field.hasAttribute("data-in-list") || !field.list) return;
    var typed = field.value.trim().toLowerCase();
    var match = typed && Array.prototype.find.call(field.list.options, function (o) { return o.value.toLowerCase() === typed; });
    if (match) field.value = match.value;
    field.setCustomValidity(typed && !match ? "not in the list: type a few letters and pick one of the choices" : "");
  }

  function reason(field) {
    var v = field.validity, name = labelOf(field);
    if (v.valueMissing) {
      if (field.type === "checkbox") return "Tick “" + name + "” to go on.";
      if (field.type === "file") return name + ": choose a file.";
      if (field.tagName === "SELECT" || field.hasAttribute("data-in-list")) return name + ": choose one.";
      if (field.list) return name + ": type a few letters and pick one from the list.";
      return name + " cannot be blank.";
    }
    if (v.customError) return name + ": " + field.validationMessage;
    if (v.typeMismatch && field.type === "email") return name + " must be an email address, like jane@example.com.";
    if (v.typeMismatch && field.type === "url") return name + " must be a full address starting with https://.";
    if (v.badInput) return name + " must be a number.";
    if (v.tooShort) return name + " must be at least " + field.minLength + " characters (now " + field.value.length + ").";
    if (v.tooLong) return name + " must be at most " + field.maxLength + " characters.";
    if (v.rangeUnderflow) return name + " must be at least " + field.min + ".";
    if (v.rangeOverflow) return name + " must be at most " + field.max + ".";
    if (v.stepMismatch) return name + (field.step === "1" ? " must be a whole number." : " must be a multiple of " + field.step + ".");
    if (v.patternMismatch) return name + (field.title ? ": " + field.title : " is not written the expected way.");
    return name + ": " + field.validationMessage;
  }

  // The message goes where the server's field_error goes: after the field (or its input
  // group / check box) and its hint; a message already there is reused.
  function anchorOf(field) {
    return field.closest(".input-group, .form-check, .form-selectgroup") || field;
  }
  function skippable(node) { // what sits between a field and its message: hints, its datalist
    return node && (node.classList.contains("form-hint") || node.tagName === "DATALIST");
  }
  function messageOf(field) {
    var node = anchorOf(field).nextElementSibling;
    while (node && !node.classList.contains("field-error")) {
      if (!skippable(node)) return null;
      node = node.nextElementSibling;
    }
    return node;
  }
  function show(field, text) {
    var msg = messageOf(field);
    if (!msg) {
      msg = document.createElement("div");
      msg.className = "invalid-feedback d-block field-error";
      var after = anchorOf(field);
      while (skippable(after.nextElementSibling)) after = after.nextElementSibling;
      after.after(msg);
    }
    if (!msg.id) msg.id = (field.id || field.name || "field") + "-error";
    msg.textContent = text;
    field.classList.add("is-invalid");
    field.setAttribute("aria-invalid", "true");
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (described.indexOf(msg.id) < 0) field.setAttribute("aria-describedby", described.concat(msg.id).join(" "));
  }
  function clear(field) {
    var msg = messageOf(field);
    if (msg) {
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== msg.id; });
      if (described.length) field.setAttribute("aria-describedby", described.join(" "));
      else field.removeAttribute("aria-describedby");
      msg.remove();
    }
    field.classList.remove("is-invalid");
    field.removeAttribute("aria-invalid");
  }

  function judge(field) {
    checkInList(field);
    if (field.willValidate && !field.checkValidity()) {
      show(field, reason(field));
      return false;
    }
    return true;
  }

  // check marks every bad field of the form and focuses the first; true when all are good.
  // Fields the server marked stay marked until they are changed: only it knows why.
  function check(form) {
    form.noValidate = true;
    var first = null;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.willValidate && !field.hasAttribute("data-in-list")) return;
      // A field that is not shown (a closed section) cannot be fixed here: the server judges it.
      if (!field.getClientRects().length) return;
      if (!judge(field) && !first) first = field;
    });
    if (first) first.focus();
    return !first;
  }

  function quiet(root) {
    (root.tagName === "FORM" ? [root] : root.querySelectorAll("form")).forEach(function (form) { form.noValidate = true; });
  }

  // A submit button's click comes before the browser's own check: switch that off first
  // (forms that arrive later by HTMX included).
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button, input[type=submit], input[type=image]");
    if (button && button.form) button.form.noValidate = true;
  }, true);
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (ev.submitter && ev.submitter.formNoValidate) return;
    if (check(form)) return;
    ev.preventDefault();
    ev.stopImmediatePropagation(); // nor app.js's spinner, nor HTMX's request
  }, true);
  // A marked field (by this check or by the server) says it is fixed as soon as it is.
  function recheck(ev) {
    var field = ev.target;
    if (!field.form || !field.classList) return;
    if (field.classList.contains("is-invalid") && judge(field)) clear(field);
  }
  document.addEventListener("input", recheck);
  document.addEventListener("change", recheck);

  // The setup page may start the time zone at the browser's own, and says so next to it.
  function guessTimeZone(root) {
    root.querySelectorAll("input[data-guess-timezone]").forEach(function (field) {
      if (field.value) return;
      var zone = "";
      try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
      var known = field.list && Array.prototype.some.call(field.list.options, function (o) { return o.value === zone; });
      if (!known) return;
      field.value = zone;
      var hint = document.getElementById(field.id + "-hint");
      if (hint) hint.textContent = "Filled in from this browser's time zone (" + zone + "). Change it if your company's months start elsewhere.";
    });
  }

  window.tfForms = { check: check };
  document.addEventListener("DOMContentLoaded", function () { quiet(document); guessTimeZone(document); });
  document.addEventListener("htmx:load", function (ev) { quiet(ev.target); guessTimeZone(ev.target); });
})();
