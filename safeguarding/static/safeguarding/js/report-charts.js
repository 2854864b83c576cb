// Draws the governor-count charts from the page's json_script data with Chart.js (loaded
// before this module as window.Chart): one stacked bar per row, a colour per term. Every
// number is in the table under each chart, so without JavaScript nothing is lost.

const source = document.getElementById("chart-data");
const Chart = window.Chart;

function colour(name, fallback) {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

if (source && Chart) {
  Chart.defaults.color = colour("--colour-ink", "#1b1f24");
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 14;
  const palette = [
    colour("--colour-primary", "#1d4f91"),
    colour("--colour-warning", "#7a4d00"),
    colour("--colour-success", "#1e6b3a"),
  ];
  const data = JSON.parse(source.textContent);
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const spec = data[canvas.dataset.chart];
    if (!spec || !spec.labels.length) continue;
    canvas.closest("[data-chart-box]").hidden = false;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          backgroundColor: palette[index % palette.length],
          borderColor: "#1b1f24",
          borderWidth: 1,
        })),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: spec.yTitle } },
          y: { stacked: true },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }
}
