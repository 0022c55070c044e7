// Autosave feedback for the questionnaire. htmx posts each question's form on change;
// this file only makes failures visible beside the question. No inline scripts anywhere,
// so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  // Statuses whose body is a message meant for the person: swap it in like a success.
  var MESSAGE_STATUSES = [404, 409, 410, 422];

  function feedbackFor(elt) {
    var form = elt && elt.closest ? elt.closest("form.question") : null;
    return form ? form.querySelector(".save-feedback") : null;
  }

  function showError(elt, text) {
    var box = feedbackFor(elt);
    if (!box) return;
    box.textContent = "";
    var div = document.createElement("div");
    div.className = "text-danger";
    div.setAttribute("role", "alert");
    var strong = document.createElement("strong");
    strong.textContent = "Not saved. ";
    div.appendChild(strong);
    div.appendChild(document.createTextNode(text + " "));
    var form = box.closest("form.question");
    if (form && window.htmx) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn-sm btn-outline-danger py-0 ms-1 retry-save";
      retry.textContent = "Try again";
      retry.addEventListener("click", function () { window.htmx.trigger(form, "change"); });
      div.appendChild(retry);
    }
    box.appendChild(div);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (MESSAGE_STATUSES.indexOf(xhr.status) !== -1 && xhr.responseText) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    var text = status === 403
      ? "Your session may have expired: reload the page and try again."
      : "The server could not save this answer (error " + status + "). Try again in a moment.";
    showError(event.detail.elt, text);
  });

  document.addEventListener("htmx:sendError", function (event) {
    showError(event.detail.elt, "No connection. Your choice is still on this page: check your network, then try again.");
  });

  // A comment typed just before leaving the page would be lost with its debounce timer:
  // post what is still pending as a plain form (the form carries its CSRF token) on the way out.
  var pending = new Set();

  document.addEventListener("input", function (event) {
    var form = event.target.closest ? event.target.closest("form.question") : null;
    if (form && event.target.name === "comment") pending.add(form);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    pending.delete(event.detail.elt);
  });

  function flushPending() {
    pending.forEach(function (form) {
      if (form.querySelector("input[name=current]:checked") && navigator.sendBeacon) {
        var data = new FormData(form);
        data.append("beacon", "1");
        navigator.sendBeacon(form.action, data);
      }
    });
    pending.clear();
  }

  window.addEventListener("pagehide", flushPending);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushPending();
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form.question") : null;
    if (form && form.querySelector(".save-feedback .text-success")) {
      form.classList.add("is-answered");
    }
  });
})();
