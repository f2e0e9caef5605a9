// Usage charts, drawn by Chart.js (ui/vendor). Each <canvas data-chart="ID"> reads its data
// from <script type="application/json" id="ID"> (the CSP forbids inline scripts); the page
// shows the same numbers in a table under each chart.
(function () {
  if (!window.Chart) return;
  Chart.defaults.font.size = 13;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#49566c";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || canvas.tfChart) return;
    var cfg = JSON.parse(source.textContent);
    var currency = canvas.getAttribute("data-currency") || "USD";
    var fmt = cfg.money
      ? new Intl.NumberFormat(undefined, { style: "currency", currency: currency })
      : new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
    var valueAxis = cfg.horizontal ? "x" : "y";
    var labelAxis = cfg.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, ticks: { callback: function (v) { return fmt.format(v); }, precision: 0 } };
    // Long names (touches, people) are shortened on the axis; the table below has them whole.
    scales[labelAxis] = { ticks: { autoSkip: !cfg.horizontal, callback: function (v) {
      var s = this.getLabelForValue(v);
      return s.length > 22 ? s.slice(0, 21) + "…" : s;
    } } };
    canvas.tfChart = new Chart(canvas, {
      type: cfg.type,
      data: {
        labels: cfg.labels,
        datasets: cfg.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color, tension: 0.25, pointRadius: 3, maxBarThickness: 28 };
        })
      },
      options: {
        indexAxis: cfg.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          legend: { display: cfg.datasets.length > 1, position: "bottom" },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + fmt.format(c.parsed[valueAxis]); } } }
        }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  drawAll();
  document.addEventListener("htmx:afterSettle", function (ev) { drawAll(ev.target); });
})();
