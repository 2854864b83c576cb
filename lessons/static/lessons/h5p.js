// Shows "Done" on a lesson's H5P activity as soon as the site has recorded a finished result,
// without reloading the step. The result itself is recorded on the server (the h5p app stores
// the statement; lessons learns of it by signal): this only updates what the pupil sees.

function formatScore(value) {
  return String(Math.round(Number(value) * 100) / 100);
}

document.addEventListener("h5p:recorded", (event) => {
  const activity = event.target.closest("[data-lesson-h5p]");
  const detail = event.detail || {};
  const result = detail.result;
  if (!activity || !detail.ok || !result || !result.counted || result.clamped) return;
  if (!result.completed && !result.passed) return;
  const done = activity.querySelector("[data-lesson-h5p-done]");
  if (!done) return;
  const hasScore = typeof result.raw === "number" && typeof result.max === "number" && result.max > 0;
  done.textContent = hasScore
    ? done.dataset.scoreText.replace("{raw}", formatScore(result.raw)).replace("{max}", formatScore(result.max))
    : done.dataset.doneText;
});
