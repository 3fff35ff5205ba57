// benchstore-report's page script, embedded into every page (lib/src/report/assets/report.js).
// Draws each <figure class="chart"> from the JSON in its <script type="application/json">, then marks
// the document: data-charts (how many figures), data-charts-drawn (how many Chart.js has rendered)
// and data-draw-ms (time from navigation start until then), and each chart's plotting area (inside
// axes and legend) on the page in data-rect ("left,top,width,height" in CSS pixels) with the page's
// height in data-page-height.
// Tests and benchmarks read these back (chromium --dump-dom) to check every chart in a screenshot.
(function () {
  'use strict';
  // Okabe-Ito colours (safe for colour-blind readers); dashes and markers tell lines apart in grey.
  var colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
  var dashes = [[], [6, 3], [2, 2], [10, 3, 2, 3], [1, 4], [12, 4], [4, 2, 1, 2], [8, 8]];
  var markers = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star', 'cross', 'rectRounded'];
  var figures = document.querySelectorAll('figure.chart');
  var drawn = new Set();
  var root = document.documentElement;
  root.setAttribute('data-charts', String(figures.length));

  function mark() {
    root.setAttribute('data-charts-drawn', String(drawn.size));
    root.setAttribute('data-draw-ms', String(Math.round(performance.now())));
    figures.forEach(function (figure, i) {
      var canvas = figure.querySelector('canvas');
      var area = charts[i] && charts[i].chartArea;
      if (!canvas || !area) return;
      var r = canvas.getBoundingClientRect();
      canvas.setAttribute('data-rect', [r.left + window.scrollX + area.left, r.top + window.scrollY + area.top,
        area.right - area.left, area.bottom - area.top].map(Math.round).join(','));
    });
    root.setAttribute('data-page-height', String(root.scrollHeight));
  }

  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif';
  Chart.defaults.color = '#1d2330';
  Chart.register({ id: 'benchstoreDrawn', afterRender: function (chart) { drawn.add(chart.id); } });

  function style(i, thin) {
    var k = i % colours.length;
    return {
      borderColor: colours[k], backgroundColor: colours[k], borderDash: dashes[i % dashes.length],
      pointStyle: markers[i % markers.length], borderWidth: thin ? 1 : 2, pointRadius: thin ? 0 : 4,
      pointHoverRadius: thin ? 3 : 6
    };
  }

  function legend() {
    return { position: 'bottom', labels: { usePointStyle: true, boxWidth: 28, padding: 12 } };
  }

  // A trend chart's height spans at least this fraction of the largest value it shows (centred on
  // the values), so that noise looks flat: scaled to the data alone, a change of 0.003% filled the
  // whole height. Larger changes widen the axis to fit, as usual. Said in the page (trend_charts.cpp).
  var minimumTrendSpan = 0.10;

  function trendAxis(datasets) {
    var lo = Infinity, hi = -Infinity;
    datasets.forEach(function (d) {
      d.data.forEach(function (p) { if (p.y !== null) { lo = Math.min(lo, p.y); hi = Math.max(hi, p.y); } });
    });
    var axis = { grace: '5%', title: { display: true, text: 'value (height ≥ 10% of it)' } };
    var span = minimumTrendSpan * Math.max(Math.abs(lo), Math.abs(hi));
    if (!(hi - lo < span)) return axis;  // a real change, no data, or all zero: scaled to the data
    var middle = (lo + hi) / 2;
    axis.min = middle - span / 2;
    axis.max = middle + span / 2;
    if (lo >= 0 && axis.min < 0) { axis.max -= axis.min; axis.min = 0; }  // never below 0 for positive values
    if (hi <= 0 && axis.max > 0) { axis.min -= axis.max; axis.max = 0; }
    delete axis.grace;
    return axis;
  }

  // "+0.003%": a point's change from its line's first point, for the tooltip.
  function changeText(first, value) {
    if (first === 0 || first === null || first === undefined) return '';
    var percent = (value - first) / Math.abs(first) * 100;
    var digits = Math.abs(percent) >= 1 ? 1 : Math.abs(percent) >= 0.01 ? 3 : 5;
    return ' (' + (percent >= 0 ? '+' : '') + percent.toFixed(digits) + '% from the first commit)';
  }

  // One line per benchmark identity; the x axis is the commits in the order they were first measured.
  function trend(canvas, data) {
    var first = new Map();
    data.lines.forEach(function (line) {
      line.points.forEach(function (p) {
        if (!first.has(p[0]) || first.get(p[0]) > p[1]) first.set(p[0], p[1]);
      });
    });
    var commits = Array.from(first.keys()).sort(function (a, b) {
      return first.get(a) < first.get(b) ? -1 : first.get(a) > first.get(b) ? 1 : 0;
    });
    var datasets = data.lines.map(function (line, i) {
      return Object.assign({
        label: line.label, spanGaps: true,
        data: line.points.map(function (p) { return { x: p[0], y: p[2], time: p[1] }; })
      }, style(i, false));
    });
    return new Chart(canvas, {
      type: 'line',
      data: { labels: commits, datasets: datasets },
      options: {
        responsive: false, parsing: { xAxisKey: 'x', yAxisKey: 'y' },
        scales: {
          x: { type: 'category', title: { display: true, text: 'commit (oldest first)' },
               ticks: { callback: function (v) { return String(this.getLabelForValue(v)).slice(0, 7); } } },
          y: trendAxis(datasets)
        },
        plugins: {
          legend: legend(),
          tooltip: { callbacks: {
            title: function (items) { return items.length ? String(items[0].raw.x).slice(0, 7) + '  ' + items[0].raw.time : ''; },
            label: function (item) {
              return item.dataset.label + ': ' + item.formattedValue + changeText(item.dataset.data[0].y, item.raw.y);
            }
          } }
        }
      }
    });
  }

  // CPU % and GPU % on the left axis, RSS MiB and GPU MiB on the right; x in seconds.
  function device(canvas, data) {
    var datasets = data.series.map(function (s, i) {
      var points = [];
      for (var j = 0; j + 1 < s.points.length; j += 2) points.push({ x: s.points[j], y: s.points[j + 1] });
      var dataset = Object.assign({ label: s.name, data: points, yAxisID: s.axis }, style(i, true));
      // A short series (one sample: a benchmark shorter than the sampling interval) shows its points.
      if (points.length <= 60) dataset.pointRadius = 3;
      return dataset;
    });
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        responsive: false, parsing: false, normalized: true,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'seconds since the first sample' } },
          pct: { type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'percent' } },
          mib: { type: 'linear', position: 'right', beginAtZero: true, title: { display: true, text: 'MiB' },
                 grid: { drawOnChartArea: false } }
        },
        plugins: { legend: legend() }
      }
    });
  }

  // Charts are sized here, not by Chart.js's responsive mode: that measures each chart's container
  // as it is made, forcing the browser to lay out the whole page once per chart (seconds for a
  // hundred charts). All sizes are read in one pass, then every chart is drawn, and again on resize.
  function sizes() {
    return Array.prototype.map.call(figures, function (figure) {
      var plot = figure.querySelector('.plot');
      return { width: plot.clientWidth, height: plot.clientHeight };
    });
  }
  var data = Array.prototype.map.call(figures, function (figure) {
    try {
      return JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
    } catch (e) {
      window.benchstoreError(e && e.message ? e.message : String(e));
      return null;
    }
  });
  // A trend chart of many lines (a fleet's hosts times the identities) grows with them: its legend,
  // below the plot, would otherwise leave the plot too little of the chart's height.
  data.forEach(function (d, i) {
    if (d && d.lines && d.lines.length > 4)
      figures[i].querySelector('.plot').style.height = (260 + 20 * (d.lines.length - 4)) + 'px';
  });
  var charts = [];
  sizes().forEach(function (size, i) {
    var figure = figures[i];
    if (!data[i]) return;
    try {
      var canvas = figure.querySelector('canvas');
      canvas.style.width = size.width + 'px';
      canvas.style.height = size.height + 'px';
      canvas.width = size.width;
      canvas.height = size.height;
      charts[i] = (figure.getAttribute('data-kind') === 'trend' ? trend : device)(canvas, data[i]);
    } catch (e) {
      window.benchstoreError(e && e.message ? e.message : String(e));
    }
  });
  mark();
  requestAnimationFrame(mark);
  var pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      sizes().forEach(function (size, i) { if (charts[i]) charts[i].resize(size.width, size.height); });
      mark();
    }, 150);
  });
})();
