// Shows a "Print" button (hidden without JavaScript, where the browser's own Print command
// still works) and prints the page when it is pressed.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
