// Teamfund's only script: confirm dialogs for destructive buttons (data-confirm) without inline JS,
// so the Content-Security-Policy can forbid inline scripts.
document.addEventListener("click", function (ev) {
  var el = ev.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    ev.preventDefault();
    ev.stopImmediatePropagation();
  }
}, true);
// "Select all" checkboxes: <input type="checkbox" data-select-all="name">
document.addEventListener("change", function (ev) {
  var name = ev.target.getAttribute && ev.target.getAttribute("data-select-all");
  if (!name) return;
  document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (cb) {
    cb.checked = ev.target.checked;
  });
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
