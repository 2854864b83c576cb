"""Turning a lesson's YAML into StreamField data, with block ids that never change.

Block ids are derived from the module and lesson slugs and the activity ids (uuid5), so a reload
updates the same blocks and keeps every pupil's progress and answers attached to them.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils.html import escape

from h5p.models import H5PContent

from .curriculum_pictures import PictureLibrary
from .curriculum_rules import ACTIVITY_TYPES, CONTENT_TYPES, H5P_TYPE, SLUG_RE, CurriculumReader

# Never change: block ids (and so pupils' stored answers) are derived from it.
BLOCK_ID_NAMESPACE = uuid.UUID("6f1c1a0e-5b8e-4c55-9d7a-2f4f3b1e9c41")


def block_id(*parts: object) -> str:
    """A stable StreamField block id for a place in the curriculum."""
    return str(uuid.uuid5(BLOCK_ID_NAMESPACE, "/".join(str(p) for p in parts)))


def rich_text(text: str) -> str:
    """Plain paragraphs (blank-line separated) with **bold**, as Wagtail rich text HTML."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(text or "").strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        escaped = str(escape(paragraph))
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escaped)
        escaped = "<br/>".join(line.strip() for line in escaped.splitlines())
        html.append(f"<p>{escaped}</p>")
    return "".join(html)


def _list_value(items: list, parent_id: str, name: str) -> list[dict]:
    return [
        {"type": "item", "value": value, "id": block_id(parent_id, name, index)}
        for index, value in enumerate(items)
    ]


def _activity_value(block: dict, bid: str, r: CurriculumReader, pictures: PictureLibrary) -> dict:
    kind = block["type"]
    if kind == "what_would_you_do":
        scenes = []
        for scene in r.items(block, "scenes"):
            choices = [
                {
                    "text": r.get(choice, "text"),
                    "safe": bool(r.get(choice, "safe", bool, required=False)),
                    "pinned": bool(r.get(choice, "pinned", bool, required=False)),
                    "feedback": r.get(choice, "feedback"),
                    "next": r.get(choice, "next", required=False) or "",
                    "picture": pictures.value(choice.get("picture"), r)[0],
                }
                for choice in r.items(scene, "choices")
            ]
            skey = r.get(scene, "id")
            scenes.append(
                {
                    "key": skey,
                    "text": r.get(scene, "text"),
                    "question": r.get(scene, "question"),
                    "choices": _list_value(choices, bid, f"scene-{skey}-choices"),
                }
            )
        return {"required": True, "scenes": _list_value(scenes, bid, "scenes")}
    if kind == "sort_it":
        groups = [
            {"key": r.get(g, "key"), "label": r.get(g, "label")} for g in r.items(block, "groups")
        ]
        cards = [
            {
                "text": r.get(c, "text"),
                "picture": pictures.value(c.get("picture"), r)[0],
                "group": r.get(c, "group"),
                "feedback": r.get(c, "feedback"),
            }
            for c in r.items(block, "cards")
        ]
        return {
            "required": True,
            "prompt": r.get(block, "prompt"),
            "groups": _list_value(groups, bid, "groups"),
            "cards": _list_value(cards, bid, "cards"),
        }
    if kind == "spot_the_signs":
        messages = [
            {
                "author": r.get(m, "author"),
                "text": r.get(m, "text"),
                "warning": bool(r.get(m, "warning", bool, required=False)),
                "explanation": r.get(m, "explanation"),
            }
            for m in r.items(block, "messages")
        ]
        return {
            "required": True,
            "prompt": r.get(block, "prompt"),
            "streamer": r.get(block, "streamer"),
            "messages": _list_value(messages, bid, "messages"),
        }
    if kind == "true_or_false":
        statements = []
        for s in r.items(block, "statements"):
            answer = s.get("answer") if isinstance(s, dict) else None
            if not isinstance(answer, bool):
                r.fail("each statement needs `answer: true` or `answer: false`")
            statements.append(
                {"text": r.get(s, "text"), "answer": answer, "feedback": r.get(s, "feedback")}
            )
        return {"required": True, "statements": _list_value(statements, bid, "statements")}
    # reveal_cards
    cards = [
        {"front": r.get(c, "front"), "back": r.get(c, "back")} for c in r.items(block, "cards")
    ]
    return {
        "required": True,
        "prompt": r.get(block, "prompt"),
        "cards": _list_value(cards, bid, "cards"),
    }


def _h5p_value(block: dict, r: CurriculumReader) -> dict:
    slug = r.get(block, "activity")
    content = H5PContent.objects.filter(slug=slug).first()
    if content is None:  # checked before writing (h5p_problems); kept as a safety net
        r.fail(f"the H5P activity “{slug}” is not installed")
    return {
        "required": True,
        "activity": content.pk,
        "title": r.get(block, "title", required=False) or "",
    }


def _content_value(block: dict, r: CurriculumReader) -> Any:
    kind = block["type"]
    if kind == "text":
        return rich_text(r.get(block, "text"))
    if kind == "story":
        return {"character": r.get(block, "character"), "text": rich_text(r.get(block, "text"))}
    if kind == "key_message":
        return {"text": r.get(block, "text")}
    return {"text": r.get(block, "text", required=False) or ""}  # help


def lesson_body(
    module_slug: str, lesson: dict, *, where: str, pictures: PictureLibrary | None = None
) -> list[dict]:
    """The raw StreamField data for a lesson's steps, with deterministic block ids."""
    slug = lesson["slug"]
    pictures = pictures or PictureLibrary()
    steps, seen_activities = [], set()
    for number, step in enumerate(CurriculumReader(where).items(lesson, "steps"), start=1):
        r = CurriculumReader(f"{where} › step {number}")
        content = []
        for index, block in enumerate(r.items(step, "blocks")):
            kind = r.get(block, "type")
            if kind in ACTIVITY_TYPES or kind == H5P_TYPE:
                # An h5p block's id defaults to the slug of the activity it plays.
                activity_id = r.get(block, "id", required=kind != H5P_TYPE) or r.get(
                    block, "activity"
                )
                if not SLUG_RE.match(activity_id):
                    r.fail(f"activity id “{activity_id}” must be lowercase-with-dashes")
                if activity_id in seen_activities:
                    r.fail(f"activity id “{activity_id}” is used twice in this lesson")
                seen_activities.add(activity_id)
                bid = block_id(module_slug, slug, "activity", activity_id)
                ar = CurriculumReader(f"{where} › {activity_id}")
                if kind == H5P_TYPE:
                    value = _h5p_value(block, ar)
                else:
                    value = _activity_value(block, bid, ar, pictures)
                content.append({"type": kind, "value": value, "id": bid})
            elif kind in CONTENT_TYPES:
                bid = block_id(module_slug, slug, "step", number, "block", index)
                content.append({"type": kind, "value": _content_value(block, r), "id": bid})
            else:
                r.fail(f"unknown block type “{kind}”")
        picture, picture_alt = pictures.value(step.get("picture"), r)
        steps.append(
            {
                "type": "step",
                "value": {
                    "title": r.get(step, "title"),
                    "picture": picture,
                    "picture_alt": picture_alt,
                    "content": content,
                },
                "id": block_id(module_slug, slug, "step", number),
            }
        )
    return steps


def strings_stream(items: Any, block_type: str, parent_id: str, r: CurriculumReader) -> list[dict]:
    """Raw StreamField data for a list of short texts (outcomes, ground rules), stable ids."""
    if items is None:
        return []
    if not isinstance(items, list):
        r.fail(f"expected a list of {block_type}s")
    return [
        {"type": block_type, "value": str(text).strip(), "id": block_id(parent_id, block_type, i)}
        for i, text in enumerate(items)
    ]
