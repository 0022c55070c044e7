// Propose the browser's time zone on the new-organization form while the field is untouched.
(function () {
  "use strict";
  const select = document.querySelector("select[data-propose-browser-zone]");
  if (!select) {
    return;
  }
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return; // a browser without Intl keeps the server's default, UTC
  }
  const option = Array.from(select.options).find(function (candidate) {
    return candidate.value === zone;
  });
  // A browser that restored the form (going back) may have put the owner's choice there already.
  const untouched = select.selectedOptions.length === 1 && select.selectedOptions[0].defaultSelected;
  if (option && untouched) {
    select.value = zone;
    select.dataset.proposed = zone;
  }
})();
