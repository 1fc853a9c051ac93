// Draws every chart on the page from the figure JSON the server embedded beside it (no inline script).
(function () {
  "use strict";
  document.querySelectorAll("script[type='application/json'][data-chart]").forEach(function (source) {
    var target = document.getElementById(source.dataset.chart);
    if (!target || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    figure.layout.width = undefined;
    figure.layout.autosize = true;
    // No mode bar: its buttons would be controls nested inside an image (role="img"), which screen readers do not
    // announce reliably. Hover still shows values; the table beside each chart and the exports hold them all.
    Plotly.newPlot(target, figure.data, figure.layout, {responsive: true, displaylogo: false, displayModeBar: false});
  });
})();
