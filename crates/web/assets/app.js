// Sends the session's CSRF token with every htmx request that changes something.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
});

// Destructive actions ask first: a form with data-confirm submits only when the person agrees. (Kept
// here rather than in onsubmit attributes so the Content-Security-Policy can forbid inline script.)
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
}, true);

// A button marked data-print prints the page (the receipt); the print stylesheet keeps only what belongs on paper.
document.addEventListener("click", function (event) {
  var target = event.target.closest && event.target.closest("[data-print]");
  if (target) { window.print(); }
});
