// "Hide this page": leave at once and take this page out of the back button's history.
// Without JavaScript the link still goes to the neutral page.
for (const link of document.querySelectorAll("[data-quick-exit]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    document.body.hidden = true;
    window.location.replace(link.href);
  });
}
// Pressing Escape twice quickly does the same.
let lastEscape = 0;
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const link = document.querySelector("[data-quick-exit]");
  const now = Date.now();
  if (link && now - lastEscape < 800) {
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  lastEscape = now;
});
