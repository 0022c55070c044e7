/* Draw the report's Plotly figures from their JSON data blocks (no inline script needed). */
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) {
      return;
    }
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
