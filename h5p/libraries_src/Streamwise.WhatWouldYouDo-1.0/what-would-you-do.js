/*
 * Streamwise.WhatWouldYouDo: a branching "What would you do?" scenario.
 *
 * Original code for Streamwise (BSD-3-Clause), written against the H5P runtime API
 * (H5P.EventDispatcher, triggerXAPIScored). Every text comes from content.json and is put in
 * the page with textContent, never as HTML.
 *
 * content.json:
 *   { "intro": "…", "start": "scene-id",
 *     "scenes": [ { "id": "…", "text": "…", "question": "…",
 *                   "choices": [ { "text": "…", "safe": true, "feedback": "…",
 *                                  "next": "scene-id or null" } ] } ],
 *     "ending": { "allSafe": "…", "someUnsafe": "…" },
 *     "labels": { … optional overrides of LABELS … } }
 *
 * Score: one point for each safe choice; the maximum is the most safe choices any path can
 * collect (the server computes the same number from content.json).
 */
(function () {
  "use strict";

  const LABELS = {
    start: "Start",
    question: "What would you do?",
    continue: "Continue",
    finish: "See how you did",
    retry: "Try again",
    safe: "Good choice",
    unsafe: "Think again",
    score: "You made :score safe choices out of :max.",
    step: "Step :step",
  };

  function text(value) {
    return typeof value === "string" ? value : "";
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function button(label, className, onClick) {
    const node = element("button", "sw-wwyd__button " + (className || ""), label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  // Choices a pupil can pick: objects with some text (the server counts the same ones).
  function choicesOf(scene) {
    return (Array.isArray(scene.choices) ? scene.choices : []).filter(function (choice) {
      return choice && typeof choice === "object" && typeof choice.text === "string";
    });
  }

  function scenesById(params) {
    const scenes = new Map();
    (Array.isArray(params.scenes) ? params.scenes : []).forEach(function (scene) {
      if (scene && typeof scene.id === "string" && !scenes.has(scene.id)) {
        scenes.set(scene.id, scene);
      }
    });
    return scenes;
  }

  // The most safe choices one path can collect; a scene already on the path ends it.
  function bestScore(scenes, sceneId, visiting, memo) {
    if (!scenes.has(sceneId) || visiting.has(sceneId)) return 0;
    if (memo.has(sceneId)) return memo.get(sceneId);
    const seen = new Set(visiting).add(sceneId);
    let best = 0;
    choicesOf(scenes.get(sceneId)).forEach(function (choice) {
      const points = choice.safe === true ? 1 : 0;
      best = Math.max(best, points + bestScore(scenes, choice.next, seen, memo));
    });
    memo.set(sceneId, best);
    return best;
  }

  function WhatWouldYouDo(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params && typeof params === "object" ? params : {};
    this.contentId = contentId;
    this.extras = extras || {};
    this.labels = Object.assign({}, LABELS, this.params.labels || {});
    this.scenes = scenesById(this.params);
    this.startId =
      typeof this.params.start === "string" ? this.params.start : this.scenes.keys().next().value;
    this.maxScore = bestScore(this.scenes, this.startId, new Set(), new Map());
    this.resetTask();
  }

  WhatWouldYouDo.prototype = Object.create(H5P.EventDispatcher.prototype);
  WhatWouldYouDo.prototype.constructor = WhatWouldYouDo;

  WhatWouldYouDo.prototype.attach = function ($container) {
    this.root = $container.get(0);
    this.root.classList.add("sw-wwyd");
    this.renderIntro();
  };

  WhatWouldYouDo.prototype.screen = function () {
    this.root.textContent = "";
    const screen = element("div", "sw-wwyd__screen");
    this.root.appendChild(screen);
    return screen;
  };

  WhatWouldYouDo.prototype.focus = function (node) {
    node.setAttribute("tabindex", "-1");
    node.focus({ preventScroll: false });
    this.trigger("resize");
  };

  WhatWouldYouDo.prototype.renderIntro = function () {
    const screen = this.screen();
    const title = text(this.params.title) || text(this.extras.metadata && this.extras.metadata.title);
    if (title) screen.appendChild(element("h2", "sw-wwyd__title", title));
    if (text(this.params.intro)) screen.appendChild(element("p", "sw-wwyd__intro", this.params.intro));
    const self = this;
    screen.appendChild(
      button(this.labels.start, "sw-wwyd__button--primary", function () {
        self.setActivityStarted();
        self.renderScene(self.startId);
      })
    );
    this.trigger("resize");
  };

  WhatWouldYouDo.prototype.renderScene = function (sceneId) {
    const scene = this.scenes.get(sceneId);
    if (!scene || this.path.indexOf(sceneId) !== -1) {
      this.finish();
      return;
    }
    this.path.push(sceneId);
    const screen = this.screen();
    const step = element("p", "sw-wwyd__step", this.labels.step.replace(":step", String(this.path.length)));
    screen.appendChild(step);
    const story = element("p", "sw-wwyd__story", text(scene.text));
    screen.appendChild(story);
    const heading = element("h2", "sw-wwyd__question", text(scene.question) || this.labels.question);
    screen.appendChild(heading);

    const list = element("ul", "sw-wwyd__choices");
    const self = this;
    const choices = choicesOf(scene);
    choices.forEach(function (choice) {
      const item = element("li", "sw-wwyd__choice");
      item.appendChild(
        button(choice.text, "sw-wwyd__button--choice", function (event) {
          self.choose(choice, event.currentTarget, list, screen);
        })
      );
      list.appendChild(item);
    });
    screen.appendChild(list);
    if (choices.length === 0) {
      screen.appendChild(button(this.labels.finish, "sw-wwyd__button--primary", this.finish.bind(this)));
    }
    if (this.path.length > 1) this.focus(story);
    else this.focus(heading);
  };

  WhatWouldYouDo.prototype.choose = function (choice, chosen, list, screen) {
    list.querySelectorAll("button").forEach(function (node) {
      node.disabled = true;
    });
    chosen.setAttribute("aria-pressed", "true");
    chosen.classList.add("sw-wwyd__button--chosen");
    const safe = choice.safe === true;
    if (safe) this.score += 1;
    this.answered = true;

    const feedback = element("div", "sw-wwyd__feedback " + (safe ? "sw-wwyd__feedback--safe" : "sw-wwyd__feedback--unsafe"));
    const verdict = element("p", "sw-wwyd__verdict", safe ? this.labels.safe : this.labels.unsafe);
    feedback.appendChild(verdict);
    if (text(choice.feedback)) feedback.appendChild(element("p", "sw-wwyd__explanation", choice.feedback));
    const next = typeof choice.next === "string" && this.scenes.has(choice.next) ? choice.next : null;
    const self = this;
    feedback.appendChild(
      button(next ? this.labels.continue : this.labels.finish, "sw-wwyd__button--primary", function () {
        if (next) self.renderScene(next);
        else self.finish();
      })
    );
    screen.appendChild(feedback);
    this.focus(verdict);
  };

  WhatWouldYouDo.prototype.finish = function () {
    const screen = this.screen();
    const heading = element(
      "h2",
      "sw-wwyd__result",
      this.labels.score.replace(":score", String(this.score)).replace(":max", String(this.maxScore))
    );
    screen.appendChild(heading);
    const ending = this.params.ending || {};
    const message = this.score >= this.maxScore ? text(ending.allSafe) : text(ending.someUnsafe);
    if (message) screen.appendChild(element("p", "sw-wwyd__ending", message));
    const self = this;
    screen.appendChild(
      button(this.labels.retry, "", function () {
        self.resetTask();
        self.renderIntro();
      })
    );
    this.focus(heading);
    const success = this.score >= this.maxScore;
    this.triggerXAPIScored(this.score, this.maxScore, "answered", true, success);
    this.triggerXAPIScored(this.score, this.maxScore, "completed", true, success);
  };

  // The H5P question contract, so other content can embed and score this one.
  WhatWouldYouDo.prototype.getScore = function () {
    return this.score;
  };
  WhatWouldYouDo.prototype.getMaxScore = function () {
    return this.maxScore;
  };
  WhatWouldYouDo.prototype.getAnswerGiven = function () {
    return this.answered;
  };
  WhatWouldYouDo.prototype.showSolutions = function () {};
  WhatWouldYouDo.prototype.resetTask = function () {
    this.score = 0;
    this.path = [];
    this.answered = false;
  };

  window.Streamwise = window.Streamwise || {};
  window.Streamwise.WhatWouldYouDo = WhatWouldYouDo;
})();
