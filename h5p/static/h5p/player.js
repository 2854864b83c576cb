/*
 * Runs on the H5P origin, inside the site's sandboxed iframe.
 *
 * Starts h5p-standalone (in "div" mode: the activity runs in this document, so no inline script
 * is needed) and forwards the activity's xAPI statements and this document's height to the
 * embedding page with postMessage, addressed to the site origin only.
 */
(function () {
  "use strict";

  // Browsers that block third-party storage throw on any use of localStorage in this frame
  // (it is cross-site to the lesson page), and H5P core uses it unguarded. An in-memory
  // stand-in keeps the activity working; nothing here needs to outlive the page anyway.
  try {
    window.localStorage.getItem("h5p");
  } catch {
    const items = new Map();
    const memory = {
      get length() {
        return items.size;
      },
      key: (index) => Array.from(items.keys())[index] ?? null,
      getItem: (key) => (items.has(String(key)) ? items.get(String(key)) : null),
      setItem: (key, value) => items.set(String(key), String(value)),
      removeItem: (key) => items.delete(String(key)),
      clear: () => items.clear(),
    };
    Object.defineProperty(window, "localStorage", { value: memory, configurable: true });
  }

  const container = document.getElementById("h5p-container");
  if (!container) return;
  const config = container.dataset;
  const siteOrigin = config.siteOrigin;
  const verbs = new Set(JSON.parse(config.verbs || "[]"));
  const framed = window.parent !== window;

  function post(message) {
    if (framed && siteOrigin) window.parent.postMessage(message, siteOrigin);
  }

  function verbOf(statement) {
    const id = (statement && statement.verb && statement.verb.id) || "";
    return id.slice(id.lastIndexOf("/") + 1);
  }

  function reportHeight() {
    post({ type: "streamwise:h5p:resize", height: Math.ceil(document.body.scrollHeight) });
  }

  function failed(error) {
    if (error) console.error("H5P activity failed to load:", error);
    container.textContent = config.errorText || "";
    post({ type: "streamwise:h5p:error" });
    reportHeight();
  }

  if (!window.H5PStandalone) {
    failed();
    return;
  }

  const options = {
    id: config.contentId,
    h5pJsonPath: config.h5pJsonPath,
    contentJsonPath: config.contentJsonPath,
    librariesPath: config.librariesPath,
    frameJs: config.frameJs,
    frameCss: config.frameCss,
    embedType: "div",
    frame: false,
    copyright: false,
    export: false,
    embed: false,
    icon: false,
    fullScreen: false,
    xAPIObjectIRI: config.objectIri,
  };

  new window.H5PStandalone.H5P(container, options).then(
    function () {
      window.H5P.externalDispatcher.on("xAPI", function (event) {
        const statement = event && event.data && event.data.statement;
        if (!statement || !verbs.has(verbOf(statement))) return;
        // A plain copy: only data crosses to the site, never objects of this document.
        post({ type: "streamwise:h5p:xapi", statement: JSON.parse(JSON.stringify(statement)) });
      });
      post({ type: "streamwise:h5p:ready" });
      reportHeight();
    },
    failed
  );

  if (window.ResizeObserver) {
    new ResizeObserver(reportHeight).observe(document.body);
  }
})();
