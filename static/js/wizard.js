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
    div.appendChild(document.createTextNode(text));
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
    showError(event.detail.elt, "No connection. Check your network; your choice is kept on this page, change it again to retry.");
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form.question") : null;
    if (form && form.querySelector(".save-feedback .text-success")) {
      form.classList.add("is-answered");
    }
  });
})();
