/* Newsroom desk enhancements. Every form works without this script; it adds
 * Ctrl/Cmd+Enter, previews and publishing without a reload, and colleagues'
 * entries arriving live over the story's event stream. No dependencies. */
(function () {
  "use strict";

  var statusBox = document.querySelector("[data-desk-status]");

  function announce(text, isError) {
    if (!statusBox) return;
    var p = document.createElement("p");
    p.className = "desk-status__message" + (isError ? " desk-status__message--error" : "");
    p.textContent = text;
    statusBox.replaceChildren(p);
  }

  function csrfToken(form) {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fromHtml(html) {
    var t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  // --- composer --------------------------------------------------------------------

  var entryList = document.querySelector("[data-desk-entries]");

  function rowFor(id) {
    return document.getElementById("desk-entry-" + id);
  }

  function placeRow(node) {
    if (!entryList || !node) return;
    var old = rowFor(node.getAttribute("data-entry-id"));
    if (old) {
      old.replaceWith(node);
    } else {
      node.classList.add("desk-entry--new");
      entryList.prepend(node);
    }
    var empty = document.querySelector("[data-desk-empty]");
    if (empty) empty.hidden = true;
  }

  function setupComposer(form) {
    var body = form.querySelector("[data-composer-body]");
    var primary = form.querySelector("[data-submit-primary]");
    var pane = form.parentNode.querySelector("[data-preview-pane]");
    var preview = pane && pane.querySelector("[data-preview]");
    var busy = false;

    if (body && primary) {
      body.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          if (form.requestSubmit) form.requestSubmit(primary);
          else primary.click();
        }
      });
    }

    function showPreview() {
      var data = new FormData();
      data.set("body", body.value);
      fetch(form.getAttribute("data-preview-url"), {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      })
        .then(function (r) {
          return r.text().then(function (text) {
            if (!r.ok) throw new Error(text || "Preview failed (" + r.status + ").");
            return text;
          });
        })
        .then(function (html) {
          // The server's sanitised HTML, the same that readers will get.
          preview.innerHTML = html || "<p class=\"muted\">Nothing to preview.</p>";
          pane.hidden = false;
        })
        .catch(function (error) {
          announce(error.message, true);
        });
    }

    function publish(submitter) {
      if (busy) return;
      busy = true;
      submitter.disabled = true;
      var data = new FormData(form);
      data.set("action", "publish");
      // getAttribute: the buttons named "action" shadow the form's .action property.
      fetch(form.getAttribute("action"), {
        method: "POST",
        body: data,
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      })
        .then(function (r) {
          return r.json().then(
            function (json) { return { ok: r.ok, json: json }; },
            function () {
              return { ok: false, json: { detail: "The server answered " + r.status + "; your entry may not have been published. Reload to check before trying again." } };
            }
          );
        })
        .then(function (result) {
          if (!result.ok) {
            announce(result.json.detail, true);
            return;
          }
          placeRow(fromHtml(result.json.html));
          form.querySelectorAll("input[type=text], textarea").forEach(function (f) { f.value = ""; });
          form.querySelectorAll("input[type=checkbox]").forEach(function (f) { f.checked = false; });
          if (pane) pane.hidden = true;
          announce(result.json.detail || "Published.");
          body.focus();
        })
        .catch(function () {
          announce("The server could not be reached; your entry was not published. Try again.", true);
        })
        .finally(function () {
          busy = false;
          submitter.disabled = false;
        });
    }

    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || primary;
      if (submitter && submitter.value === "preview" && preview && window.fetch) {
        event.preventDefault();
        showPreview();
      } else if (form.hasAttribute("data-fetch-publish") && window.fetch && submitter) {
        if (!form.reportValidity()) return;
        event.preventDefault();
        publish(submitter);
      }
    });
  }

  document.querySelectorAll("form[data-composer]").forEach(setupComposer);

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // --- live: colleagues' changes over the story's event stream -------------------

  var story = document.querySelector("[data-desk-story][data-events-url]");
  if (!story || !entryList || !window.EventSource) return;

  var rowUrl = entryList.getAttribute("data-row-url");
  var notice = document.querySelector("[data-desk-notice]");

  function refreshRow(data, insert) {
    if (!insert && !rowFor(data.entry_id)) return;
    // The desk's own row carries this user's buttons; the event's fragment is the fallback.
    fetch(rowUrl.replace(/0\/$/, data.entry_id + "/"), { credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        if (html) placeRow(fromHtml(html));
      })
      .catch(function () {
        if (!data.html) return;
        var li = document.createElement("li");
        li.className = "desk-entry";
        li.id = "desk-entry-" + data.entry_id;
        li.setAttribute("data-entry-id", data.entry_id);
        li.append(fromHtml(data.html));
        placeRow(li);
      });
  }

  function tell(text) {
    if (!notice) return;
    notice.textContent = text;
    notice.hidden = false;
  }

  function on(kind, handler) {
    source.addEventListener(kind, function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      handler(data);
    });
  }

  var after = story.getAttribute("data-last-seq") || "0";
  var source = new EventSource(story.getAttribute("data-events-url") + "?after=" + encodeURIComponent(after));

  on("entry-published", function (data) {
    if (rowFor(data.entry_id)) return;
    refreshRow(data, true);
    announce("New entry published.");
  });
  ["entry-corrected", "entry-pinned", "entry-unpinned"].forEach(function (kind) {
    on(kind, function (data) { refreshRow(data, false); });
  });
  on("entry-deleted", function (data) {
    var row = rowFor(data.entry_id);
    if (row) row.remove();
  });
  // Forms holding a version are left alone: reloading is the editor's choice.
  on("key-points-changed", function () { tell("The key points were changed elsewhere. Reload before editing them."); });
  on("story-changed", function () { tell("The headline or standfirst was changed elsewhere. Reload before editing them."); });
  on("status-changed", function (data) { tell("The story's status is now " + data.status + ". Reload to see it."); });
  on("reset", function () { tell("This page has fallen behind the live stream. Reload to catch up."); });
})();
