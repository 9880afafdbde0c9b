/* Newsdesk reader engagement: the read beacon, reaction clicks, Recommended for you.
 * Dependency-free; the page works without it (form POST, <noscript> beacon, links). */
(function () {
  "use strict";
  var bar = document.querySelector("[data-reactions]");
  if (!bar) return;

  // One read per page view; the server dedupes reloads and filters bots.
  var beaconUrl = bar.getAttribute("data-beacon-url");
  if (beaconUrl) {
    if (navigator.sendBeacon) navigator.sendBeacon(beaconUrl);
    else fetch(beaconUrl, { method: "POST", credentials: "same-origin", keepalive: true });
  }

  var url = bar.getAttribute("data-reactions-url");
  var status = bar.querySelector("[data-reaction-status]");

  function show(data) {
    var counts = (data && data.counts) || {};
    Object.keys(counts).forEach(function (kind) {
      var el = bar.querySelector('[data-reaction-count="' + kind + '"]');
      if (el) el.textContent = String(counts[kind]);
    });
    if (data && "mine" in data) {
      bar.querySelectorAll("[data-reaction]").forEach(function (button) {
        var on = button.getAttribute("data-reaction") === data.mine;
        button.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
  }

  // Answers can come back out of order: only the latest click's answer is shown,
  // and this page's first look at the counts only while no click has been made
  // (a click's answer is newer than it).
  var clicks = 0;
  fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { if (clicks === 0) show(data); })
    .catch(function () {});

  var form = bar.querySelector("form");
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button) return; // no submitter support: let the form post
    event.preventDefault();
    var kind = button.value || null;
    // Clicking the reaction already chosen takes it back.
    if (kind && button.getAttribute("aria-pressed") === "true") kind = null;
    var click = ++clicks;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ kind: kind })
    })
      .then(function (r) {
        return r.json().then(function (data) { return { ok: r.ok, data: data }; });
      })
      .then(function (result) {
        if (click !== clicks) return;
        if (result.ok) {
          show(result.data);
          if (status) status.textContent = kind ? "Reaction saved." : "Reaction removed.";
        } else if (status) {
          status.textContent = result.data.detail || "The reaction could not be saved.";
        }
      })
      .catch(function () {
        if (status) status.textContent = "The reaction could not be saved.";
      });
  });

  // Recommended for you is personal: fetched for this reader, never part of the cached page.
  var box = document.querySelector("[data-recommended][data-recommended-url]");
  var body = box && box.querySelector("[data-recommended-body]");
  if (box && body) {
    fetch(box.getAttribute("data-recommended-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null) body.innerHTML = html; })
      .catch(function () {});
  }
})();
