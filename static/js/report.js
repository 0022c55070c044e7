/* Draw the report's Plotly figures from their JSON data blocks (no inline script needed). */
(function () {
  "use strict";

  var locale;

  // Month names and the mode bar's tooltips in the page's language: the browser knows the
  // month names (Intl), the tooltips come from the JavaScript catalog. Registered once.
  function plotlyLocale() {
    if (locale !== undefined) {
      return locale;
    }
    var lang = document.documentElement.lang || "en";
    locale = null;
    if (lang === "en" || !window.Intl || !window.Plotly.register) {
      return locale;
    }
    var gettext = window.gettext || function (text) { return text; };
    var long = new Intl.DateTimeFormat(lang, { month: "long", timeZone: "UTC" });
    var short = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });
    var months = [];
    var shortMonths = [];
    for (var m = 0; m < 12; m += 1) {
      var day = new Date(Date.UTC(2021, m, 15));
      months.push(long.format(day));
      shortMonths.push(short.format(day).replace(/\.$/, ""));
    }
    var dictionary = {
      "Download plot as a png": gettext("Download plot as a png"),
      Zoom: gettext("Zoom"),
      Pan: gettext("Pan"),
      "Zoom in": gettext("Zoom in"),
      "Zoom out": gettext("Zoom out"),
      Autoscale: gettext("Autoscale"),
      "Reset axes": gettext("Reset axes"),
      "Double-click to zoom back out": gettext("Double-click to zoom back out"),
    };
    window.Plotly.register({
      moduleType: "locale",
      name: lang,
      dictionary: dictionary,
      format: { months: months, shortMonths: shortMonths },
    });
    locale = lang;
    return locale;
  }

  function draw(root) {
    if (!window.Plotly) {
      return;
    }
    var language = plotlyLocale();
    var scope = root && root.querySelectorAll ? root : document;
    var nodes = Array.prototype.slice.call(scope.querySelectorAll("[data-figure]"));
    if (scope.matches && scope.matches("[data-figure]")) {
      nodes.push(scope);
    }
    nodes.forEach(function (node) {
      if (node.dataset.drawn === "1") {
        return;
      }
      var source = document.getElementById(node.dataset.figure);
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      node.dataset.drawn = "1";
      window.Plotly.newPlot(node, figure.data, figure.layout, {
        displaylogo: false,
        responsive: true,
        modeBarButtonsToRemove: ["select2d", "lasso2d", "toggleSpikelines"],
        locale: language || "en",
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.target);
  });
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    draw(event.detail && event.detail.target ? event.detail.target : document);
  });
})();
