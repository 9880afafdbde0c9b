/* Every <time datetime> in the reader's own time zone.
 *
 * The server renders the site's zone (NEWSDESK_TIME_ZONE) with the zone's name;
 * this script rewrites each time's text in the reader's zone, with that zone's
 * name, and never touches the exact `datetime` attribute. Times added or
 * changed later (live entries, the "Updated" time) are converted as they
 * change. On entry times (`data-relative`) the live script shows "3 min ago"
 * for recent updates: the text here becomes its exact fallback
 * (`data-exact`) and tooltip. Without JavaScript the server's times stand.
 */
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;

  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var clock = new Intl.DateTimeFormat(undefined, options);
  var dayClock = new Intl.DateTimeFormat(undefined, Object.assign({ day: "numeric", month: "short" }, options));
  var fullClock = new Intl.DateTimeFormat(undefined, Object.assign({ day: "numeric", month: "long", year: "numeric" }, options));
  var dayKey = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function render(node, now) {
    var date = new Date(node.getAttribute("datetime"));
    if (isNaN(date)) return;
    // A time that names its year on the server (story dates) keeps the long form.
    var long = node.hasAttribute("data-long") || /\d{4}/.test(node.textContent);
    if (long) node.setAttribute("data-long", "");
    var text = long ? fullClock.format(date) : dayKey.format(date) === dayKey.format(now) ? clock.format(date) : dayClock.format(date);
    node.title = fullClock.format(date);
    node.setAttribute("data-local-zone", zone);
    if (node.hasAttribute("data-relative")) {
      var relativeShown = node.dataset.exact !== undefined && node.textContent !== node.dataset.exact;
      node.dataset.exact = escapeHtml(text);
      if (relativeShown) return;
    }
    if (node.textContent !== text) node.textContent = text;
  }

  function renderAll(root) {
    var now = new Date();
    root.querySelectorAll("time[datetime]").forEach(function (node) { render(node, now); });
  }

  renderAll(document);

  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      var now = new Date();
      records.forEach(function (record) {
        if (record.type === "attributes") {
          render(record.target, now);
          return;
        }
        record.addedNodes.forEach(function (added) {
          if (added.nodeType !== 1) return;
          if (added.matches("time[datetime]")) render(added, now);
          else renderAll(added);
        });
      });
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["datetime"] });
  }
})();
