// Read-aloud: a button on every lesson step (and quiz question) that reads the words on the page.
// It plays the step's narration file when there is one (an <audio> element with controls, started
// only by the pupil's tap), otherwise the browser's own speech synthesis; with neither, it says
// so. The text on the page is the transcript of the audio.

const SKIP =
  "[data-read-aloud-skip], [hidden], [aria-hidden='true'], script, style, template, input, select, textarea";
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

function hasDeviceVoice() {
  return "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
}

function setUp(box) {
  const root = box.closest("[data-read-aloud-root]");
  const button = box.querySelector("button");
  if (!root || !button) return;
  const label = button.querySelector("[data-read-aloud-label]");
  const audio = box.querySelector("[data-read-aloud-audio]");
  const unavailable = box.querySelector("[data-read-aloud-unavailable]");
  const rate = document.body.classList.contains("band-4-7") ? 0.85 : 0.95;
  let audioBroken = false;

  const show = (reading) => {
    button.setAttribute("aria-pressed", reading ? "true" : "false");
    label.textContent = reading ? button.dataset.labelStop : button.dataset.labelStart;
  };
  const sayUnavailable = () => {
    button.hidden = true;
    if (audio) audio.hidden = true;
    unavailable.hidden = false;
  };

  const speak = () => {
    if (!hasDeviceVoice()) {
      sayUnavailable();
      return;
    }
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
  };

  // A quiz question is narrated in parts (its question, then each option in the order on
  // screen): the files after the first are listed in data-read-aloud-next and play in turn.
  const following = audio?.dataset.readAloudNext?.split(" ").filter(Boolean) ?? [];
  const playlist = audio ? [audio.src, ...following] : [];
  let part = 0;
  const cue = (index) => {
    part = index;
    if (audio.src !== playlist[index]) audio.src = playlist[index];
  };

  if (audio) {
    audio.addEventListener("play", () => show(true));
    audio.addEventListener("pause", () => show(false));
    audio.addEventListener("ended", () => {
      if (part + 1 < playlist.length) {
        cue(part + 1);
        audio.play().catch(() => show(false));
        return;
      }
      cue(0);
      show(false);
    });
    audio.addEventListener("error", () => {
      // The file is missing or cannot be played here: use the device voice instead.
      audioBroken = true;
      audio.hidden = true;
      show(false);
      if (button.dataset.tapped) speak();
    });
  }

  button.addEventListener("click", () => {
    button.dataset.tapped = "1";
    if (audio && !audioBroken) {
      audio.hidden = false;
      if (audio.paused) {
        audio.play().catch(() => {});
      } else {
        audio.pause();
      }
      return;
    }
    speak();
  });
  window.addEventListener("pagehide", () => {
    if (hasDeviceVoice()) window.speechSynthesis.cancel();
    if (audio) audio.pause();
  });
  if (!audio && !hasDeviceVoice()) {
    sayUnavailable();
    return;
  }
  button.hidden = false;
}

document.querySelectorAll("[data-read-aloud]").forEach(setUp);
