// "Who was here?": a button to tick every pupil, and a submit button that can't send twice.
const form = document.querySelector("[data-attendance-form]");
if (form) {
  const tickAll = form.querySelector("[data-tick-all]");
  tickAll.hidden = false;
  tickAll.addEventListener("click", () => {
    form.querySelectorAll("input[type=checkbox][name=present]").forEach((box) => { box.checked = true; });
  });
  form.addEventListener("submit", () => {
    const button = form.querySelector("[data-submit-once]");
    // Disabled after this submit has started, so a second press sends nothing.
    setTimeout(() => { button.disabled = true; }, 0);
  });
}
