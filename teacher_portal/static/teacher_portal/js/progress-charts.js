// Draws the progress charts from the page's json_script data with Chart.js (loaded before this
// module as window.Chart). Every number is also in the table under each chart, so without
// JavaScript, or with a screen reader, nothing is lost: the charts stay hidden.

const source = document.getElementById("chart-data");
const Chart = window.Chart;

function colour(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

function draw(canvas, spec, reduceMotion) {
  const palette = [
    colour("--colour-success", "#1e6b3a"),
    colour("--colour-warning", "#7a4d00"),
    colour("--colour-line", "#c9ced6"),
  ];
  const isLine = canvas.dataset.chart === "overTime";
  const datasets = spec.series.map((series, index) => ({
    label: series.label,
    data: series.data,
    backgroundColor: palette[index % palette.length],
    borderColor: isLine ? palette[0] : "#1b1f24",
    borderWidth: 1,
    pointRadius: isLine ? 3 : undefined,
    stepped: isLine ? "before" : undefined,
  }));
  return new Chart(canvas, {
    type: isLine ? "line" : "bar",
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : undefined,
      scales: {
        x: { stacked: !isLine, title: { display: true, text: spec.xTitle } },
        y: {
          stacked: !isLine,
          beginAtZero: true,
          ticks: { precision: 0 },
          title: { display: true, text: spec.yTitle },
        },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

if (source && Chart) {
  // Chart.js draws light grey 12px text by default: use the page's own ink, font and size.
  Chart.defaults.color = colour("--colour-ink", "#1b1f24");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;
  const data = JSON.parse(source.textContent);
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = data[canvas.dataset.chart];
    if (!spec || !spec.labels.length) continue;
    canvas.closest("[data-chart-box]").hidden = false;
    draw(canvas, spec, reduceMotion);
  }
}
