"""Streamwise's own H5P content types: where their sources are, and their maximum scores.

The libraries in ``libraries_src/`` are original code written for Streamwise against the H5P
runtime API; ``demo_content/`` holds example activities made with them. ``build_h5p_packages``
turns both into ordinary ``.h5p`` files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

APP_DIR = Path(__file__).resolve().parent
LIBRARIES_DIR = APP_DIR / "libraries_src"
DEMO_CONTENT_DIR = APP_DIR / "demo_content"


def _what_would_you_do_max(content: dict) -> int:
    """The most safe choices one path through the scenario can collect (the scenes may branch)."""
    scenes: dict[str, dict] = {}
    raw_scenes = content.get("scenes")
    for scene in raw_scenes if isinstance(raw_scenes, list) else ():
        if isinstance(scene, dict) and isinstance(scene.get("id"), str):
            scenes.setdefault(scene["id"], scene)
    best: dict[str, int] = {}

    def walk(scene_id: Any, visiting: frozenset) -> int:
        if not isinstance(scene_id, str) or scene_id not in scenes or scene_id in visiting:
            return 0
        if scene_id in best:
            return best[scene_id]
        total = 0
        choices = scenes[scene_id].get("choices")
        for choice in choices if isinstance(choices, list) else []:
            if not isinstance(choice, dict) or not isinstance(choice.get("text"), str):
                continue
            points = 1 if choice.get("safe") is True else 0
            total = max(total, points + walk(choice.get("next"), visiting | {scene_id}))
        best[scene_id] = total
        return total

    start = content.get("start")
    if not isinstance(start, str) and scenes:
        start = next(iter(scenes))
    return walk(start, frozenset())


def _spot_the_signs_max(content: dict) -> int:
    """One point per warning sign a pupil can tap (a message with text, not from "me")."""
    messages = content.get("messages")
    return sum(
        1
        for message in (messages if isinstance(messages, list) else [])
        if isinstance(message, dict)
        and message.get("warning") is True
        and message.get("from") != "me"
        and isinstance(message.get("text"), str)
        and message["text"]
    )


# Machine name → function of content.json giving the activity's maximum score. Add to this
# mapping to give other content types a known maximum (xAPI scores are clamped to it).
MAX_SCORE_CALCULATORS: dict[str, Callable[[dict], int]] = {
    "Streamwise.WhatWouldYouDo": _what_would_you_do_max,
    "Streamwise.SpotTheSigns": _spot_the_signs_max,
}


def max_score_for(machine_name: str, content_json: Any) -> int | None:
    """The maximum score of an activity of a known type, or None when the type is unknown."""
    calculator = MAX_SCORE_CALCULATORS.get(machine_name)
    if calculator is None or not isinstance(content_json, dict):
        return None
    return calculator(content_json)
