// Read-aloud: a button on every lesson step that reads the step using the browser's own speech
// synthesis. The button stays hidden where speech synthesis is not available.

const SKIP = "[data-read-aloud-skip], [hidden], script, style, template, input, select, textarea";
const BLOCKS = "p, li, h1, h2, h3, h4, legend, label, dt, dd, figcaption, summary, blockquote, td, th, button";

function textOf(root) {
  const parts = [];
  let lastBlock = null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || parent.closest(SKIP) || !node.textContent.trim()) {
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const block = node.parentElement.closest(BLOCKS) || node.parentElement;
    const text = node.textContent.replace(/\s+/g, " ").trim();
    if (block !== lastBlock && parts.length) {
      const previous = parts[parts.length - 1];
      if (!/[.!?:;]$/.test(previous)) parts[parts.length - 1] = previous + ".";
    }
    parts.push(text);
    lastBlock = block;
  }
  return parts.join(" ");
}

function sentences(text) {
  // Short utterances: some browsers stop long ones part-way through.
  return text.match(/[^.!?]+[.!?]*/g)?.map((s) => s.trim()).filter(Boolean) ?? [];
}

function setUp(button) {
  const root = button.closest("[data-read-aloud-root]");
  if (!root) return;
  const label = button.querySelector("[data-read-aloud-label]");
  const rate = document.body.classList.contains("band-4-7") ? 0.85 : 0.95;

  const show = (speaking) => {
    button.setAttribute("aria-pressed", speaking ? "true" : "false");
    label.textContent = speaking ? button.dataset.labelStop : button.dataset.labelStart;
  };

  button.addEventListener("click", () => {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      show(false);
      return;
    }
    const queue = sentences(textOf(root));
    queue.forEach((sentence, index) => {
      const utterance = new SpeechSynthesisUtterance(sentence);
      utterance.lang = document.documentElement.lang || "en-GB";
      utterance.rate = rate;
      if (index === queue.length - 1) utterance.addEventListener("end", () => show(false));
      utterance.addEventListener("error", () => show(false));
      window.speechSynthesis.speak(utterance);
    });
    show(queue.length > 0);
  });
  window.addEventListener("pagehide", () => window.speechSynthesis.cancel());
  button.hidden = false;
}

if ("speechSynthesis" in window && "SpeechSynthesisUtterance" in window) {
  document.querySelectorAll("[data-read-aloud]").forEach(setUp);
}
