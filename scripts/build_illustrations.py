"""Build Streamwise's own lesson illustrations (SVG) from simple shapes.

    python scripts/build_illustrations.py

The pictures are described in `illustrations.yaml` beside this script (who stands where, which
props, bubbles and screens); this script holds the shapes they are drawn from. Writes
`lessons/illustrations/*.svg`: one picture per step of the ages 4-7 and 8-10 modules and
small picture cards for the 4-7 activities. Everything is drawn here from circles, rectangles
and paths: friendly round-headed characters with varied skin tones and hair, tablets and phones,
speech bubbles, trusted grown-ups and calm home, classroom or bedroom backgrounds. No stock or
copied images. The output is deterministic, so re-running only changes files whose scene
changed (and `load_curriculum` imports a changed file as a new version in the image library).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent  # the repository

W, H = 640, 400
CARD = 240
DATA = yaml.safe_load((Path(__file__).with_name("illustrations.yaml")).read_text(encoding="utf-8"))
SKIN: dict[str, str] = DATA["skin"]
HAIR: dict[str, str] = DATA["hair"]
BACKGROUNDS: dict[str, list[str]] = DATA["backgrounds"]
CAST: dict[str, dict] = DATA["cast"]


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


# --- Layouts used by many pictures ------------------------------------------------------------


def who(name: str, x: float, **extra) -> str:
    return person(x, **{**CAST[name], **extra})


def head(x: float, y: float, skin: str) -> str:
    """A plain round face in a skin tone (for crowds on a small card)."""
    return f'<circle cx="{x}" cy="{y}" r="18" fill="{SKIN[skin]}"/>'


def raw(elements: str | list[str]) -> str:
    return elements if isinstance(elements, str) else "".join(elements)


def scene(bg: str, *items: str) -> str:
    return svg(_background(bg) + "".join(items))


def card(*items: str, bg: str = "#f4f8ff") -> str:
    return svg(
        f'<rect width="{CARD}" height="{CARD}" rx="24" fill="{bg}"/>' + "".join(items),
        width=CARD,
        height=CARD,
    )


def group(transform: str, *items: str) -> str:
    return f'<g transform="{transform}">{"".join(items)}</g>'


def kid_with_adult(bg, kid, adult, *, kid_mood="smile", holds="", symbol="heart", screen_=None):
    items = []
    if screen_:
        items.append(screen(250, 40, 170, 120, content=screen_))
    items += [who(kid, 230, mood=kid_mood, holds=holds), who(adult, 420), bubble(330, 80, symbol)]
    return scene(bg, *items)


def kid_alone(bg, kid, *, mood="smile", holds="tablet", symbol="?", screen_=None):
    items = []
    if screen_:
        items.append(screen(380, 130, 190, 140, content=screen_))
    items += [who(kid, 260, mood=mood, holds=holds), bubble(360, 80, symbol, thought=True)]
    return scene(bg, *items)


def two(kid: str, adult: str) -> str:
    """A child talking with a grown-up, for a card (no tick or cross: the card is a choice)."""
    return card(
        group(
            "translate(-10 20) scale(0.6)", who(kid, 130), who(adult, 270), bubble(200, 50, "dots")
        ),
        bg="#eef6ff",
    )


def one(name: str) -> str:
    return card(group("translate(28 20) scale(0.6)", who(name, 150)), bg="#eef6ff")


# --- Reading the data file ---------------------------------------------------------------------

SHAPES = {
    f.__name__: f
    for f in (who, person, prop, screen, bubble, head, raw, kid_alone, kid_with_adult, two, one)
}
CONTAINERS = {"scene": scene, "card": lambda bg, *items: card(*items, bg=bg), "group": group}


def draw(item: dict) -> str:
    """One picture or item of the data file as SVG (see the notes at the top of the file)."""
    if "draw" in item:
        (kind,) = set(item) - {"draw"}
        return CONTAINERS[kind](item[kind], *(draw(child) for child in item["draw"]))
    ((name, args),) = item.items()
    if name == "raw" or not isinstance(args, list):
        args = [args]
    keywords = args[-1] if args and isinstance(args[-1], dict) else {}
    positional = args[:-1] if keywords else args
    return SHAPES[name](*positional, **keywords)


def build(root: Path = ROOT) -> list[Path]:
    """Write every picture under `root` (the repository); return the files that changed."""
    written = []
    folders = (
        (root / "lessons" / "illustrations", {**DATA["steps"], **DATA["cards"]}),
        (root / "quizzes" / "static" / "quizzes" / "say_or_draw", DATA["say_or_draw"]),
    )
    for folder, pictures in folders:
        folder.mkdir(parents=True, exist_ok=True)
        for name, picture in pictures.items():
            path = folder / f"{name}.svg"
            text = draw(picture)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                written.append(path)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="where to write (default: the repo)"
    )
    changed = build(parser.parse_args().root)
    total = sum(len(DATA[section]) for section in ("steps", "cards", "say_or_draw"))
    print(f"{total} illustrations ({len(changed)} written)")
