// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Charts: JSON from data attributes, drawn with the vendored Chart.js (no CDN, no inline script).
  function drawCharts() {
    if (typeof window.Chart === "undefined") return;
    var palette = ["#b5533c", "#2f6f8f", "#5d8a3a", "#8a6d3b", "#6b4c8a", "#3b8a7d"];
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec, names;
      try {
        spec = JSON.parse(canvas.getAttribute("data-chart"));
        names = JSON.parse(canvas.getAttribute("data-series-labels") || "{}");
      } catch (e) {
        return;
      }
      var datasets = spec.series.map(function (s, i) {
        var color = palette[i % palette.length];
        return {
          label: names[s.key] || s.key,
          data: s.values,
          backgroundColor: color,
          borderColor: color,
          fill: false,
          tension: 0.2,
        };
      });
      new window.Chart(canvas, {
        type: spec.type || "bar",
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true,
          animation: false,
          scales: {
            x: { stacked: !!spec.stacked },
            y: { stacked: !!spec.stacked, beginAtZero: true },
          },
        },
      });
      canvas.setAttribute("data-drawn", "true");
    });
  }

  // Forms marked .confirm ask before they submit (revoke, reject).
  function confirmForms() {
    document.querySelectorAll("form.confirm").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm") || "")) event.preventDefault();
      });
    });
  }

  // Filter selects submit their form when changed (the submit button stays for keyboard and no-JS users).
  function autoSubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    confirmForms();
    autoSubmit();
  });
})();
