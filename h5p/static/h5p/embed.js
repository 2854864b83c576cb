/*
 * Records the results of H5P activities embedded in this page.
 *
 * Each activity runs in an <iframe sandbox="allow-scripts allow-same-origin"> served from the
 * separate H5P origin, so it cannot reach this page. It tells us about its results with
 * postMessage; a message is believed only if it comes from that origin AND from that very
 * frame's window. Statements are then posted to the site's xAPI endpoint with the CSRF token
 * and the activity's signed token; the server decides what they are worth.
 */

const MIN_HEIGHT = 160;
const MAX_HEIGHT = 6000;
const queues = new WeakMap();

function activityFor(event) {
  for (const frame of document.querySelectorAll("iframe[data-h5p-origin]")) {
    if (frame.contentWindow === event.source && event.origin === frame.dataset.h5pOrigin) {
      return { frame, figure: frame.closest("[data-h5p-activity]") };
    }
  }
  return null;
}

function announce(figure, text) {
  const status = figure.querySelector("[data-h5p-status]");
  if (status && text) status.textContent = text;
}

async function send(figure, statement) {
  const data = figure.dataset;
  let response;
  let result = null;
  try {
    response = await fetch(data.h5pXapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrfToken },
      body: JSON.stringify({ token: data.h5pToken, statement }),
    });
    result = await response.json().catch(() => null);
  } catch {
    response = null;
  }
  const ok = Boolean(response && response.ok);
  if (!ok && (!response || response.status >= 500 || response.status === 403)) {
    announce(figure, data.errorText);
  } else if (ok && result && result.counted) {
    announce(figure, data.savedText);
  }
  figure.dispatchEvent(
    new CustomEvent("h5p:recorded", {
      bubbles: true,
      detail: { ok, status: response ? response.status : 0, result },
    })
  );
}

function record(figure, statement) {
  // One at a time and in order, so "answered" is stored before "completed".
  const previous = queues.get(figure) || Promise.resolve();
  const next = previous.then(() => send(figure, statement));
  queues.set(figure, next);
}

window.addEventListener("message", (event) => {
  const activity = activityFor(event);
  const message = event.data;
  if (!activity || !activity.figure || !message || typeof message !== "object") return;
  if (message.type === "streamwise:h5p:resize") {
    const height = Number(message.height);
    if (Number.isFinite(height)) {
      activity.frame.style.height = `${Math.min(Math.max(Math.ceil(height), MIN_HEIGHT), MAX_HEIGHT)}px`;
    }
  } else if (message.type === "streamwise:h5p:xapi") {
    if (message.statement && typeof message.statement === "object") {
      record(activity.figure, message.statement);
    }
  }
});
