// Lesson plans: the "Print" buttons (shown only when scripts run; the browser's own print works too).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
