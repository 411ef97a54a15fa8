// The error summary of a form that failed takes the focus, so a screen reader announces it and a
// keyboard user starts from the list of links to each field (GOV.UK's error summary pattern).
// Loaded async (it must not hold the page's first paint on a slow phone): it runs when the
// document is parsed, whether that happened before or after it arrived.
(function (run) {
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
}(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({block: "center"}); }
  });
}));
