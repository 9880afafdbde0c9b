/* The desk's "Copy embed code" button: copies the iframe snippet from its
 * read-only textarea. Without JavaScript the button stays hidden and the
 * textarea can be selected and copied by hand.
 */
(function () {
  "use strict";
  var button = document.querySelector("[data-copy-embed]");
  var code = document.querySelector("[data-embed-code]");
  var status = document.querySelector("[data-copy-status]");
  if (!button || !code) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    function done(ok) {
      if (status) status.textContent = ok ? "Embed code copied." : "Select the code and copy it.";
    }
    code.focus();
    code.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(code.value).then(function () { done(true); }, function () { done(false); });
    } else {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
      done(ok);
    }
  });
})();
