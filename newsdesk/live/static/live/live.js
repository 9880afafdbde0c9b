/* Newsdesk live story page: applies the story's event stream to the page.
   No dependencies. The page works without it; this only adds live updates.
   Stream contract: docs/events.md. DOM hooks: main#story[data-events-url][data-last-seq]. */
(function () {
  "use strict";
  var main = document.getElementById("story");
  if (!main || !main.dataset.eventsUrl || !window.EventSource) return;
  var $ = function (sel, root) { return (root || main).querySelector(sel); };
  var entries = $("[data-entries]");
  var pinned = $("[data-pinned]");
  var announcer = $("[data-announcer]");
  var latest = $("[data-latest]"); // an older page: new entries belong to the latest one
  var baseTitle = document.title;
  var headline = ($("[data-headline]") || {}).textContent || "";
  var held = []; // new entries waiting for the reader (scrolled down)
  var unseen = 0; // inserted while the tab was hidden
  var source = null;

  var script = document.currentScript;
  if (script && script.src) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = script.src.replace(/live\.js(\?.*)?$/, "live.css");
    document.head.appendChild(css);
  }

  var pill = document.createElement("button");
  pill.type = "button";
  pill.className = "live-pill";
  pill.hidden = true;
  pill.addEventListener("click", function () {
    if (latest) { window.location.href = latest.href; return; }
    flush(false);
    var first = entries.firstElementChild;
    (entries.closest("section") || entries).scrollIntoView({ block: "start" });
    if (first) { first.setAttribute("tabindex", "-1"); first.focus({ preventScroll: true }); }
  });
  if (entries) entries.parentNode.insertBefore(pill, entries);

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content.firstElementChild;
  }
  function copies(id) { return main.querySelectorAll('[data-entry-id="' + id + '"]'); }
  function atTop() {
    if (!entries) return true;
    return entries.getBoundingClientRect().top >= -40;
  }
  // Keep what the reader is looking at still while content above it changes.
  function steady(change) {
    if (atTop()) { change(); return; }
    var anchor = null, before = 0;
    var list = main.querySelectorAll("article.entry, [data-key-points], [data-reactions]");
    for (var i = 0; i < list.length; i++) {
      var top = list[i].getBoundingClientRect().top;
      if (top >= 0) { anchor = list[i]; before = top; break; }
    }
    change();
    if (anchor && anchor.isConnected) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
  }
  function refreshTitle() {
    var n = held.length + (document.hidden ? unseen : 0);
    document.title = (n ? "(" + n + ") " : "") + baseTitle;
    pill.hidden = held.length === 0;
    pill.textContent = held.length === 1 ? "1 new update" : held.length + " new updates";
  }
  function announce(el) {
    if (!announcer || !el) return;
    var title = $(".entry__title", el);
    var text = (title ? title.textContent : ($(".entry__body", el) || el).textContent).trim();
    var words = text.split(/\s+/);
    if (!title && words.length > 12) text = words.slice(0, 12).join(" ") + "…";
    announcer.textContent = "New update: " + text;
  }
  function insert(el, animate) {
    var empty = $(".stream__empty");
    if (empty) empty.remove();
    if (animate) el.classList.add("entry--arriving");
    entries.insertBefore(el, entries.firstElementChild);
    tick(el);
  }
  function flush(animate) {
    var batch = held;
    held = [];
    steady(function () { for (var i = 0; i < batch.length; i++) insert(batch[i], animate); });
    refreshTitle();
  }
  function published(d) {
    var el = fragment(d.html);
    if (!el) return;
    if (copies(d.entry_id).length) { corrected(d); return; }
    if (d.pinned && pinned) pinned.replaceChildren(fragment(d.html));
    if (!entries) return;
    if (document.hidden) unseen++;
    if (!latest && atTop() && held.length === 0) insert(el, true);
    else held.unshift(el);
    announce(el);
    refreshTitle();
  }
  function corrected(d) {
    steady(function () {
      copies(d.entry_id).forEach(function (old) { var el = fragment(d.html); old.replaceWith(el); tick(el); });
    });
    held = held.map(function (el) { return el.dataset.entryId == d.entry_id ? fragment(d.html) : el; });
  }
  function deleted(d) {
    steady(function () { copies(d.entry_id).forEach(function (el) { el.remove(); }); });
    held = held.filter(function (el) { return el.dataset.entryId != d.entry_id; });
    refreshTitle();
  }
  function pinChange(d, on) {
    steady(function () {
      if (pinned) {
        if (on) pinned.replaceChildren(fragment(d.html));
        else { var el = $('[data-entry-id="' + d.entry_id + '"]', pinned); if (el) el.remove(); }
      }
      if (entries) $$each(entries, d);
    });
  }
  function $$each(root, d) {
    root.querySelectorAll('[data-entry-id="' + d.entry_id + '"]').forEach(function (old) { old.replaceWith(fragment(d.html)); });
  }
  function touch(iso) {
    var t = $("[data-updated]");
    if (!t || !iso) return;
    t.setAttribute("datetime", iso);
    t.textContent = new Date(iso).toLocaleString([], { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // Relative times: "3 min ago" for the last day; the exact time stays in datetime and the tooltip.
  function tick(root) {
    var now = Date.now();
    (root || main).querySelectorAll("time[data-relative]").forEach(function (t) {
      var when = Date.parse(t.getAttribute("datetime"));
      if (isNaN(when)) return;
      if (!t.dataset.exact) { t.dataset.exact = t.innerHTML; t.title = t.textContent.trim(); }
      var min = Math.floor((now - when) / 60000);
      if (min < 0 || min >= 1440) { t.innerHTML = t.dataset.exact; return; }
      t.textContent = min < 1 ? "just now" : min < 60 ? min + " min ago" : Math.floor(min / 60) + " h ago";
    });
  }

  var handlers = {
    "entry-published": published,
    "entry-corrected": corrected,
    "entry-deleted": deleted,
    "entry-pinned": function (d) { pinChange(d, true); },
    "entry-unpinned": function (d) { pinChange(d, false); },
    "key-points-changed": function (d) {
      var k = $("[data-key-points]");
      if (k) steady(function () { k.innerHTML = d.html; });
    },
    "story-changed": function (d) {
      var h = $("[data-headline]"), s = $("[data-standfirst]");
      if (h) h.textContent = d.headline;
      if (s) s.textContent = d.standfirst;
      if (headline && baseTitle.indexOf(headline) === 0) baseTitle = d.headline + baseTitle.slice(headline.length);
      headline = d.headline;
      refreshTitle();
    },
    "status-changed": function (d) {
      var b = $("[data-status-badge]");
      if (b) { b.dataset.status = d.status; b.textContent = d.status === "live" ? "LIVE" : "ENDED"; }
      if (d.status === "ended" && source) { source.close(); source = null; }
    },
    reactions: function (d) {
      var counts = (d && d.counts) || {};
      Object.keys(counts).forEach(function (kind) {
        var el = document.querySelector('[data-reactions] [data-reaction-count="' + kind + '"]');
        if (el) el.textContent = counts[kind];
      });
    },
    reset: function () { window.location.reload(); }
  };

  function connect() {
    var url = main.dataset.eventsUrl;
    var after = main.dataset.lastSeq;
    if (after !== undefined && after !== "") url += (url.indexOf("?") < 0 ? "?" : "&") + "after=" + encodeURIComponent(after);
    source = new EventSource(url);
    Object.keys(handlers).forEach(function (kind) {
      source.addEventListener(kind, function (e) {
        var d = {};
        try { d = JSON.parse(e.data); } catch (err) { return; }
        if (e.lastEventId) main.dataset.lastSeq = e.lastEventId;
        handlers[kind](d);
        if (d.updated_at && kind !== "reactions") touch(d.updated_at);
      });
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) unseen = 0;
    refreshTitle();
  });
  var scrolling = false;
  window.addEventListener("scroll", function () {
    if (scrolling) return;
    scrolling = true;
    window.requestAnimationFrame(function () {
      scrolling = false;
      if (held.length && !latest && atTop()) flush(true);
    });
  }, { passive: true });
  tick();
  window.setInterval(tick, 30000);
  if (main.dataset.live !== "false" && ($("[data-status-badge]") || { dataset: {} }).dataset.status !== "ended") connect();
})();
