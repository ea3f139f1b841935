/* The compliance chart: the page holds every number in its table, so without JavaScript
   (or when the chart cannot be drawn) nothing is lost. The Vega-Lite specification, with
   its data, is in the page. */
(function () {
  "use strict";
  var element = document.getElementById("compliance-chart");
  var data = document.getElementById("compliance-spec");
  if (!element || !data || !window.vegaEmbed) {
    return;
  }
  window.vegaEmbed(element, JSON.parse(data.textContent), {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false }
  }).then(function () {
    var summary = element.querySelector("details > summary");
    if (summary) {
      summary.setAttribute("aria-label", element.dataset.actionsLabel);
    }
  }).catch(function () {
    element.hidden = true;
  });
})();
