/*
 * Streamwise.SpotTheSigns: a pretend chat in which the pupil taps the warning signs.
 *
 * Original code for Streamwise (BSD-3-Clause), written against the H5P runtime API
 * (H5P.EventDispatcher, triggerXAPIScored). Every text comes from content.json and is put in
 * the page with textContent, never as HTML.
 *
 * content.json:
 *   { "intro": "…", "chatName": "…", "pupilName": "…",
 *     "messages": [ { "from": "them" | "me", "text": "…", "warning": true,
 *                     "explanation": "…" } ],
 *     "labels": { … optional overrides of LABELS … } }
 *
 * Only messages from "them" can be tapped. Score: warning signs tapped, minus harmless
 * messages tapped (never below 0); the maximum is the number of warning signs (the server
 * computes the same number from content.json).
 */
(function () {
  "use strict";

  const LABELS = {
    instructions: "Tap every message that is a warning sign. Tap it again to change your mind.",
    check: "Check my answers",
    retry: "Try again",
    flagged: "You marked this as a warning sign.",
    warning: "Warning sign",
    spotted: "You spotted this warning sign.",
    missed: "You missed this warning sign.",
    harmless: "This message is fine.",
    falseAlarm: "This one was fine, but it is always OK to ask a trusted adult.",
    score: "You got :score out of :max.",
    them: "Them",
    me: "You",
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

  function messagesOf(params) {
    return (Array.isArray(params.messages) ? params.messages : []).filter(function (message) {
      return message && typeof message === "object" && text(message.text);
    });
  }

  function SpotTheSigns(params, contentId, extras) {
    H5P.EventDispatcher.call(this);
    this.params = params && typeof params === "object" ? params : {};
    this.contentId = contentId;
    this.extras = extras || {};
    this.labels = Object.assign({}, LABELS, this.params.labels || {});
    this.messages = messagesOf(this.params);
    this.maxScore = this.messages.filter(function (message) {
      return message.from !== "me" && message.warning === true;
    }).length;
    this.resetTask();
  }

  SpotTheSigns.prototype = Object.create(H5P.EventDispatcher.prototype);
  SpotTheSigns.prototype.constructor = SpotTheSigns;

  SpotTheSigns.prototype.attach = function ($container) {
    this.root = $container.get(0);
    this.root.classList.add("sw-sts");
    this.render();
  };

  SpotTheSigns.prototype.render = function () {
    const root = this.root;
    const self = this;
    root.textContent = "";
    this.buttons = [];

    const title = text(this.params.title) || text(this.extras.metadata && this.extras.metadata.title);
    if (title) root.appendChild(element("h2", "sw-sts__title", title));
    if (text(this.params.intro)) root.appendChild(element("p", "sw-sts__intro", this.params.intro));
    root.appendChild(element("p", "sw-sts__instructions", this.labels.instructions));

    const chat = element("div", "sw-sts__chat");
    if (text(this.params.chatName)) {
      chat.appendChild(element("p", "sw-sts__chat-name", this.params.chatName));
    }
    const log = element("ol", "sw-sts__log");
    this.messages.forEach(function (message, index) {
      const mine = message.from === "me";
      const item = element("li", "sw-sts__message " + (mine ? "sw-sts__message--me" : "sw-sts__message--them"));
      const speaker = mine
        ? text(self.params.pupilName) || self.labels.me
        : text(self.params.chatName) || self.labels.them;
      if (mine) {
        const bubble = element("p", "sw-sts__bubble");
        bubble.appendChild(element("span", "sw-sts__speaker", speaker + ": "));
        bubble.appendChild(document.createTextNode(message.text));
        item.appendChild(bubble);
      } else {
        const toggle = element("button", "sw-sts__bubble sw-sts__bubble--button");
        toggle.type = "button";
        toggle.setAttribute("aria-pressed", "false");
        toggle.appendChild(element("span", "sw-sts__speaker", speaker + ": "));
        toggle.appendChild(document.createTextNode(message.text));
        const mark = element("span", "sw-sts__mark", self.labels.warning);
        mark.hidden = true;
        toggle.appendChild(mark);
        toggle.addEventListener("click", function () {
          const pressed = toggle.getAttribute("aria-pressed") !== "true";
          toggle.setAttribute("aria-pressed", String(pressed));
          mark.hidden = !pressed;
          self.answered = true;
        });
        self.buttons.push({ index: index, message: message, toggle: toggle, item: item });
        item.appendChild(toggle);
      }
      log.appendChild(item);
    });
    chat.appendChild(log);
    root.appendChild(chat);

    this.result = element("div", "sw-sts__result");
    this.result.setAttribute("role", "status");
    root.appendChild(this.result);

    const actions = element("div", "sw-sts__actions");
    this.checkButton = element("button", "sw-sts__action sw-sts__action--primary", this.labels.check);
    this.checkButton.type = "button";
    this.checkButton.addEventListener("click", this.check.bind(this));
    actions.appendChild(this.checkButton);
    root.appendChild(actions);
    this.trigger("resize");
  };

  SpotTheSigns.prototype.check = function () {
    const self = this;
    let spotted = 0;
    let falseAlarms = 0;
    this.buttons.forEach(function (entry) {
      const flagged = entry.toggle.getAttribute("aria-pressed") === "true";
      const warning = entry.message.warning === true;
      entry.toggle.disabled = true;
      let verdict;
      if (warning && flagged) {
        spotted += 1;
        verdict = self.labels.spotted;
        entry.item.classList.add("sw-sts__message--spotted");
      } else if (warning) {
        verdict = self.labels.missed;
        entry.item.classList.add("sw-sts__message--missed");
      } else if (flagged) {
        falseAlarms += 1;
        verdict = self.labels.falseAlarm;
        entry.item.classList.add("sw-sts__message--false-alarm");
      } else {
        verdict = self.labels.harmless;
      }
      const explanation = element("p", "sw-sts__explanation");
      explanation.appendChild(element("strong", "", verdict));
      if (text(entry.message.explanation)) {
        explanation.appendChild(document.createTextNode(" " + entry.message.explanation));
      }
      entry.item.appendChild(explanation);
    });
    this.score = Math.max(0, spotted - falseAlarms);
    this.answered = true;

    this.result.textContent = "";
    const summary = element(
      "p",
      "sw-sts__score",
      this.labels.score.replace(":score", String(this.score)).replace(":max", String(this.maxScore))
    );
    this.result.appendChild(summary);
    this.checkButton.remove();
    const retry = element("button", "sw-sts__action", this.labels.retry);
    retry.type = "button";
    retry.addEventListener("click", function () {
      self.resetTask();
      self.render();
    });
    this.result.appendChild(retry);
    summary.setAttribute("tabindex", "-1");
    summary.focus();
    this.trigger("resize");

    const success = this.score >= this.maxScore;
    this.triggerXAPIScored(this.score, this.maxScore, "answered", true, success);
    this.triggerXAPIScored(this.score, this.maxScore, "completed", true, success);
  };

  // The H5P question contract, so other content can embed and score this one.
  SpotTheSigns.prototype.getScore = function () {
    return this.score;
  };
  SpotTheSigns.prototype.getMaxScore = function () {
    return this.maxScore;
  };
  SpotTheSigns.prototype.getAnswerGiven = function () {
    return this.answered;
  };
  SpotTheSigns.prototype.showSolutions = function () {};
  SpotTheSigns.prototype.resetTask = function () {
    this.score = 0;
    this.answered = false;
  };

  window.Streamwise = window.Streamwise || {};
  window.Streamwise.SpotTheSigns = SpotTheSigns;
})();
