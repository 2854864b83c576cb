// Picture sign-in: collect the pupil's taps in the page and post the three pictures together,
// once (one request instead of three at 9 a.m.). The page works without this script: each
// tap is then its own form post. The server checks the whole set once, so a wrong set counts
// once towards the pupil's lock either way.
const form = document.querySelector("[data-picture-form]");
if (form) {
  const total = Number(form.dataset.total);
  const already = Number(form.dataset.already);
  const step = document.getElementById("picture-step");
  const progress = document.querySelector(".picture-progress");
  const startAgain = form.querySelector("[data-start-again]");
  let picks = [];
  let sending = false;

  const show = () => {
    const chosen = already + picks.length;
    progress.querySelectorAll("li").forEach((slot, index) => {
      const filled = index < chosen;
      slot.classList.toggle("is-filled", filled);
      slot.querySelector(".visually-hidden").textContent = filled
        ? progress.dataset.chosenText
        : progress.dataset.notChosenText;
    });
    step.textContent = step.dataset.stepText.replace("__step__", String(Math.min(chosen + 1, total)));
    startAgain.hidden = chosen === 0;
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || !form.contains(button)) return;
    event.preventDefault();
    if (sending) return;
    if (button === startAgain) {
      if (already > 0) {
        // Picks from taps posted before this script ran are in the session: clear them there.
        sending = true;
        form.requestSubmit(button);
        return;
      }
      picks = [];
      show();
      form.querySelector(".picture-button").focus();
      return;
    }
    if (button.name !== "picture") return;
    picks.push(button.value);
    show();
    if (already + picks.length >= total) {
      sending = true;
      for (const slug of picks) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = "picture";
        input.value = slug;
        form.append(input);
      }
      form.submit();
    }
  });
}
