/* Plotly normally adds its own stylesheet as a <style> element, which the strict
   Content-Security-Policy blocks; without it the chart's overlay layer falls below the chart and
   covers the page. Add the rules that matter to this page's own stylesheet instead: changing a
   same-origin stylesheet through the CSSOM is allowed under style-src 'self'. */
(function () {
  "use strict";

  var X = ".js-plotly-plot .plotly";
  var RULES = [
    X + ", " + X + " div { direction: ltr; margin: 0; padding: 0; border: 0; }",
    X + " .main-svg { position: absolute; top: 0; left: 0; pointer-events: none; }",
    X + " .main-svg .draglayer { pointer-events: all; }",
    X + " .crisp { shape-rendering: crispEdges; }",
    X + " .user-select-none { user-select: none; }",
    X + " .cursor-crosshair { cursor: crosshair; }",
    X + " .cursor-pointer { cursor: pointer; }",
    X + " .modebar { position: absolute; top: 2px; right: 2px; }",
    X + " .modebar--hover > :not(.watermark) { opacity: 0; transition: opacity .3s ease 0s; }",
    X + ":hover .modebar--hover .modebar-group, " + X +
      ":focus-within .modebar--hover .modebar-group { opacity: 1; }",
    X + " .modebar-group { float: left; display: inline-block; box-sizing: border-box;" +
      " padding-left: 8px; position: relative; vertical-align: middle; white-space: nowrap; }",
    X + " .modebar-btn { position: relative; font-size: 16px; padding: 3px 4px; height: 22px;" +
      " cursor: pointer; line-height: normal; box-sizing: border-box; border: none;" +
      " background: transparent; }",
    X + " .modebar-btn svg { position: relative; }",
  ];

  function ownSheet() {
    var sheets = Array.prototype.slice.call(document.styleSheets);
    for (var i = 0; i < sheets.length; i += 1) {
      var sheet = sheets[i];
      if (sheet.href && new URL(sheet.href).origin === window.location.origin) {
        try {
          void sheet.cssRules; // throws when the sheet is not readable
          return sheet;
        } catch (error) {
          /* not ours to change */
        }
      }
    }
    return null;
  }

  var sheet = ownSheet();
  if (!sheet) {
    return;
  }
  RULES.forEach(function (rule) {
    sheet.insertRule(rule, sheet.cssRules.length);
  });
})();
