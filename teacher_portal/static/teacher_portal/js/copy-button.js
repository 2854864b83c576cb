// "Copy" buttons: `data-copy="<id>"` copies the value of that field. The buttons stay hidden
// without JavaScript (the fields are read-only and can still be selected and copied by hand).
const status = document.querySelector("[data-copy-status]");

async function copy(field) {
  try {
    await navigator.clipboard.writeText(field.value);
    return true;
  } catch {
    // No clipboard API (an http address, or permission refused): select the text instead.
    field.focus();
    field.select();
    return document.execCommand && document.execCommand("copy");
  }
}

for (const button of document.querySelectorAll("[data-copy]")) {
  const field = document.getElementById(button.dataset.copy);
  if (!field) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const copied = await copy(field);
    if (status) {
      status.textContent = copied ? "Copied." : "Press Ctrl+C (or Cmd+C) to copy the selected text.";
    }
  });
}
