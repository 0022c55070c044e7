// Copy buttons for personal links: copy the field's text, say so in a live region. Without the
// Clipboard API (plain http on another host, old browsers) the text is selected instead, so
// Ctrl+C / long-press copies it; the field is always there as the fallback.
(function () {
  "use strict";

  // Words from Django's JavaScript catalog (/jsi18n/); English if it did not load.
  var gettext = window.gettext || function (text) { return text; };
  var COPIED = gettext("Link copied.");
  var FALLBACK = gettext("The link is selected: press Ctrl+C (or ⌘+C) to copy it.");

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) {
      status.textContent = "";
      // A fresh text node each time, so screen readers repeat the message on a second copy.
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function selectField(field) {
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    if (!field) {
      return;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce(button, COPIED); },
        function () { selectField(field); announce(button, FALLBACK); }
      );
    } else {
      selectField(field);
      announce(button, FALLBACK);
    }
  });
})();
