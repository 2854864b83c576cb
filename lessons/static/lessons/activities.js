// Progressive enhancement for lesson activities. Every activity works as a plain form without
// this file; with it, "Spot the signs" messages become toggle buttons (aria-pressed), and focus
// moves to the feedback after htmx swaps an activity in place.

function enhanceToggles(root) {
  root.querySelectorAll("[data-toggle-group] input[type=checkbox][data-toggle]").forEach((box) => {
    if (box.dataset.enhanced) return;
    box.dataset.enhanced = "true";
    const fallback = box.closest("[data-toggle-fallback]");
    const label = fallback.querySelector(`label[for="${box.id}"]`);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "chat__toggle";
    button.disabled = box.disabled || Boolean(box.closest("fieldset[disabled]"));
    button.setAttribute("aria-pressed", box.checked ? "true" : "false");
    button.append(...Array.from(label.childNodes, (node) => node.cloneNode(true)));
    button.addEventListener("click", () => {
      box.checked = !box.checked;
      button.setAttribute("aria-pressed", box.checked ? "true" : "false");
    });
    fallback.hidden = true;
    fallback.after(button);
  });
}

let focusTarget = null;

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-focus-target]");
  focusTarget = button ? button.dataset.focusTarget : null;
});

document.addEventListener("htmx:load", (event) => enhanceToggles(event.target));

document.addEventListener("htmx:afterSettle", (event) => {
  const id = event.detail.target && event.detail.target.id;
  const swapped = (id && document.getElementById(id)) || event.detail.elt;
  const wanted =
    (focusTarget && document.getElementById(focusTarget)) ||
    (swapped && swapped.querySelector("[data-focus-after-swap]"));
  focusTarget = null;
  if (wanted) wanted.focus();
});

enhanceToggles(document);
