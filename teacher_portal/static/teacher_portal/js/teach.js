// Teach mode: one step of the lesson at a time on the classroom board.
// Keys (and presenter clickers, which send Page Up/Down): Right, Page Down, Space = next;
// Left, Page Up = back; Home, End = first and last step; N = teacher notes.
const board = document.querySelector("[data-teach-board]");
if (board) {
  const steps = [...board.querySelectorAll("[data-teach-step]")];
  const counter = document.getElementById("teach-counter");
  const notes = document.getElementById("teach-notes");
  const notesToggle = board.querySelector("[data-teach-notes-toggle]");
  const prev = board.querySelector("[data-teach-prev]");
  const next = board.querySelector("[data-teach-next]");
  let current = 0;

  const show = (index, { focus = true } = {}) => {
    current = Math.max(0, Math.min(index, steps.length - 1));
    steps.forEach((step, i) => { step.hidden = i !== current; });
    counter.textContent = steps[current].dataset.teachLabel;
    prev.disabled = current === 0;
    next.disabled = current === steps.length - 1;
    if (focus) steps[current].querySelector(".teach-step__title").focus();
    history.replaceState(null, "", `#step-${current}`);
  };

  const toggleNotes = () => {
    const open = notes.hidden;
    notes.hidden = !open;
    notesToggle.setAttribute("aria-expanded", String(open));
  };

  prev.addEventListener("click", () => show(current - 1, { focus: false }));
  next.addEventListener("click", () => show(current + 1, { focus: false }));
  notesToggle.addEventListener("click", toggleNotes);

  const fullscreen = board.querySelector("[data-teach-fullscreen]");
  if (document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const onControl = target.closest("button, a, summary");
    switch (event.key) {
      case "ArrowRight":
      case "PageDown":
        show(current + 1);
        break;
      case " ":
        if (onControl) return; // Space presses the button the teacher is on
        show(current + 1);
        break;
      case "ArrowLeft":
      case "PageUp":
        show(current - 1);
        break;
      case "Home":
        show(0);
        break;
      case "End":
        show(steps.length - 1);
        break;
      case "n":
      case "N":
        toggleNotes();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Class activities: show the choices, count hands, show the feedback; turn cards over.
  board.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const vote = button.closest("[data-vote]");
    if (button.matches("[data-vote-show]")) {
      document.getElementById(button.getAttribute("aria-controls")).hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.hidden = true;
      vote.querySelector("[data-vote-step='1']").focus();
    } else if (button.matches("[data-vote-step]")) {
      const output = button.closest("[data-vote-choice]").querySelector("[data-vote-count]");
      output.textContent = String(Math.max(0, Number(output.textContent) + Number(button.dataset.voteStep)));
    } else if (button.matches("[data-vote-feedback-show]")) {
      vote.querySelectorAll("[data-vote-feedback]").forEach((el) => { el.hidden = false; });
      vote.classList.add("vote--revealed");
      button.hidden = true;
      const first = vote.querySelector("[data-vote-feedback]:not(:empty)");
      if (first) {
        first.tabIndex = -1;
        first.focus();
      }
    } else if (button.matches("[data-teach-reveal]")) {
      document.getElementById(button.getAttribute("aria-controls")).hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.disabled = true;
    }
  });

  steps.forEach((step) => { delete step.dataset.teachHidden; });
  const start = Number((location.hash.match(/^#step-(\d+)$/) || [])[1] || 0);
  show(start, { focus: false });
}
