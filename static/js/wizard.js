// Autosave for the questionnaire, in batches.
//
// Every change (a rating, a target, a comment) gets a sequence number and waits in `pending`;
// the page sends what changed at most once per BATCH_DELAY of activity, at once on a step
// change, and with `keepalive` when the page is hidden or closed. One batch is in flight at a
// time; a batch that fails goes back into `pending` (where a newer change of the same question
// wins) and is retried with backoff until it lands. The server keeps, per answer, the change
// with the highest number, so a late batch never overwrites a newer one. An answer shows
// "Saved" only once the server confirmed its latest number. Until then every change is also
// kept in localStorage, so even a crash or a closed tab loses nothing: the next page of this
// questionnaire sends it. No inline scripts anywhere, so a strict CSP can forbid them.
(function () {
  "use strict";

  var root = document.getElementById("save-status");
  if (!root || !window.fetch || !window.JSON) return;

  var BATCH_DELAY = Number(root.dataset.batchDelay || 2000);
  var BACKOFF_MAX = 30000;
  var KEEPALIVE_MAX_BYTES = 60000; // browsers cap keepalive bodies at 64 KiB in total
  var url = root.dataset.batchUrl;
  var storeKey = "resonance-unsaved:" + url;
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrfToken = tokenInput ? tokenInput.value : "";

  var lastSeq = Number(root.dataset.seqBase || 0);
  var latest = {};     // question code -> number of the newest change made on this page
  var pending = {};    // question code -> change not sent yet
  var inflight = null; // the batch on its way: {items: [...], promise}
  var flushTimer = null;
  var retryTimer = null;
  var failures = 0;
  var locked = "";     // the server said these answers can no longer change
  var waiters = [];    // callbacks waiting until nothing is left to save

  // Words come from Django's JavaScript catalog (/jsi18n/, loaded before this script); without
  // it the English text shows.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (format, values) {
    return format.replace(/%\((\w+)\)s/g, function (match, key) { return String(values[key]); });
  };
  var MESSAGES = {
    Saving: gettext("Saving…"),
    AllSaved: gettext("All your answers are saved."),
    Retrying: gettext("Not saved yet: the server did not answer. Trying again by itself; your choice stays on this page."),
    Offline: gettext("Not saved yet: no connection. Trying again by itself; your choice stays on this page."),
    Session: gettext("Not saved yet: your session may have expired. Reload the page; your choices are kept on this device."),
    NotSaved: gettext("Not saved."),
    PickFirst: gettext("Pick a point on the scale, or “don't know”, to save this answer and its comment."),
  };

  function message(name) { return MESSAGES[name] || ""; }

  function waitingMessage(count) {
    return interpolate(
      ngettext("Answers waiting to be saved: %(count)s.", "Answers waiting to be saved: %(count)s.", count),
      { count: count },
      true
    );
  }

  function savedMessage(time) {
    return time ? interpolate(gettext("Saved %(time)s"), { time: time }, true) : gettext("Saved");
  }

  // Above both what the server holds and what this device numbered before (another page,
  // another device whose clock runs behind).
  function nextSeq() {
    lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
    return lastSeq;
  }

  // --- The copy on this device ------------------------------------------------------------

  function loadStored() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; }
    catch (error) { return {}; }
  }

  function saveStored(stored) {
    try {
      if (Object.keys(stored).length) window.localStorage.setItem(storeKey, JSON.stringify(stored));
      else window.localStorage.removeItem(storeKey);
    } catch (error) { /* storage full or disabled: the page still holds the change */ }
  }

  function remember(change) {
    var stored = loadStored();
    if (!stored[change.question] || stored[change.question].seq < change.seq) {
      stored[change.question] = change;
      saveStored(stored);
    }
  }

  function forget(code, seq) {
    var stored = loadStored();
    if (stored[code] && stored[code].seq <= seq) {
      delete stored[code];
      saveStored(stored);
    }
  }

  // --- What the person sees ---------------------------------------------------------------

  function formOf(code) {
    var forms = document.querySelectorAll("form.question");
    for (var i = 0; i < forms.length; i++) if (forms[i].dataset.code === code) return forms[i];
    return null;
  }

  function feedback(code, kind, text) {
    var form = formOf(code);
    var box = form && form.querySelector(".save-feedback");
    if (!box) return;
    var span = document.createElement(kind === "error" ? "div" : "span");
    if (kind === "saved") {
      span.className = "text-success";
      span.textContent = "✓ " + text;
      form.classList.add("is-answered");
    } else if (kind === "error") {
      span.className = "text-danger";
      span.setAttribute("role", "alert");
      var strong = document.createElement("strong");
      strong.textContent = message("NotSaved") + " ";
      span.appendChild(strong);
      span.appendChild(document.createTextNode(text));
    } else {
      span.className = kind === "waiting" ? "text-body-secondary" : "text-warning-emphasis";
      span.textContent = text;
    }
    // The box is a live region: repeating the same words would announce them again.
    if (box.textContent !== span.textContent) {
      box.textContent = "";
      box.appendChild(span);
    }
  }

  function unsavedCount() {
    var codes = {};
    Object.keys(pending).forEach(function (code) { codes[code] = true; });
    if (inflight) inflight.items.forEach(function (change) { codes[change.question] = true; });
    return Object.keys(codes).length;
  }

  function showStatus(text) {
    if (text !== undefined) { root.textContent = text; return; }
    var count = unsavedCount();
    if (locked) root.textContent = locked;
    else if (count) root.textContent = waitingMessage(count);
    else root.textContent = message("AllSaved");
  }

  function setProgress(box, answered, total) {
    if (!box) return;
    var bar = box.querySelector("progress");
    var text = box.querySelector("progress + span");
    if (bar) { bar.value = answered; bar.max = total; }
    // "3 of 16 answered in this part": only the number answered changes, wherever the
    // language puts it in the sentence.
    if (text && text.dataset.format) text.textContent = interpolate(text.dataset.format, { answered: answered }, true);
    else if (text) text.textContent = text.textContent.replace(/\d+/, String(answered));
  }

  function showProgress(progress) {
    Object.keys(progress || {}).forEach(function (code) {
      var answered = progress[code][0], total = progress[code][1];
      if (code === "*") { setProgress(document.getElementById("overall-progress"), answered, total); return; }
      var nav = document.getElementById("nav-count-" + code);
      if (nav) nav.textContent = answered + "/" + total;
      if (code === root.dataset.step) setProgress(document.getElementById("step-progress"), answered, total);
    });
  }

  // --- Recording changes ------------------------------------------------------------------

  function readForm(form) {
    var checked = form.querySelector("input[name=current]:checked");
    if (!checked) return null;
    var change = {
      question: form.dataset.code,
      current: checked.value === "dk" ? null : Number(checked.value),
    };
    var target = form.querySelector("select[name=target]");
    if (target && target.value) change.target = Number(target.value);
    var comment = form.querySelector("textarea[name=comment]");
    change.comment = comment ? comment.value : "";
    return change;
  }

  function queue(change) {
    var held = pending[change.question];
    if (!held || held.seq < change.seq) pending[change.question] = change;
  }

  function record(event) {
    var form = event.target.closest ? event.target.closest("form.question") : null;
    if (!form || !form.dataset.code) return;
    if (locked) { feedback(form.dataset.code, "error", locked); return; }
    var change = readForm(form);
    if (!change) {
      if (event.target.name === "comment") feedback(form.dataset.code, "error", message("PickFirst"));
      return;
    }
    change.seq = nextSeq();
    latest[change.question] = change.seq;
    queue(change);
    remember(change);
    feedback(change.question, "waiting", message("Saving"));
    showStatus();
    schedule(BATCH_DELAY);
  }

  // --- Sending ----------------------------------------------------------------------------

  function schedule(delay) {
    if (flushTimer || retryTimer) return; // a send is planned already
    flushTimer = window.setTimeout(function () { flushTimer = null; flush(false); }, delay);
  }

  function settle() {
    if (inflight || Object.keys(pending).length) return;
    var done = waiters;
    waiters = [];
    done.forEach(function (callback) { callback(); });
  }

  function post(items, keepalive) {
    var body = JSON.stringify(items);
    return window.fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive && body.length < KEEPALIVE_MAX_BYTES,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken,
      },
      body: body,
    });
  }

  function flush(leaving) {
    if (flushTimer) { window.clearTimeout(flushTimer); flushTimer = null; }
    var codes = Object.keys(pending);
    if (!codes.length || locked) { settle(); return; }
    if (inflight && !leaving) return; // sent when the batch in flight lands
    if (retryTimer && !leaving) return; // waiting out a backoff
    var items = codes.map(function (code) { return pending[code]; });
    pending = {};
    if (leaving && inflight) {
      // The page is going away: send the rest beside the batch in flight (keepalive lets
      // both finish). The numbers keep the order; the device's copy covers a failure.
      post(items, true).catch(function () {});
      return;
    }
    var batch = { items: items };
    inflight = batch;
    showStatus();
    batch.promise = post(items, true)
      .then(function (reply) {
        return reply.json().catch(function () { return {}; }).then(function (data) {
          landed(batch, reply.status, data);
        });
      }, function () { failed(batch, message("Offline")); });
  }

  function landed(batch, status, data) {
    inflight = null;
    if (status === 200) {
      failures = 0;
      (data.saved || []).forEach(function (entry) {
        forget(entry.question, entry.seq);
        if ((latest[entry.question] || 0) <= entry.seq && !pending[entry.question]) {
          feedback(entry.question, "saved", savedMessage(data.saved_at || ""));
        }
      });
      showProgress(data.progress);
      afterBatch();
      return;
    }
    if (status === 400 && data.errors && Object.keys(data.errors).length) {
      // The questions at fault will not save as they are; send the others again at once.
      batch.items.forEach(function (change) {
        var problem = data.errors[change.question];
        if (problem) {
          forget(change.question, change.seq);
          feedback(change.question, "error", problem);
        } else {
          queue(change);
        }
      });
      afterBatch();
      return;
    }
    if (status === 400 || status === 404 || status === 409 || status === 410) {
      // The cycle closed, the answers were submitted, or the link no longer works: these
      // changes can never be saved, and retrying would not help.
      locked = data.error || message("NotSaved");
      batch.items.forEach(function (change) {
        forget(change.question, change.seq);
        feedback(change.question, "error", locked);
      });
      pending = {};
      showStatus();
      settle();
      return;
    }
    failed(batch, status === 403 ? message("Session") : message("Retrying"));
  }

  function afterBatch() {
    showStatus();
    if (Object.keys(pending).length) {
      if (waiters.length) flush(false);
      else schedule(BATCH_DELAY);
    } else {
      settle();
    }
  }

  function failed(batch, text) {
    inflight = null;
    batch.items.forEach(function (change) {
      queue(change);
      if ((latest[change.question] || 0) <= change.seq) feedback(change.question, "retrying", text);
    });
    failures += 1;
    var wait = Math.min(BACKOFF_MAX, 1000 * Math.pow(2, failures - 1));
    showStatus(text);
    retryTimer = window.setTimeout(function () { retryTimer = null; flush(false); }, wait);
  }

  function whenSaved(callback) {
    waiters.push(callback);
    if (retryTimer) { window.clearTimeout(retryTimer); retryTimer = null; }
    flush(false);
    settle();
  }

  // --- Events -----------------------------------------------------------------------------

  document.addEventListener("change", record);
  document.addEventListener("input", function (event) {
    if (event.target.name === "comment") record(event);
  });

  // A step change sends what is pending first, then moves on; if the server cannot be
  // reached the device's copy goes along and the next page sends it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey
        || event.metaKey || event.shiftKey || event.altKey || link.target) return;
    if (link.getAttribute("href").charAt(0) === "#" || !unsavedCount()) return;
    event.preventDefault();
    var go = function () { window.location.href = link.href; };
    var fallback = window.setTimeout(go, 10000);
    whenSaved(function () { window.clearTimeout(fallback); go(); });
  });

  // Submitting (on the review page) waits for every change to land.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("question") || !unsavedCount()) return;
    event.preventDefault();
    whenSaved(function () { form.submit(); });
  });

  function leave() { flush(true); }
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
  });

  // --- Changes left from an earlier page ---------------------------------------------------

  var leftover = loadStored();
  var restored = Object.keys(leftover);
  restored.forEach(function (code) {
    var change = leftover[code];
    if (!change || typeof change.seq !== "number") return;
    lastSeq = Math.max(lastSeq, change.seq);
    latest[code] = Math.max(latest[code] || 0, change.seq);
    queue(change);
    var form = formOf(code);
    if (form) {
      // Show the choice the person made, not the older one the server still holds.
      var value = change.current === null ? "dk" : String(change.current);
      var radio = form.querySelector("input[name=current][value='" + value + "']");
      if (radio) radio.checked = true;
      var comment = form.querySelector("textarea[name=comment]");
      if (comment) comment.value = change.comment || "";
      var target = form.querySelector("select[name=target]");
      if (target && change.target) target.value = String(change.target);
      feedback(code, "waiting", message("Saving"));
    }
  });
  if (restored.length) {
    if (root.dataset.reloadAfterRestore) {
      // The review lists what the server holds: read it again once the rest has landed.
      whenSaved(function () { window.location.reload(); });
    } else {
      flush(false);
    }
  }
})();
