// Shows the "Print" button (the browser's own Print command works without JavaScript too).
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
