// Pages that follow something changing (the officers' queue, the gates, a payment being confirmed)
// update one region in the background instead of reloading themselves: every data-poll-interval
// seconds the page asks its own address with "X-Poll: 1" and gets only the region back. The status
// line (aria-live) says when it was last updated; after data-poll-max tries (if set) it stops and
// shows the [data-poll-giveup] block; a region that carries data-poll-next sends the browser there,
// and one that carries [data-poll-stop] ends the polling (what the page waited for has arrived).
(function () {
  "use strict";
  var script = document.currentScript;
  var region = document.querySelector("[data-poll]");
  var status = document.querySelector("[data-poll-status]");
  if (!region || !window.fetch) { return; }
  var interval = (parseFloat(region.getAttribute("data-poll-interval")) || 5) * 1000;
  var max = parseInt(region.getAttribute("data-poll-max") || "0", 10);
  var tries = 0, failures = 0, timer = null;

  function clock() {
    return new Date().toLocaleTimeString(document.documentElement.lang || undefined,
      { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }
  function say(text) { if (status) { status.textContent = text; } }
  function stop(giveUp) {
    if (timer) { clearTimeout(timer); timer = null; }
    var block = document.querySelector("[data-poll-giveup]");
    if (giveUp && block) { block.hidden = false; }
    if (giveUp) { say(script.getAttribute("data-stopped")); }
  }
  function next() {
    if (max && tries >= max) { stop(true); return; }
    timer = setTimeout(tick, interval);
  }
  function tick() {
    tries += 1;
    fetch(window.location.href, { headers: { "X-Poll": "1" }, credentials: "same-origin", cache: "no-store" })
      .then(function (reply) {
        if (!reply.ok || reply.redirected) { throw new Error(String(reply.status)); }
        return reply.text();
      })
      .then(function (html) {
        failures = 0;
        region.innerHTML = html;
        var go = region.querySelector("[data-poll-next]");
        if (go) { window.location.assign(go.getAttribute("data-poll-next")); return; }
        var summary = region.querySelector("[data-poll-summary]");
        say(script.getAttribute("data-updated").replace("{time}", clock()) +
            (summary ? " " + summary.getAttribute("data-poll-summary") : ""));
        // What the page waited for is here (e.g. a signed document): nothing more to follow.
        if (region.querySelector("[data-poll-stop]")) { return; }
        next();
      })
      .catch(function () {
        failures += 1;
        if (failures >= 3) { stop(false); say(script.getAttribute("data-failed")); return; }
        say(script.getAttribute("data-retrying"));
        next();
      });
  }
  say(script.getAttribute("data-updated").replace("{time}", clock()));
  next();
}());
