/* Embed cards: the provider's frame only when the reader asks for it.
   No dependencies. The card is a static snapshot served by this site; nothing is
   requested from the provider until the reader follows "Play video" / "Load the post
   from X" (without this script that link opens the post on the provider's site).
   "Always load from X" is kept in this browser (localStorage) and loads that
   provider's cards at once, on this page and later ones.
   Works for cards already on the page and cards inserted later (live entries, the
   desk's preview): clicks are handled on the document, new cards are found by a
   MutationObserver. The frame fills the card's box, which has its final size from
   the start, so loading moves nothing. DOM hooks: figure[data-embed-card]. */
(function () {
  "use strict";
  var KEY = "newsdesk:embeds:always";
  var SELECTOR = "[data-embed-card][data-embed-status=ok]";

  function always() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }
  function remember(provider, on) {
    var list = always().filter(function (p) { return p !== provider; });
    if (on) list.push(provider);
    try { window.localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* private mode: this page only */ }
  }

  function load(card, focus) {
    if (card.dataset.embedLoaded) return;
    var src = card.dataset.embedFrame || "";
    var box = card.querySelector("[data-embed-box]");
    if (src.indexOf("https://") !== 0 || !box) return;
    var frame = document.createElement("iframe");
    frame.className = "embed-card__frame";
    frame.title = card.dataset.embedTitle || card.dataset.embedLabel || "Embedded content";
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture; clipboard-write");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    // The provider's page may run its own scripts in its frame, never navigate this one.
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation allow-forms");
    frame.src = src;
    box.replaceChildren(frame);
    card.dataset.embedLoaded = "true";
    if (focus) frame.focus();
  }

  function loadProvider(provider) {
    document.querySelectorAll(SELECTOR).forEach(function (card) {
      if (card.dataset.embedCard === provider) { load(card, false); addStop(card); }
    });
  }

  // On a card that loaded by itself: the way to stop that.
  function addStop(card) {
    var caption = card.querySelector(".embed-card__caption");
    if (!caption || caption.querySelector("[data-embed-stop]")) return;
    var stop = document.createElement("button");
    stop.type = "button";
    stop.className = "embed-card__stop";
    stop.dataset.embedStop = "";
    stop.textContent = "Stop loading from " + card.dataset.embedLabel + " by itself";
    caption.appendChild(stop);
  }

  function decorate(card) {
    if (card.dataset.embedReady || !card.dataset.embedFrame) return;
    card.dataset.embedReady = "true";
    if (always().indexOf(card.dataset.embedCard) >= 0) {
      load(card, false);
      addStop(card);
      return;
    }
    var actions = card.querySelector("[data-embed-actions]");
    if (!actions || !actions.parentNode) return;
    var label = document.createElement("label");
    label.className = "embed-card__always";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.embedAlways = "";
    label.append(box, " Always load from " + card.dataset.embedLabel);
    // Into the strip the face keeps free at its foot (embeds.css): nothing moves.
    actions.parentNode.appendChild(label);
  }

  function scan(root) {
    if (root.nodeType !== 1) return;
    if (root.matches(SELECTOR)) decorate(root);
    root.querySelectorAll(SELECTOR).forEach(decorate);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var stop = target.closest("[data-embed-stop]");
    if (stop) {
      var owner = stop.closest("[data-embed-card]");
      if (owner) remember(owner.dataset.embedCard, false);
      stop.textContent = "Not loaded by itself from now on";
      stop.disabled = true;
      return;
    }
    var link = target.closest("[data-embed-load]");
    var card = link && link.closest("[data-embed-card]");
    if (!card || !card.dataset.embedFrame) return;
    // A new tab or window: the link opens the post on the provider's site.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    load(card, true);
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof Element) || !box.matches("[data-embed-always]")) return;
    var card = box.closest("[data-embed-card]");
    if (!card) return;
    remember(card.dataset.embedCard, box.checked);
    if (!box.checked) return;
    load(card, true);
    addStop(card);
    loadProvider(card.dataset.embedCard);
  });

  scan(document.documentElement);
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      records.forEach(function (record) { record.addedNodes.forEach(scan); });
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
})();
