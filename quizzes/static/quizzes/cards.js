// Ordering and matching questions answered with cards (ages 4–10), not dropdowns.
//
// Progressive enhancement: the form keeps one <select> per place (ordering) or per item
// (matching), which is what is posted and what works without JavaScript. With this file the
// selects are hidden and kept in step with cards the pupil taps, clicks or moves by keyboard:
// - ordering: each card has Move up / Move down buttons; or tap a card, then the card it should
//   swap with;
// - matching: tap a card, then the place where it goes (tapping a filled place with no card
//   picked up puts its card back).
// With a mouse, cards can also be dragged onto the card to swap with or the place they go.
// Every control is a real <button> (Enter and Space work), at least 44×44 CSS px, and each change
// is announced in a status region.

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function makeButton(className, text) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = text;
  return button;
}

// Dragging is the same as picking a card up (`onPick`) and tapping where it goes (`onDrop`).
function draggable(card, value, onPick) {
  card.draggable = true;
  card.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("text/plain", value);
    event.dataTransfer.effectAllowed = "move";
    onPick(value);
  });
}

function dropZone(element, onDrop) {
  element.addEventListener("dragover", (event) => event.preventDefault());
  element.addEventListener("drop", (event) => {
    event.preventDefault();
    onDrop();
  });
}

function setupStatus(root) {
  const status = document.createElement("p");
  status.className = "quiz-cards__status";
  status.setAttribute("role", "status");
  root.append(status);
  return (text) => {
    status.textContent = text;
  };
}

function showErrors(root) {
  const seen = new Set();
  root.querySelectorAll("[data-quiz-cards-error]").forEach((error) => {
    if (!seen.has(error.textContent)) error.hidden = false;
    seen.add(error.textContent);
  });
}

// --- Ordering ------------------------------------------------------------------------------

function enhanceOrdering(root, selects) {
  const d = root.dataset;
  const texts = new Map(
    Array.from(selects[0].options)
      .filter((o) => o.value)
      .map((o) => [o.value, o.text]),
  );
  // Start from the saved answer if there is one, else the order this attempt shows.
  let order = selects.map((s) => s.value);
  if (order.some((v) => !v) || new Set(order).size !== order.length) order = Array.from(texts.keys());
  let picked = null;
  const list = document.createElement("ol");
  list.className = "quiz-cards__list";
  const announce = setupStatus(root);

  function sync() {
    selects.forEach((select, i) => {
      select.value = order[i];
    });
  }

  function render(focus) {
    list.replaceChildren();
    order.forEach((value, i) => {
      const text = texts.get(value);
      const row = document.createElement("li");
      row.className = "quiz-cards__row";
      const number = document.createElement("span");
      number.className = "quiz-cards__number";
      number.textContent = String(i + 1);
      number.setAttribute("aria-hidden", "true");
      const card = makeButton("quiz-card-button", text);
      card.setAttribute("aria-pressed", picked === value ? "true" : "false");
      card.setAttribute("aria-label", `${say(d.labelNumber, { number: i + 1 })}: ${text}`);
      card.dataset.value = value;
      card.addEventListener("click", () => tap(value));
      draggable(card, value, (v) => {
        picked = v;
      });
      dropZone(card, () => picked !== null && picked !== value && tap(value));
      const up = makeButton("quiz-move", "↑");
      up.setAttribute("aria-label", say(d.labelUpNamed, { item: text }));
      up.title = d.labelUp;
      up.disabled = i === 0;
      up.addEventListener("click", () => move(i, -1, "up"));
      const down = makeButton("quiz-move", "↓");
      down.setAttribute("aria-label", say(d.labelDownNamed, { item: text }));
      down.title = d.labelDown;
      down.disabled = i === order.length - 1;
      down.addEventListener("click", () => move(i, 1, "down"));
      row.append(number, card, up, down);
      list.append(row);
    });
    if (focus) {
      const [value, kind] = focus;
      const index = order.indexOf(value);
      const row = list.children[index];
      let target = row.querySelector(".quiz-card-button");
      if (kind === "up") target = row.querySelectorAll(".quiz-move")[index === 0 ? 1 : 0];
      if (kind === "down") target = row.querySelectorAll(".quiz-move")[index === order.length - 1 ? 0 : 1];
      target.focus();
    }
  }

  function move(index, step, kind) {
    const to = index + step;
    if (to < 0 || to >= order.length) return;
    const value = order[index];
    [order[index], order[to]] = [order[to], order[index]];
    picked = null;
    sync();
    render([value, kind]);
    announce(say(d.sayMoved, { item: texts.get(value), number: to + 1 }));
  }

  function tap(value) {
    if (picked === null) {
      picked = value;
      render([value, "card"]);
      announce(say(d.sayPicked, { item: texts.get(value) }));
      return;
    }
    if (picked !== value) {
      const a = order.indexOf(picked);
      const b = order.indexOf(value);
      [order[a], order[b]] = [order[b], order[a]];
      announce(say(d.saySwapped, { item: texts.get(picked), other: texts.get(value) }));
    } else {
      announce("");
    }
    const moved = picked;
    picked = null;
    sync();
    render([moved, "card"]);
  }

  sync();
  render(null);
  root.querySelector("[data-quiz-cards-fallback]").after(list);
}

// --- Matching ------------------------------------------------------------------------------

function enhanceMatching(root, selects) {
  const d = root.dataset;
  const texts = new Map(
    Array.from(selects[0].options)
      .filter((o) => o.value)
      .map((o) => [o.value, o.text]),
  );
  const labels = selects.map((s) => root.querySelector(`label[for="${s.id}"]`).textContent.trim());
  // Which card sits at each place (from a saved answer), or null.
  const placed = selects.map((s) => s.value || null);
  let picked = null;
  const announce = setupStatus(root);

  const poolHeading = document.createElement("p");
  poolHeading.className = "quiz-cards__heading";
  poolHeading.id = `${root.querySelector("select").id}-cards`;
  poolHeading.textContent = d.labelCards;
  const pool = document.createElement("ul");
  pool.className = "quiz-cards__pool";
  pool.setAttribute("aria-labelledby", poolHeading.id);
  const targets = document.createElement("ul");
  targets.className = "quiz-cards__targets";

  function sync() {
    selects.forEach((select, i) => {
      select.value = placed[i] || "";
    });
  }

  function render(focus) {
    pool.replaceChildren();
    for (const [value, text] of texts) {
      if (placed.includes(value)) continue;
      const item = document.createElement("li");
      const card = makeButton("quiz-card-button", text);
      card.setAttribute("aria-pressed", picked === value ? "true" : "false");
      card.dataset.value = value;
      card.addEventListener("click", () => pick(value));
      draggable(card, value, (v) => {
        picked = v;
      });
      item.append(card);
      pool.append(item);
    }
    poolHeading.hidden = pool.children.length === 0;
    targets.replaceChildren();
    labels.forEach((label, i) => {
      const row = document.createElement("li");
      row.className = "quiz-cards__target-row";
      const name = document.createElement("span");
      name.className = "quiz-cards__left";
      name.textContent = label;
      name.setAttribute("aria-hidden", "true");
      const value = placed[i];
      const target = makeButton(
        `quiz-target${value ? " is-filled" : ""}`,
        value ? texts.get(value) : d.labelEmpty,
      );
      target.setAttribute("aria-label", `${label}: ${value ? texts.get(value) : d.labelEmpty}`);
      target.dataset.index = String(i);
      target.addEventListener("click", () => drop(i));
      dropZone(target, () => picked !== null && drop(i));
      row.append(name, target);
      targets.append(row);
    });
    if (focus) focus();
  }

  function pick(value) {
    picked = picked === value ? null : value;
    render(() => pool.querySelector(`[data-value="${CSS.escape(value)}"]`)?.focus());
    if (picked) announce(say(d.sayPicked, { item: texts.get(value) }));
  }

  function drop(index) {
    const focusTarget = () => targets.querySelector(`[data-index="${index}"]`).focus();
    if (picked === null) {
      const value = placed[index];
      if (!value) return;
      placed[index] = null;
      sync();
      render(focusTarget);
      announce(say(d.sayBack, { item: texts.get(value) }));
      return;
    }
    const value = picked;
    picked = null;
    const earlier = placed.indexOf(value);
    if (earlier >= 0) placed[earlier] = null;
    placed[index] = value;
    sync();
    render(focusTarget);
    let message = say(d.sayPlaced, { item: texts.get(value), target: labels[index] });
    if (placed.every((v) => v)) message += ` ${d.sayDone}`;
    announce(message);
  }

  sync();
  render(null);
  root.querySelector("[data-quiz-cards-fallback]").after(poolHeading, pool, targets);
}

function enhance(root) {
  if (root.dataset.enhanced) return;
  const selects = Array.from(root.querySelectorAll("[data-quiz-cards-fallback] select"));
  // A question already answered shows its (disabled) answer as it is.
  if (!selects.length || selects.some((s) => s.disabled)) return;
  root.dataset.enhanced = "true";
  root.querySelector("[data-quiz-cards-fallback]").hidden = true;
  const hint = root.querySelector("[data-quiz-cards-hint]");
  if (hint) hint.textContent = root.dataset.hint;
  showErrors(root);
  if (root.dataset.quizCards === "ordering") enhanceOrdering(root, selects);
  else enhanceMatching(root, selects);
}

document.querySelectorAll("[data-quiz-cards]").forEach(enhance);
