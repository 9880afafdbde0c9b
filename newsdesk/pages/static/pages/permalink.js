/* `#entry-<id>` links that land on a page without that entry (it has scrolled
 * to an older page) are sent to `?entry=<id>#entry-<id>`, which the server
 * answers with the page that holds it.
 */
(function () {
  "use strict";
  var match = /^#entry-(\d+)$/.exec(window.location.hash);
  if (!match || document.getElementById("entry-" + match[1])) return;
  var main = document.querySelector("main[data-story-id]");
  if (!main) return;
  var params = new URLSearchParams(window.location.search);
  if (params.get("entry") === match[1]) return;
  params.delete("before");
  params.set("entry", match[1]);
  window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
})();
