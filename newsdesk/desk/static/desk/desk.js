/* Newsroom desk enhancements. Every form works without this script; it adds
 * Ctrl/Cmd+Enter, previews and publishing without a reload, photos uploaded
 * as soon as they are picked, dropped or pasted (with progress), the photo
 * library in a dialog, and colleagues' entries arriving live over the story's
 * event stream. No dependencies. */
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
    var photos = setupPhotos(form, primary);
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
          if (photos) photos.clear();
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
      var saving = submitter && (submitter.value === "publish" || submitter.value === "save");
      if (saving && photos && photos.refuse()) {
        // Said before the click by the line under the button; now the field gets the focus.
        event.preventDefault();
        return;
      }
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


  // --- photos: upload, describe, order, library --------------------------------------

  function sizeText(bytes) {
    // As the server writes sizes (media/processing.py size_text).
    var mb = 1048576;
    if (bytes >= 10 * mb) return Math.round(bytes / mb).toLocaleString("en") + " MB";
    if (bytes >= mb) return (bytes / mb).toFixed(1) + " MB";
    return Math.round(Math.max(bytes, 1024) / 1024).toLocaleString("en") + " KB";
  }

  function hasFiles(transfer) {
    return !!transfer && Array.prototype.indexOf.call(transfer.types || [], "Files") >= 0;
  }

  function setupPhotos(form, primary) {
    var box = form.querySelector("[data-photos]");
    if (!box || !window.FormData || !window.XMLHttpRequest) return null;
    var cards = box.querySelector("[data-photo-cards]");
    var input = box.querySelector("[data-photo-input]");
    var status = box.querySelector("[data-photo-status]");
    var blocker = form.querySelector("[data-publish-blocker]");
    var uploadUrl = box.getAttribute("data-upload-url");
    var maxBytes = parseInt(box.getAttribute("data-max-bytes"), 10) || 0;
    var maxText = box.getAttribute("data-max-text");
    var queue = [];
    var running = 0;
    var CONCURRENT = 2;

    // The script uploads at once; the no-script button and the drop hint trade places.
    var attach = box.querySelector("[data-photo-attach]");
    if (attach) attach.hidden = true;
    var dropHint = box.querySelector("[data-photo-drop-hint]");
    if (dropHint) dropHint.hidden = false;

    function say(text) {
      var p = document.createElement("p");
      p.textContent = text;
      status.replaceChildren(p);
    }

    function all() { return Array.prototype.slice.call(cards.children); }
    function ready(li) { return li.hasAttribute("data-photo-card"); }

    function nameOf(li) {
      var legend = li.querySelector("legend, [data-photo-name]");
      return legend ? legend.textContent.replace(/\s+/g, " ").trim() : "a photo";
    }

    function described(li) {
      var alt = li.querySelector("[data-photo-alt]");
      var deco = li.querySelector("[data-photo-decorative]");
      var problem = li.querySelector("[data-photo-problem]");
      if (!alt) return !problem || problem.hidden; // a photo this user cannot describe
      return alt.value.trim() !== "" || (deco && deco.checked);
    }

    function renumber() {
      all().forEach(function (li, n) {
        li.querySelectorAll("[data-photo-number]").forEach(function (s) { s.textContent = String(n + 1); });
      });
    }

    // Why Publish cannot go ahead yet: the same sentence the server would write.
    function check() {
      var missing = [], pending = 0, first = null;
      all().forEach(function (li, n) {
        if (!ready(li)) {
          if (li.hasAttribute("data-photo-pending")) pending++;
          return;
        }
        var ok = described(li);
        var alt = li.querySelector("[data-photo-alt]");
        var problem = li.querySelector("[data-photo-problem]");
        li.classList.toggle("photo-card--needs-alt", !ok);
        if (problem) problem.hidden = ok;
        if (alt) {
          if (ok) alt.removeAttribute("aria-invalid");
          else alt.setAttribute("aria-invalid", "true");
        }
        if (!ok) {
          var file = li.querySelector("legend").textContent.replace(/^Photo \d+:?\s*/, "").trim();
          missing.push("photo " + (n + 1) + (file ? " (" + file + ")" : ""));
          if (!first) first = alt || li.querySelector("button");
        }
      });
      var reasons = [];
      if (pending) reasons.push(pending === 1 ? "Wait for 1 photo to finish uploading." : "Wait for " + pending + " photos to finish uploading.");
      if (missing.length) reasons.push("Add alt text to " + missing.join(", ") + ", or mark it decorative, to publish.");
      var text = reasons.join(" ");
      if (blocker) {
        blocker.textContent = text;
        blocker.hidden = !text;
      }
      if (primary) {
        if (text) primary.setAttribute("aria-disabled", "true");
        else primary.removeAttribute("aria-disabled");
      }
      return { text: text, focus: first || (pending ? cards.querySelector("[data-photo-pending]") : null) };
    }

    function refuse() {
      var state = check();
      if (!state.text) return false;
      announce(state.text, true);
      if (state.focus) {
        if (!state.focus.matches("textarea, input, button")) state.focus.setAttribute("tabindex", "-1");
        state.focus.focus();
      }
      return true;
    }

    function addCard(html) {
      var li = fromHtml(html);
      var id = li.getAttribute("data-media-id");
      if (cards.querySelector('[data-photo-card][data-media-id="' + id + '"]')) return null;
      cards.appendChild(li);
      return li;
    }

    // --- uploading -------------------------------------------------------------------

    function pendingCard(file) {
      var li = document.createElement("li");
      li.className = "photo-card photo-card--pending";
      li.setAttribute("data-photo-pending", "");
      var name = document.createElement("p");
      name.className = "photo-card__legend";
      name.setAttribute("data-photo-name", "");
      name.textContent = file.name || "Pasted photo";
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", "Uploading " + name.textContent);
      var note = document.createElement("p");
      note.className = "photo-card__note";
      note.textContent = "Waiting to upload…";
      li.append(name, bar, note);
      return li;
    }

    function failed(li, file, detail, canRetry) {
      li.removeAttribute("data-photo-pending");
      li.setAttribute("data-photo-failed", "");
      li.className = "photo-card photo-card--failed";
      var bar = li.querySelector("progress");
      if (bar) bar.remove();
      var note = li.querySelector(".photo-card__note");
      note.className = "photo-card__problem";
      note.setAttribute("role", "alert");
      note.textContent = detail;
      var actions = document.createElement("div");
      actions.className = "actions";
      if (canRetry) {
        var again = document.createElement("button");
        again.type = "button";
        again.className = "button";
        again.textContent = "Try again";
        again.addEventListener("click", function () {
          var fresh = pendingCard(file);
          li.replaceWith(fresh);
          fresh.setAttribute("tabindex", "-1");
          fresh.focus();
          enqueue(fresh, file);
        });
        actions.append(again);
      }
      var dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "button";
      dismiss.textContent = "Dismiss";
      dismiss.addEventListener("click", function () {
        li.remove();
        renumber();
        check();
        (input || primary).focus();
      });
      actions.append(dismiss);
      li.append(actions);
      renumber();
      check();
      say((file.name || "The pasted photo") + " was not added: " + detail);
    }

    function send(li, file) {
      running++;
      var note = li.querySelector(".photo-card__note");
      var bar = li.querySelector("progress");
      note.textContent = "Uploading…";
      var data = new FormData();
      data.append("file", file, file.name || "pasted-photo");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", uploadUrl);
      xhr.responseType = "json";
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var pct = Math.round((e.loaded / e.total) * 100);
        bar.value = pct;
        note.textContent = pct < 100 ? "Uploading… " + pct + "%" : "Processing…";
      });
      xhr.addEventListener("load", function () {
        var json = xhr.response || {};
        if (xhr.status === 201 && json.card) {
          var card = fromHtml(json.card);
          li.replaceWith(card);
          renumber();
          check();
          var alt = card.querySelector("[data-photo-alt]");
          say((json.filename || "The photo") + " uploaded." + (json.described ? "" : " Add its alt text to publish."));
          if (alt && !json.described && (document.activeElement === document.body || document.activeElement === input)) alt.focus();
        } else {
          var detail = json.detail || "The server answered " + xhr.status + "; the photo was not added.";
          failed(li, file, detail, xhr.status >= 500 || xhr.status === 0);
        }
      });
      xhr.addEventListener("error", function () {
        failed(li, file, "The server could not be reached; the photo was not added. Try again.", true);
      });
      xhr.addEventListener("loadend", function () {
        running--;
        next();
      });
      xhr.send(data);
    }

    function next() {
      while (running < CONCURRENT && queue.length) {
        var job = queue.shift();
        if (job.li.isConnected) send(job.li, job.file);
      }
      check();
    }

    function enqueue(li, file) {
      queue.push({ li: li, file: file });
      next();
    }

    function take(files) {
      var list = Array.prototype.slice.call(files || []);
      if (!list.length) return;
      list.forEach(function (file) {
        var li = pendingCard(file);
        cards.appendChild(li);
        if (maxBytes && file.size > maxBytes) {
          // The server would refuse it too; no need to send it over a slow line first.
          failed(li, file, "The file is " + sizeText(file.size) + "; the limit is " + maxText + ". Export a smaller version and upload that.", false);
          return;
        }
        enqueue(li, file);
      });
      renumber();
      say(list.length === 1 ? "Uploading 1 photo." : "Uploading " + list.length + " photos.");
      check();
    }

    if (input) {
      input.addEventListener("change", function () {
        take(input.files);
        input.value = "";
      });
    }

    // Drop photos anywhere on the form; text dropped into a field is left alone.
    var depth = 0;
    form.addEventListener("dragenter", function (e) {
      if (!hasFiles(e.dataTransfer)) return;
      depth++;
      form.classList.add("composer--drop");
    });
    form.addEventListener("dragover", function (e) {
      if (!hasFiles(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    });
    form.addEventListener("dragleave", function (e) {
      if (!hasFiles(e.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (!depth) form.classList.remove("composer--drop");
    });
    form.addEventListener("drop", function (e) {
      depth = 0;
      form.classList.remove("composer--drop");
      if (!hasFiles(e.dataTransfer) || !e.dataTransfer.files.length) return;
      e.preventDefault();
      take(e.dataTransfer.files);
    });
    // Paste a photo (a screenshot, a picture copied from another app); text pastes as text.
    form.addEventListener("paste", function (e) {
      var data = e.clipboardData;
      if (!data || !data.files || !data.files.length) return;
      if (Array.prototype.indexOf.call(data.types || [], "text/plain") >= 0) return;
      e.preventDefault();
      take(data.files);
    });

    // --- describing, ordering, removing ------------------------------------------------

    cards.addEventListener("input", check);
    cards.addEventListener("change", check);
    cards.addEventListener("keydown", function (e) {
      // Enter in a caption or credit would send the whole form.
      if (e.key === "Enter" && e.target.matches("input[type=text]")) e.preventDefault();
    });
    cards.addEventListener("click", function (e) {
      var button = e.target.closest("[data-photo-move], [data-photo-remove]");
      if (!button) return;
      e.preventDefault();
      var li = button.closest("[data-photo-card]");
      if (button.hasAttribute("data-photo-remove")) {
        var after = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        renumber();
        check();
        say("Photo removed from the entry (it stays in the library).");
        var target = after && after.querySelector("[data-photo-remove]");
        (target || input || primary).focus();
        return;
      }
      var up = button.getAttribute("data-photo-move") === "up";
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) {
        say(up ? "This photo is already first." : "This photo is already last.");
        return;
      }
      if (up) other.before(li);
      else other.after(li);
      renumber();
      check();
      button.focus();
      say("Photo moved to position " + (all().indexOf(li) + 1) + " of " + all().length + ".");
    });

    // --- the library -----------------------------------------------------------------

    var opener = box.querySelector("[data-library-open]");
    if (opener) {
      opener.addEventListener("click", function (e) {
        if (!library.open(opener, function (item, button) {
          var li = addCard(item.card);
          if (!li) return false;
          renumber();
          check();
          say("Photo added to the entry: " + (item.alt || item.filename || "no description") + ".");
          return true;
        }, function (id) {
          return !!cards.querySelector('[data-photo-card][data-media-id="' + id + '"]');
        })) return;
        e.preventDefault();
      });
    }

    check();
    return {
      refuse: refuse,
      clear: function () {
        cards.replaceChildren();
        queue = [];
        status.replaceChildren();
        check();
      },
    };
  }

  // One dialog per page: search the newest photos, pick one or several.
  var library = (function () {
    var dialog = document.querySelector("[data-library-dialog]");
    var api = { open: function () { return false; } };
    if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) return api;
    var url = dialog.getAttribute("data-library-url");
    var results = dialog.querySelector("[data-library-results]");
    var more = dialog.querySelector("[data-library-more]");
    var q = dialog.querySelector("[data-library-q]");
    var statusLine = dialog.querySelector("[data-library-status]");
    var state = { pick: null, has: null, opener: null, next: null, query: "" };
    var timer = null;

    function item(photo) {
      var li = document.createElement("li");
      li.className = "library-item";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "library-pick";
      if (photo.thumb) {
        var img = document.createElement("img");
        img.className = "library-item__thumb";
        img.src = photo.thumb.url;
        img.width = photo.thumb.width;
        img.height = photo.thumb.height;
        img.alt = "";
        img.loading = "lazy";
        button.append(img);
      }
      var text = document.createElement("span");
      text.className = "library-item__text";
      text.textContent = photo.alt || photo.caption || photo.filename || "No description";
      button.append(text);
      var meta = document.createElement("span");
      meta.className = "library-item__meta";
      button.append(meta);
      function mark() {
        var taken = state.has && state.has(photo.id);
        button.disabled = !!taken;
        meta.textContent = taken ? "Added" : photo.described ? photo.filename || "" : "No alt text yet";
        button.setAttribute("aria-label", (taken ? "Added: " : "Add: ") + text.textContent + (photo.described ? "" : " (no alt text yet)"));
      }
      mark();
      button.addEventListener("click", function () {
        if (state.pick(photo, button) !== false) mark();
      });
      li.append(button);
      return li;
    }

    function load(append) {
      var params = new URLSearchParams();
      if (state.query) params.set("q", state.query);
      if (append && state.next) params.set("before", state.next);
      statusLine.textContent = "Loading photos…";
      return fetch(url + (params.toString() ? "?" + params : ""), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (r) {
          if (!r.ok) throw new Error("The library could not be loaded (" + r.status + "). Try again.");
          return r.json();
        })
        .then(function (json) {
          if (!append) results.replaceChildren();
          json.items.forEach(function (photo) { results.append(item(photo)); });
          state.next = json.next;
          more.hidden = !json.next;
          var count = results.children.length;
          statusLine.textContent = count
            ? count + (count === 1 ? " photo" : " photos") + (state.query ? " match “" + state.query + "”." : ", newest first.")
            : state.query ? "No photo matches “" + state.query + "”." : "The library is empty.";
        })
        .catch(function (error) {
          statusLine.textContent = error.message || "The library could not be loaded. Try again.";
        });
    }

    dialog.querySelector("[data-library-search]").addEventListener("submit", function (e) {
      e.preventDefault();
      state.query = q.value.trim();
      load(false);
    });
    q.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (q.value.trim() === state.query) return;
        state.query = q.value.trim();
        load(false);
      }, 300);
    });
    more.addEventListener("click", function () { load(true); });
    dialog.querySelector("[data-library-close]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () {
      if (state.opener) state.opener.focus();
    });

    api.open = function (opener, pick, has) {
      state.opener = opener;
      state.pick = pick;
      state.has = has;
      state.query = "";
      state.next = null;
      q.value = "";
      results.replaceChildren();
      dialog.showModal();
      q.focus();
      load(false);
      return true;
    };
    return api;
  })();

  // The story image (editors): pick from the library dialog, then the form is sent as it is.
  document.querySelectorAll("[data-story-image-form]").forEach(function (form) {
    var opener = form.querySelector("[data-library-open]");
    var field = form.querySelector("[data-story-image-input]");
    if (!opener || !field) return;
    opener.addEventListener("click", function (e) {
      var opened = library.open(opener, function (photo) {
        field.value = String(photo.id);
        form.submit();
        return true;
      }, null);
      if (opened) e.preventDefault();
    });
  });

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
