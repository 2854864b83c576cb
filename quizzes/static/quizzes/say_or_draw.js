// Say or draw: a simple drawing canvas for 4-7 reflections (pointer, touch and pen).
// The drawing is posted as a PNG data URL in the hidden `drawing` field; the server checks it.
// Without JavaScript the canvas stays hidden and pupils can choose a picture or type instead.

const WHITE = "#ffffff";

function setUp(root) {
  const panel = root.querySelector("[data-draw-panel]");
  if (!panel) return;
  const canvas = panel.querySelector("canvas");
  const input = panel.querySelector('input[name="drawing"]');
  const status = panel.querySelector("[data-draw-status]");
  const context = canvas.getContext("2d");
  if (!context) return;
  panel.hidden = false;

  const strokes = [];
  let colour = "#1f2430";
  let current = null;

  function paint(stroke) {
    context.strokeStyle = stroke.colour;
    context.fillStyle = stroke.colour;
    context.lineWidth = 8;
    context.lineCap = "round";
    context.lineJoin = "round";
    const [first, ...rest] = stroke.points;
    context.beginPath();
    if (!rest.length) {
      context.arc(first[0], first[1], 4, 0, Math.PI * 2);
      context.fill();
      return;
    }
    context.moveTo(first[0], first[1]);
    for (const [x, y] of rest) context.lineTo(x, y);
    context.stroke();
  }

  function redraw() {
    context.fillStyle = WHITE;
    context.fillRect(0, 0, canvas.width, canvas.height);
    for (const stroke of strokes) paint(stroke);
  }

  function sync(message) {
    input.value = strokes.length ? canvas.toDataURL("image/png") : "";
    if (status) status.textContent = message || "";
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * canvas.width) / box.width,
      ((event.clientY - box.top) * canvas.height) / box.height,
    ];
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = { colour, points: [point(event)] };
    strokes.push(current);
    paint(current);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!current) return;
    event.preventDefault();
    current.points.push(point(event));
    redraw();
  });
  const finish = () => {
    if (!current) return;
    current = null;
    sync();
  };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  for (const button of panel.querySelectorAll("[data-colour]")) {
    button.addEventListener("click", () => {
      colour = button.dataset.colour;
      for (const other of panel.querySelectorAll("[data-colour]")) {
        other.setAttribute("aria-pressed", String(other === button));
      }
    });
  }
  panel.querySelector("[data-draw-undo]").addEventListener("click", () => {
    strokes.pop();
    redraw();
    sync(strokes.length ? "" : panel.dataset.emptyMessage || "");
  });
  panel.querySelector("[data-draw-clear]").addEventListener("click", () => {
    strokes.length = 0;
    redraw();
    sync(panel.dataset.emptyMessage || "");
  });
  redraw();
}

for (const root of document.querySelectorAll("[data-say-or-draw]")) setUp(root);
