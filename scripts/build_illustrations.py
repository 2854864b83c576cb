"""Build Streamwise's own lesson illustrations (SVG) from simple shapes.

    python scripts/build_illustrations.py

Writes `lessons/illustrations/*.svg`: one picture per step of the ages 4-7 and 8-10 modules and
small picture cards for the 4-7 activities. Everything is drawn here from circles, rectangles
and paths: friendly round-headed characters with varied skin tones and hair, tablets and phones,
speech bubbles, trusted grown-ups and calm home, classroom or bedroom backgrounds. No stock or
copied images. The output is deterministic, so re-running only changes files whose scene
changed (and `load_curriculum` imports a changed file as a new version in the image library).
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parent.parent / "lessons" / "illustrations"

W, H = 640, 400
SKIN = {
    "light": "#f6d7c3",
    "pale": "#fbe3d6",
    "olive": "#e0b98f",
    "tan": "#c68e5e",
    "brown": "#9a6440",
    "dark": "#6b4328",
}
HAIR = {
    "black": "#2b2321",
    "brown": "#6a4326",
    "blond": "#e2c16b",
    "red": "#c4622d",
    "grey": "#b9b9b9",
}
BACKGROUNDS = {
    "home": ("#fdf3e1", "#e9d3ae"),
    "kitchen": ("#eaf5ef", "#d5c3a5"),
    "classroom": ("#e8f1fb", "#cdb892"),
    "bedroom": ("#e6e4f6", "#c9b8a0"),
    "garden": ("#e3f4fb", "#a8d59a"),
}


def _background(kind: str) -> str:
    wall, floor = BACKGROUNDS[kind]
    parts = [
        f'<rect width="{W}" height="{H}" fill="{wall}"/>',
        f'<rect y="300" width="{W}" height="100" fill="{floor}"/>',
    ]
    if kind in ("home", "kitchen"):
        parts.append(
            '<rect x="470" y="50" width="120" height="100" rx="8" fill="#bfe3f5" '
            'stroke="#ffffff" stroke-width="8"/>'
            '<line x1="530" y1="50" x2="530" y2="150" stroke="#ffffff" stroke-width="6"/>'
            '<circle cx="500" cy="80" r="12" fill="#fff6c2"/>'
        )
    if kind == "home":
        parts.append(
            '<rect x="40" y="230" width="170" height="70" rx="20" fill="#8fb3d9"/>'
            '<rect x="30" y="215" width="30" height="85" rx="12" fill="#7aa1ca"/>'
        )
    if kind == "kitchen":
        parts.append(
            '<rect x="20" y="210" width="200" height="90" fill="#f2e6cf" stroke="#d5c3a5" '
            'stroke-width="4"/><rect x="60" y="190" width="40" height="22" rx="6" fill="#d9d9d9"/>'
        )
    if kind == "classroom":
        parts.append(
            '<rect x="170" y="40" width="300" height="150" rx="10" fill="#4f7d5c" '
            'stroke="#b68a59" stroke-width="10"/>'
            '<path d="M200 80 h90 M200 110 h140 M200 140 h60" stroke="#f4f4f4" '
            'stroke-width="6" stroke-linecap="round"/>'
        )
    if kind == "bedroom":
        parts.append(
            '<rect x="470" y="50" width="120" height="100" rx="8" fill="#3d4a7a" '
            'stroke="#ffffff" stroke-width="8"/><circle cx="545" cy="90" r="18" fill="#fff3b0"/>'
            '<circle cx="553" cy="84" r="16" fill="#3d4a7a"/>'
            '<rect x="20" y="250" width="220" height="60" rx="14" fill="#f4a7a7"/>'
            '<rect x="20" y="230" width="60" height="40" rx="14" fill="#ffffff"/>'
        )
    if kind == "garden":
        parts.append(
            '<circle cx="560" cy="70" r="34" fill="#ffe28a"/>'
            '<circle cx="90" cy="250" r="50" fill="#7fc27b"/>'
            '<rect x="82" y="260" width="16" height="50" fill="#8a5a3b"/>'
        )
    return "".join(parts)


def _face(cx: float, cy: float, r: float, mood: str) -> str:
    eye_y, eye_dx = cy - r * 0.05, r * 0.35
    parts = [
        f'<circle cx="{cx - eye_dx:.1f}" cy="{eye_y:.1f}" r="{r * 0.09:.1f}" fill="#2b2321"/>',
        f'<circle cx="{cx + eye_dx:.1f}" cy="{eye_y:.1f}" r="{r * 0.09:.1f}" fill="#2b2321"/>',
        f'<circle cx="{cx - r * 0.55:.1f}" cy="{cy + r * 0.25:.1f}" r="{r * 0.12:.1f}" '
        'fill="#f19a8e" opacity="0.5"/>',
        f'<circle cx="{cx + r * 0.55:.1f}" cy="{cy + r * 0.25:.1f}" r="{r * 0.12:.1f}" '
        'fill="#f19a8e" opacity="0.5"/>',
    ]
    my = cy + r * 0.35
    if mood == "smile":
        parts.append(
            f'<path d="M{cx - r * 0.3:.1f} {my:.1f} Q{cx:.1f} {my + r * 0.3:.1f} '
            f'{cx + r * 0.3:.1f} {my:.1f}" fill="none" stroke="#2b2321" '
            f'stroke-width="{r * 0.08:.1f}" stroke-linecap="round"/>'
        )
    elif mood == "unsure":  # a small wavy mouth and raised brows: thoughtful, never scared
        parts.append(
            f'<path d="M{cx - r * 0.22:.1f} {my + r * 0.08:.1f} q{r * 0.11:.1f} {-r * 0.1:.1f} '
            f'{r * 0.22:.1f} 0 t{r * 0.22:.1f} 0" fill="none" stroke="#2b2321" '
            f'stroke-width="{r * 0.07:.1f}" stroke-linecap="round"/>'
            f'<path d="M{cx - eye_dx - r * 0.12:.1f} {eye_y - r * 0.22:.1f} l{r * 0.24:.1f} '
            f"{-r * 0.06:.1f} M{cx + eye_dx - r * 0.12:.1f} {eye_y - r * 0.28:.1f} "
            f'l{r * 0.24:.1f} {r * 0.06:.1f}" stroke="#2b2321" stroke-width="{r * 0.06:.1f}" '
            'stroke-linecap="round"/>'
        )
    else:  # "calm": a gentle straight smile
        parts.append(
            f'<path d="M{cx - r * 0.2:.1f} {my + r * 0.05:.1f} Q{cx:.1f} {my + r * 0.15:.1f} '
            f'{cx + r * 0.2:.1f} {my + r * 0.05:.1f}" fill="none" stroke="#2b2321" '
            f'stroke-width="{r * 0.07:.1f}" stroke-linecap="round"/>'
        )
    return "".join(parts)


def _hair(cx: float, cy: float, r: float, colour: str, style: str) -> str:
    c = HAIR[colour]
    if style == "curly":
        return "".join(
            f'<circle cx="{cx + dx * r:.1f}" cy="{cy + dy * r:.1f}" r="{r * 0.32:.1f}" fill="{c}"/>'
            for dx, dy in ((-0.75, -0.45), (-0.4, -0.85), (0, -0.95), (0.4, -0.85), (0.75, -0.45))
        )
    if style == "long":
        return (
            f'<path d="M{cx - r * 1.05:.1f} {cy + r * 1.1:.1f} V{cy - r * 0.1:.1f} '
            f"A{r * 1.05:.1f} {r * 1.05:.1f} 0 0 1 {cx + r * 1.05:.1f} {cy - r * 0.1:.1f} "
            f'V{cy + r * 1.1:.1f} Z" fill="{c}"/>'
        )
    if style == "bunches":
        return (
            f'<circle cx="{cx - r * 1.05:.1f}" cy="{cy:.1f}" r="{r * 0.38:.1f}" fill="{c}"/>'
            f'<circle cx="{cx + r * 1.05:.1f}" cy="{cy:.1f}" r="{r * 0.38:.1f}" fill="{c}"/>'
            f'<path d="M{cx - r:.1f} {cy - r * 0.2:.1f} A{r:.1f} {r:.1f} 0 0 1 {cx + r:.1f} '
            f'{cy - r * 0.2:.1f} Q{cx:.1f} {cy - r * 0.6:.1f} {cx - r:.1f} {cy - r * 0.2:.1f}Z" '
            f'fill="{c}"/>'
        )
    if style == "wrap":
        return (
            f'<path d="M{cx - r * 1.05:.1f} {cy - r * 0.15:.1f} Q{cx:.1f} {cy - r * 2:.1f} '
            f'{cx + r * 1.05:.1f} {cy - r * 0.15:.1f} Z" fill="#e2843a"/>'
        )
    if style == "bald":
        return (
            f'<path d="M{cx - r * 1.02:.1f} {cy:.1f} q{r * 0.1:.1f} {-r * 0.4:.1f} '
            f"{r * 0.3:.1f} {-r * 0.45:.1f} M{cx + r * 1.02:.1f} {cy:.1f} q{-r * 0.1:.1f} "
            f'{-r * 0.4:.1f} {-r * 0.3:.1f} {-r * 0.45:.1f}" stroke="{c}" '
            f'stroke-width="{r * 0.25:.1f}" fill="none" stroke-linecap="round"/>'
        )
    # "short"
    return (
        f'<path d="M{cx - r:.1f} {cy - r * 0.1:.1f} A{r:.1f} {r:.1f} 0 0 1 {cx + r:.1f} '
        f"{cy - r * 0.1:.1f} Q{cx + r * 0.3:.1f} {cy - r * 0.55:.1f} {cx - r:.1f} "
        f'{cy - r * 0.1:.1f}Z" fill="{c}"/>'
    )


def person(
    x: float,
    *,
    skin: str,
    hair: str,
    style: str,
    shirt: str,
    adult: bool = False,
    mood: str = "smile",
    holds: str = "",
) -> str:
    """A friendly character standing on the floor at `x`; grown-ups are taller."""
    r = 42 if adult else 36
    body_h = 120 if adult else 80
    foot = 340
    cy = foot - body_h - 30 - r
    cx = x
    long_back = style == "long"
    parts = []
    if long_back:
        parts.append(_hair(cx, cy, r, hair, style))
    legs_top = foot - 40
    parts.append(
        f'<rect x="{cx - r * 0.55:.1f}" y="{legs_top:.1f}" width="{r * 0.45:.1f}" height="40" '
        f'rx="8" fill="#3f4d6b"/><rect x="{cx + r * 0.1:.1f}" y="{legs_top:.1f}" '
        f'width="{r * 0.45:.1f}" height="40" rx="8" fill="#3f4d6b"/>'
    )
    top = cy + r * 0.85
    parts.append(
        f'<rect x="{cx - r * 0.85:.1f}" y="{top:.1f}" width="{r * 1.7:.1f}" '
        f'height="{legs_top - top + 8:.1f}" rx="{r * 0.5:.1f}" fill="{shirt}"/>'
    )
    # arms, bent forwards when holding something
    arm_y = top + 18
    if holds:
        parts.append(
            f'<path d="M{cx - r * 0.8:.1f} {arm_y:.1f} q{-r * 0.1:.1f} 40 {r * 0.5:.1f} 45 '
            f'M{cx + r * 0.8:.1f} {arm_y:.1f} q{r * 0.1:.1f} 40 {-r * 0.5:.1f} 45" '
            f'stroke="{SKIN[skin]}" stroke-width="14" fill="none" stroke-linecap="round"/>'
        )
    else:
        parts.append(
            f'<path d="M{cx - r * 0.8:.1f} {arm_y:.1f} q{-r * 0.4:.1f} 30 {-r * 0.35:.1f} 60 '
            f'M{cx + r * 0.8:.1f} {arm_y:.1f} q{r * 0.4:.1f} 30 {r * 0.35:.1f} 60" '
            f'stroke="{SKIN[skin]}" stroke-width="14" fill="none" stroke-linecap="round"/>'
        )
    parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{SKIN[skin]}"/>')
    if not long_back:
        parts.append(_hair(cx, cy, r, hair, style))
    else:
        parts.append(
            f'<path d="M{cx - r:.1f} {cy - r * 0.1:.1f} A{r:.1f} {r:.1f} 0 0 1 {cx + r:.1f} '
            f'{cy - r * 0.1:.1f} Q{cx:.1f} {cy - r * 0.7:.1f} {cx - r:.1f} {cy - r * 0.1:.1f}Z" '
            f'fill="{HAIR[hair]}"/>'
        )
    parts.append(_face(cx, cy, r, mood))
    if holds:
        parts.append(prop(holds, cx, arm_y + 40))
    return "".join(parts)


def prop(kind: str, cx: float, cy: float) -> str:
    if kind == "tablet":
        return (
            f'<rect x="{cx - 32}" y="{cy - 24}" width="64" height="46" rx="6" fill="#33384a"/>'
            f'<rect x="{cx - 26}" y="{cy - 18}" width="52" height="34" rx="3" fill="#9fd3f0"/>'
        )
    if kind == "phone":
        return (
            f'<rect x="{cx - 14}" y="{cy - 26}" width="28" height="48" rx="6" fill="#33384a"/>'
            f'<rect x="{cx - 10}" y="{cy - 20}" width="20" height="34" rx="2" fill="#9fd3f0"/>'
        )
    if kind == "laptop":
        return (
            f'<rect x="{cx - 40}" y="{cy - 34}" width="80" height="50" rx="5" fill="#33384a"/>'
            f'<rect x="{cx - 34}" y="{cy - 28}" width="68" height="38" fill="#9fd3f0"/>'
            f'<rect x="{cx - 50}" y="{cy + 16}" width="100" height="10" rx="4" fill="#5a6075"/>'
        )
    if kind == "dinosaur":
        return (
            f'<ellipse cx="{cx}" cy="{cy}" rx="26" ry="16" fill="#6cc36a"/>'
            f'<circle cx="{cx + 24}" cy="{cy - 16}" r="12" fill="#6cc36a"/>'
            f'<circle cx="{cx + 28}" cy="{cy - 19}" r="2.5" fill="#2b2321"/>'
            f'<path d="M{cx - 14} {cy - 14} l6 -10 l6 10 l6 -10 l6 10" fill="#4fa04d"/>'
        )
    if kind == "teddy":
        return (
            f'<circle cx="{cx}" cy="{cy + 4}" r="20" fill="#c8955d"/>'
            f'<circle cx="{cx}" cy="{cy - 20}" r="15" fill="#c8955d"/>'
            f'<circle cx="{cx - 12}" cy="{cy - 32}" r="6" fill="#c8955d"/>'
            f'<circle cx="{cx + 12}" cy="{cy - 32}" r="6" fill="#c8955d"/>'
            f'<circle cx="{cx - 5}" cy="{cy - 22}" r="2" fill="#2b2321"/>'
            f'<circle cx="{cx + 5}" cy="{cy - 22}" r="2" fill="#2b2321"/>'
        )
    if kind == "crayons":
        return "".join(
            f'<rect x="{cx - 30 + i * 16}" y="{cy - 20}" width="10" height="40" rx="3" fill="{c}"/>'
            for i, c in enumerate(("#e4572e", "#f3a712", "#29bf12", "#4b7bec"))
        )
    if kind == "blocks":
        return "".join(
            f'<rect x="{cx - 20}" y="{cy + 20 - i * 22}" width="40" height="22" rx="3" '
            f'fill="{c}" stroke="#ffffff" stroke-width="2"/>'
            for i, c in enumerate(("#e4572e", "#f3a712", "#29bf12", "#4b7bec"))
        )
    if kind == "book":
        return (
            f'<path d="M{cx - 34} {cy - 18} q17 -8 34 0 q17 -8 34 0 v40 q-17 -8 -34 0 '
            f'q-17 -8 -34 0z" fill="#ffffff" stroke="#4b7bec" stroke-width="4"/>'
            f'<line x1="{cx}" y1="{cy - 18}" x2="{cx}" y2="{cy + 22}" stroke="#4b7bec" '
            'stroke-width="3"/>'
        )
    if kind == "camera":
        return (
            f'<rect x="{cx - 30}" y="{cy - 18}" width="60" height="40" rx="8" fill="#5a6075"/>'
            f'<circle cx="{cx}" cy="{cy + 2}" r="13" fill="#9fd3f0" stroke="#ffffff" '
            f'stroke-width="4"/><rect x="{cx - 12}" y="{cy - 26}" width="20" height="10" '
            'rx="3" fill="#5a6075"/>'
        )
    if kind == "ball":
        return (
            f'<circle cx="{cx}" cy="{cy}" r="20" fill="#ffffff" stroke="#33384a" '
            f'stroke-width="3"/><circle cx="{cx}" cy="{cy}" r="7" fill="#33384a"/>'
        )
    if kind == "card":  # a birthday card
        return (
            f'<rect x="{cx - 24}" y="{cy - 30}" width="48" height="60" rx="4" fill="#ffd6e0" '
            f'stroke="#e36b8c" stroke-width="3"/><circle cx="{cx}" cy="{cy - 4}" r="10" '
            'fill="#e36b8c"/>'
        )
    return ""


def screen(x: float, y: float, w: float, h: float, *, content: str = "chat") -> str:
    """A big screen (a stream, a game or a chat) shown on the wall or beside a character."""
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="12" fill="#33384a"/>',
        f'<rect x="{x + 8}" y="{y + 8}" width="{w - 16}" height="{h - 16}" rx="6" fill="#f4f8ff"/>',
    ]
    if content == "chat":
        for i in range(3):
            by = y + 22 + i * (h - 40) / 3
            bw = (w - 50) * (0.9 - 0.2 * (i % 2))
            parts.append(
                f'<rect x="{x + 20}" y="{by:.1f}" width="{bw:.1f}" height="{(h - 60) / 4:.1f}" '
                f'rx="8" fill="{("#cfe3ff", "#ffe8b3", "#d9f2d9")[i]}"/>'
            )
    elif content == "fox":
        cx, cy = x + w / 2, y + h / 2
        parts.append(
            f'<path d="M{cx - 30} {cy - 10} l8 -30 l16 18 h12 l16 -18 l8 30 q0 40 -30 44 '
            f'q-30 -4 -30 -44z" fill="#e8833a"/><path d="M{cx - 14} {cy + 20} q14 14 28 0 '
            f'q-14 10 -28 0z" fill="#ffffff"/><circle cx="{cx - 12}" cy="{cy + 2}" r="3" '
            f'fill="#2b2321"/><circle cx="{cx + 12}" cy="{cy + 2}" r="3" fill="#2b2321"/>'
        )
    elif content == "cat":
        cx, cy = x + w / 2, y + h / 2 + 6
        parts.append(
            f'<rect x="{cx - 40}" y="{cy}" width="80" height="30" fill="#c8955d"/>'
            f'<circle cx="{cx}" cy="{cy - 8}" r="20" fill="#9a9a9a"/>'
            f'<path d="M{cx - 18} {cy - 18} l4 -18 l10 10z M{cx + 18} {cy - 18} l-4 -18 '
            f'l-10 10z" fill="#9a9a9a"/><circle cx="{cx - 7}" cy="{cy - 10}" r="2.5" '
            f'fill="#2b2321"/><circle cx="{cx + 7}" cy="{cy - 10}" r="2.5" fill="#2b2321"/>'
        )
    elif content == "popup":
        parts.append(
            f'<rect x="{x + w * 0.2:.1f}" y="{y + h * 0.25:.1f}" width="{w * 0.6:.1f}" '
            f'height="{h * 0.5:.1f}" rx="8" fill="#ffe8b3" stroke="#f3a712" stroke-width="3"/>'
            f'<text x="{x + w / 2:.1f}" y="{y + h / 2 + 10:.1f}" font-size="30" '
            f'text-anchor="middle" font-family="sans-serif" fill="#7a5400">?</text>'
        )
    elif content == "person":
        cx, cy = x + w / 2, y + h / 2
        parts.append(
            f'<circle cx="{cx}" cy="{cy - 8}" r="22" fill="{SKIN["olive"]}"/>'
            f'<path d="M{cx - 22} {cy - 12} a22 22 0 0 1 44 0 q-22 -10 -44 0z" '
            f'fill="{HAIR["brown"]}"/><rect x="{cx - 30}" y="{cy + 16}" width="60" '
            f'height="{h / 2 - 24:.1f}" rx="14" fill="#7cc6b5"/>' + _face(cx, cy - 8, 22, "smile")
        )
    return "".join(parts)


def bubble(x: float, y: float, symbol: str, *, thought: bool = False) -> str:
    """A speech (or thought) bubble holding a simple symbol: ?, !, a heart, a tick or dots."""
    parts = [
        f'<ellipse cx="{x}" cy="{y}" rx="46" ry="34" fill="#ffffff" stroke="#7a8aa6" '
        'stroke-width="3"/>'
    ]
    if thought:
        parts.append(
            f'<circle cx="{x - 34}" cy="{y + 40}" r="8" fill="#ffffff" stroke="#7a8aa6" '
            f'stroke-width="3"/><circle cx="{x - 46}" cy="{y + 56}" r="5" fill="#ffffff" '
            'stroke="#7a8aa6" stroke-width="3"/>'
        )
    else:
        parts.append(
            f'<path d="M{x - 20} {y + 30} l-14 22 l30 -18z" fill="#ffffff" stroke="#7a8aa6" '
            'stroke-width="3" stroke-linejoin="round"/>'
            f'<rect x="{x - 22}" y="{y + 24}" width="26" height="8" fill="#ffffff"/>'
        )
    if symbol == "heart":
        parts.append(
            f'<path d="M{x} {y + 16} l-18 -18 a10 10 0 0 1 18 -12 a10 10 0 0 1 18 12z" '
            'fill="#e36b8c"/>'
        )
    elif symbol == "tick":
        parts.append(
            f'<path d="M{x - 18} {y} l12 12 l24 -24" fill="none" stroke="#2e9e5b" '
            'stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    elif symbol == "dots":
        parts.append(
            "".join(f'<circle cx="{x + dx}" cy="{y}" r="5" fill="#7a8aa6"/>' for dx in (-16, 0, 16))
        )
    elif symbol == "shh":  # a secret: a small closed padlock
        parts.append(
            f'<path d="M{x - 10} {y - 4} v-8 a10 10 0 0 1 20 0 v8" fill="none" '
            f'stroke="#7a8aa6" stroke-width="5"/><rect x="{x - 17}" y="{y - 5}" width="34" '
            f'height="24" rx="5" fill="#f3a712"/><circle cx="{x}" cy="{y + 6}" r="4" '
            'fill="#7a5400"/>'
        )
    else:
        parts.append(
            f'<text x="{x}" y="{y + 13}" font-size="38" font-weight="bold" text-anchor="middle" '
            f'font-family="sans-serif" fill="#4b5b7a">{escape(symbol)}</text>'
        )
    return "".join(parts)


def svg(body: str, *, width: int = W, height: int = H) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">{body}</svg>\n'
    )


# --- The cast --------------------------------------------------------------------------------

CAST = {
    "milo": {"skin": "tan", "hair": "black", "style": "curly", "shirt": "#4b9be0"},
    "grandad": {"skin": "dark", "hair": "grey", "style": "bald", "shirt": "#8c6bc4", "adult": True},
    "ada": {"skin": "pale", "hair": "red", "style": "bunches", "shirt": "#f3a712"},
    "dad-ada": {
        "skin": "light",
        "hair": "brown",
        "style": "short",
        "shirt": "#4fa3a5",
        "adult": True,
    },
    "kofi": {"skin": "dark", "hair": "black", "style": "short", "shirt": "#e4572e"},
    "mum-kofi": {
        "skin": "brown",
        "hair": "black",
        "style": "wrap",
        "shirt": "#29a36a",
        "adult": True,
    },
    "zara": {"skin": "brown", "hair": "black", "style": "long", "shirt": "#e36b8c"},
    "dad-zara": {
        "skin": "brown",
        "hair": "black",
        "style": "short",
        "shirt": "#4b7bec",
        "adult": True,
    },
    "teacher": {
        "skin": "olive",
        "hair": "brown",
        "style": "long",
        "shirt": "#7c6bd6",
        "adult": True,
    },
    "priya": {"skin": "tan", "hair": "black", "style": "long", "shirt": "#2fa7a0"},
    "dad-priya": {
        "skin": "tan",
        "hair": "black",
        "style": "short",
        "shirt": "#5a6fb0",
        "adult": True,
    },
    "sam": {"skin": "light", "hair": "blond", "style": "short", "shirt": "#e4572e"},
    "mum-sam": {
        "skin": "light",
        "hair": "brown",
        "style": "long",
        "shirt": "#9b6bc4",
        "adult": True,
    },
    "ellie": {"skin": "pale", "hair": "brown", "style": "long", "shirt": "#f3a712"},
    "mum-ellie": {
        "skin": "pale",
        "hair": "blond",
        "style": "short",
        "shirt": "#29a36a",
        "adult": True,
    },
    "theo": {"skin": "dark", "hair": "black", "style": "curly", "shirt": "#4b9be0"},
    "ruby": {"skin": "light", "hair": "red", "style": "long", "shirt": "#e36b8c"},
    "alex": {"skin": "olive", "hair": "brown", "style": "short", "shirt": "#6cc36a"},
}


def who(name: str, x: float, **extra) -> str:
    return person(x, **{**CAST[name], **extra})


def scene(bg: str, *items: str) -> str:
    return svg(_background(bg) + "".join(items))


def _kid_with_adult(bg, kid, adult, *, kid_mood="smile", holds="", symbol="heart", screen_=None):
    items = []
    if screen_:
        items.append(screen(250, 40, 170, 120, content=screen_))
    items += [who(kid, 230, mood=kid_mood, holds=holds), who(adult, 420), bubble(330, 80, symbol)]
    return scene(bg, *items)


def _kid_alone(bg, kid, *, mood="smile", holds="tablet", symbol="?", screen_=None):
    items = []
    if screen_:
        items.append(screen(380, 130, 190, 140, content=screen_))
    items += [who(kid, 260, mood=mood, holds=holds), bubble(360, 80, symbol, thought=True)]
    return scene(bg, *items)


# --- Step pictures: file name -> drawing --------------------------------------------------------

STEPS = {
    # Ages 4-7: Ask first (Milo and Grandad)
    "ask-first-1": lambda: scene(
        "kitchen",
        who("grandad", 110),
        who("milo", 300, holds="tablet"),
        prop("dinosaur", 400, 318),
        bubble(400, 80, "?", thought=True),
    ),
    "ask-first-2": lambda: _kid_alone("home", "milo", mood="unsure", symbol="?"),
    "ask-first-3": lambda: scene(
        "home",
        who("milo", 320),
        bubble(420, 70, "?", thought=True),
        prop("crayons", 90, 360),
        prop("blocks", 190, 340),
        prop("book", 450, 365),
        prop("tablet", 550, 365),
    ),
    "ask-first-4": lambda: _kid_with_adult(
        "kitchen", "milo", "grandad", holds="tablet", symbol="tick"
    ),
    "ask-first-5": lambda: _kid_with_adult("classroom", "milo", "teacher"),
    # Ada and Dad
    "how-do-i-feel-1": lambda: _kid_alone("home", "ada", symbol="dots", screen_="cat"),
    "how-do-i-feel-2": lambda: scene(
        "home",
        bubble(110, 80, "heart"),
        bubble(240, 60, "?"),
        bubble(400, 60, "dots"),
        bubble(530, 80, "!"),
        who("ada", 320, mood="calm"),
    ),
    "how-do-i-feel-3": lambda: _kid_alone(
        "home", "ada", mood="unsure", symbol="dots", screen_="popup"
    ),
    "how-do-i-feel-4": lambda: _kid_alone("home", "ada", mood="smile", holds="", symbol="?"),
    "how-do-i-feel-5": lambda: _kid_with_adult("home", "ada", "dad-ada"),
    "how-do-i-feel-6": lambda: _kid_with_adult("classroom", "ada", "teacher"),
    # Kofi and Mum
    "tell-a-grown-up-1": lambda: _kid_alone("home", "kofi", symbol="heart", screen_="person"),
    "tell-a-grown-up-2": lambda: _kid_alone(
        "home", "kofi", mood="calm", symbol="?", screen_="chat"
    ),
    "tell-a-grown-up-3": lambda: _kid_with_adult(
        "home", "kofi", "mum-kofi", kid_mood="unsure", holds="tablet", symbol="shh"
    ),
    "tell-a-grown-up-4": lambda: scene(
        "classroom",
        who("kofi", 100),
        who("mum-kofi", 240),
        who("teacher", 390),
        who("grandad", 540),
        bubble(170, 70, "heart"),
    ),
    "tell-a-grown-up-5": lambda: _kid_with_adult("home", "kofi", "mum-kofi", symbol="tick"),
    "tell-a-grown-up-6": lambda: _kid_with_adult("classroom", "kofi", "teacher"),
    # Zara and Dad
    "you-wont-be-in-trouble-1": lambda: _kid_alone(
        "home", "zara", mood="unsure", holds="phone", symbol="!", screen_="popup"
    ),
    "you-wont-be-in-trouble-2": lambda: _kid_alone(
        "bedroom", "zara", mood="unsure", holds="teddy", symbol="dots"
    ),
    "you-wont-be-in-trouble-3": lambda: _kid_alone("garden", "zara", holds="", symbol="?"),
    "you-wont-be-in-trouble-4": lambda: _kid_alone("home", "zara", holds="", symbol="tick"),
    "you-wont-be-in-trouble-5": lambda: _kid_with_adult("bedroom", "zara", "dad-zara"),
    "you-wont-be-in-trouble-6": lambda: _kid_with_adult("classroom", "zara", "teacher"),
    # Ages 8-10: Priya
    "not-who-they-say-1": lambda: _kid_alone(
        "home", "priya", holds="laptop", symbol="heart", screen_="person"
    ),
    "not-who-they-say-2": lambda: _kid_alone(
        "home", "priya", mood="calm", holds="laptop", symbol="?", screen_="chat"
    ),
    "not-who-they-say-3": lambda: _kid_alone("classroom", "priya", holds="", symbol="?"),
    "not-who-they-say-4": lambda: scene(
        "home",
        screen(40, 40, 170, 120, content="person"),
        screen(235, 40, 170, 120, content="fox"),
        screen(430, 40, 170, 120, content="cat"),
        who("priya", 320, mood="calm"),
    ),
    "not-who-they-say-5": lambda: _kid_with_adult("home", "priya", "dad-priya", symbol="tick"),
    "not-who-they-say-6": lambda: _kid_with_adult("classroom", "priya", "teacher"),
    # Sam
    "kind-or-wrong-1": lambda: _kid_alone("home", "sam", symbol="heart", screen_="person"),
    "kind-or-wrong-2": lambda: scene(
        "home", bubble(150, 90, "heart"), bubble(490, 90, "?"), who("sam", 320, mood="calm")
    ),
    "kind-or-wrong-3": lambda: _kid_alone(
        "home", "sam", mood="unsure", symbol="shh", screen_="chat"
    ),
    "kind-or-wrong-4": lambda: _kid_alone("home", "alex", mood="calm", symbol="?", screen_="chat"),
    "kind-or-wrong-5": lambda: _kid_with_adult("home", "sam", "mum-sam", symbol="tick"),
    "kind-or-wrong-6": lambda: _kid_with_adult("classroom", "sam", "teacher"),
    # Ellie
    "secrets-that-feel-bad-1": lambda: _kid_alone(
        "home", "ellie", holds="laptop", symbol="?", screen_="fox"
    ),
    "secrets-that-feel-bad-2": lambda: scene(
        "home",
        prop("card", 150, 250),
        bubble(150, 110, "heart"),
        bubble(490, 110, "shh"),
        who("ellie", 320, mood="calm"),
    ),
    "secrets-that-feel-bad-3": lambda: _kid_alone(
        "home", "ellie", mood="unsure", holds="laptop", symbol="shh", screen_="fox"
    ),
    "secrets-that-feel-bad-4": lambda: _kid_with_adult("home", "ellie", "mum-ellie", symbol="tick"),
    "secrets-that-feel-bad-5": lambda: _kid_with_adult("classroom", "ellie", "teacher"),
    # Theo and Ruby
    "block-report-tell-1": lambda: scene(
        "classroom", who("theo", 220), who("ruby", 420), bubble(320, 80, "dots")
    ),
    "block-report-tell-2": lambda: scene(
        "classroom",
        bubble(150, 90, "1"),
        bubble(320, 90, "2"),
        bubble(490, 90, "3"),
        who("teacher", 320),
    ),
    "block-report-tell-3": lambda: scene(
        "classroom", who("theo", 230), who("ruby", 420, mood="unsure"), bubble(320, 80, "dots")
    ),
    "block-report-tell-4": lambda: scene(
        "classroom",
        who("theo", 160, mood="calm"),
        who("ruby", 480, mood="calm"),
        bubble(320, 110, "?"),
    ),
    "block-report-tell-5": lambda: scene(
        "classroom",
        who("theo", 160),
        who("ruby", 300),
        who("teacher", 470),
        bubble(390, 70, "tick"),
    ),
    "block-report-tell-6": lambda: scene(
        "classroom",
        who("theo", 160),
        who("ruby", 300),
        who("teacher", 470),
        bubble(390, 70, "heart"),
    ),
}

# --- Picture cards for the 4-7 activities (square, small) ---------------------------------------

CARD = 240


def card(*items: str, bg: str = "#f4f8ff") -> str:
    return svg(
        f'<rect width="{CARD}" height="{CARD}" rx="24" fill="{bg}"/>' + "".join(items),
        width=CARD,
        height=CARD,
    )


def _mini(name: str, x: float, **extra) -> str:
    """A character scaled to fit a card."""
    return f'<g transform="translate({x - 0.55 * x} -95) scale(0.55)">{who(name, x, **extra)}</g>'


def _two(kid: str, adult: str) -> str:
    """A child talking with a grown-up, for a card (no tick or cross: the card is a choice)."""
    return card(
        f'<g transform="translate(-10 20) scale(0.6)">{who(kid, 130)}{who(adult, 270)}'
        f"{bubble(200, 50, 'dots')}</g>",
        bg="#eef6ff",
    )


def _one(name: str) -> str:
    return card(f'<g transform="translate(28 20) scale(0.6)">{who(name, 150)}</g>', bg="#eef6ff")


CARDS = {
    "card-ask-grown-up": lambda: _two("milo", "grandad"),
    "card-tell-grown-up": lambda: _two("zara", "teacher"),
    "card-tell-dad": lambda: _two("ada", "dad-ada"),
    "card-tell-dad-zara": lambda: _two("zara", "dad-zara"),
    "card-tell-mum": lambda: _two("kofi", "mum-kofi"),
    "card-teacher": lambda: _one("teacher"),
    "card-grandad": lambda: _one("grandad"),
    "card-im-fine": lambda: card(
        f'<g transform="translate(30 20) scale(0.6)">{who("zara", 150, mood="calm")}</g>'
        + bubble(170, 60, "dots")
    ),
    "card-tablet": lambda: card(
        '<g transform="translate(120 130) scale(2.2) translate(-0 -0)">'
        + prop("tablet", 0, 0)
        + "</g>"
    ),
    "card-hide": lambda: card(
        '<rect x="50" y="110" width="140" height="80" rx="12" fill="#c8955d"/>'
        '<rect x="40" y="96" width="160" height="24" rx="8" fill="#a8743f"/>'
        + bubble(150, 60, "shh")
    ),
    "card-secret": lambda: card(bubble(120, 110, "shh")),
    "card-keep-watching": lambda: card(
        '<g transform="translate(120 120) scale(2)">'
        + prop("tablet", 0, 0)
        + "</g>"
        + bubble(190, 50, "dots")
    ),
    "card-close-eyes": lambda: card(
        '<circle cx="120" cy="120" r="70" fill="#f6d7c3"/>'
        '<path d="M80 110 q14 12 28 0 M132 110 q14 12 28 0" fill="none" stroke="#2b2321" '
        'stroke-width="6" stroke-linecap="round"/>'
        '<path d="M100 150 q20 8 40 0" fill="none" stroke="#2b2321" stroke-width="6" '
        'stroke-linecap="round"/>'
    ),
    "card-crayons": lambda: card(
        '<g transform="translate(120 120) scale(2)">' + prop("crayons", 0, 0) + "</g>"
    ),
    "card-camera": lambda: card(
        '<g transform="translate(120 120) scale(2)">' + prop("camera", 0, 0) + "</g>"
    ),
    "card-game": lambda: card(
        '<rect x="40" y="80" width="160" height="90" rx="40" fill="#5a6075"/>'
        '<path d="M80 110 v30 M65 125 h30" stroke="#ffffff" stroke-width="8" '
        'stroke-linecap="round"/><circle cx="160" cy="115" r="9" fill="#f3a712"/>'
        '<circle cx="145" cy="138" r="9" fill="#29bf12"/>'
    ),
    "card-blocks": lambda: card(
        '<g transform="translate(120 110) scale(2)">' + prop("blocks", 0, 0) + "</g>"
    ),
    "card-video-call": lambda: card(screen(30, 40, 180, 150, content="person")),
    "card-button": lambda: card(screen(30, 40, 180, 150, content="popup")),
    "card-book": lambda: card(
        '<g transform="translate(120 120) scale(2)">' + prop("book", 0, 0) + "</g>"
    ),
    "card-play-outside": lambda: card(
        '<rect y="150" width="240" height="90" fill="#a8d59a"/>'
        '<circle cx="190" cy="50" r="24" fill="#ffe28a"/>'
        '<g transform="translate(120 150) scale(1.6)">' + prop("ball", 0, 0) + "</g>",
        bg="#e3f4fb",
    ),
    "card-song": lambda: card(
        '<path d="M90 170 v-100 l70 -16 v100" fill="none" stroke="#4b5b7a" stroke-width="10"/>'
        '<circle cx="78" cy="172" r="18" fill="#4b5b7a"/>'
        '<circle cx="148" cy="156" r="18" fill="#4b5b7a"/>',
        bg="#fff6db",
    ),
    "card-message": lambda: card(screen(30, 40, 180, 150, content="chat")),
    "card-teddy": lambda: card(
        '<g transform="translate(120 130) scale(2.2)">' + prop("teddy", 0, 0) + "</g>"
    ),
    "card-worry": lambda: card(bubble(120, 110, "dots", thought=True)),
    "card-write": lambda: card(
        '<rect x="60" y="50" width="120" height="150" rx="8" fill="#ffffff" stroke="#7a8aa6" '
        'stroke-width="4"/><path d="M80 90 h80 M80 120 h80 M80 150 h50" stroke="#7a8aa6" '
        'stroke-width="6" stroke-linecap="round"/>'
    ),
    "card-everyone": lambda: card(
        "".join(
            f'<circle cx="{x}" cy="{y}" r="18" fill="{SKIN[s]}"/>'
            for x, y, s in (
                (60, 90, "pale"),
                (120, 80, "brown"),
                (180, 90, "tan"),
                (90, 150, "dark"),
                (150, 150, "olive"),
            )
        )
    ),
    "card-family": lambda: card(
        f'<g transform="translate(-20 20) scale(0.6)">{who("grandad", 150)}'
        f"{screen(230, 140, 150, 110, content='person')}</g>",
        bg="#fff6db",
    ),
}


# --- Pictures a 4-7 pupil can choose instead of drawing ("say or draw" questions) ----------------

SAY_OR_DRAW_OUT = OUT.parent.parent / "quizzes" / "static" / "quizzes" / "say_or_draw"
SAY_OR_DRAW = {
    "grown-up-at-home": lambda: _two("ada", "dad-ada"),
    "teacher": lambda: _two("kofi", "teacher"),
    "grandparent": lambda: _two("milo", "grandad"),
    "friendly-chat": lambda: card(
        f'<g transform="translate(-10 20) scale(0.6)">{who("zara", 130)}{who("mum-kofi", 270)}'
        f"{bubble(200, 50, 'heart')}</g>",
        bg="#fff6db",
    ),
}


def build() -> list[Path]:
    written = []
    for folder, drawings in ((OUT, {**STEPS, **CARDS}), (SAY_OR_DRAW_OUT, SAY_OR_DRAW)):
        folder.mkdir(parents=True, exist_ok=True)
        for name, draw in drawings.items():
            path = folder / f"{name}.svg"
            text = draw()
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return written


if __name__ == "__main__":
    changed = build()
    total = len(STEPS) + len(CARDS) + len(SAY_OR_DRAW)
    print(f"{total} illustrations ({len(changed)} written)")
