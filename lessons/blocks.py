"""StreamField blocks for lessons: content blocks and interactive activities.

A lesson body is a stream of *steps*; each step is one screen of the lesson player and holds a
stream of content blocks. Activity blocks carry their own server-side checking: the player
turns the pupil's posted form into an answer with `answer_from_data()`, checks it against the
block's data with `check_answer()`, and stores the answer. Feedback is always recomputed from the
stored answer and the current content, so it never goes stale when an editor fixes a typo.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from h5p import conf as h5p_conf
from h5p.blocks import H5PActivityBlock

from .chooser_blocks import DocumentChooserBlock, ImageChooserBlock

TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]
STORY_FEATURES = ["bold", "italic"]
VIDEO_EXTENSIONS = {".mp4", ".webm"}
CAPTION_EXTENSIONS = {".vtt"}


# --- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityResult:
    """What the server made of a pupil's answer to one activity.

    `answer` is what gets stored; `feedback` is for the template only and is rebuilt from the
    answer every time the activity is shown.
    """

    answer: dict
    is_complete: bool
    correct: bool | None = None
    score: float | None = None
    feedback: dict = field(default_factory=dict)


class ActivityAnswerError(Exception):
    """A submission the activity cannot accept (nothing chosen, a card left unsorted…).

    `draft` keeps what the pupil did choose, so the form can be shown again as they left it.
    """

    def __init__(self, message: str, *, draft: dict | None = None):
        super().__init__(message)
        self.message = message
        self.draft = draft or {}


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _getlist(data: Mapping, key: str) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key, [])
    return value if isinstance(value, list | tuple) else [value]


def _state_parts(context) -> tuple[ActivityResult | None, dict]:
    """The checked result and any unaccepted draft for an activity being rendered."""
    state = context.get("state")
    return getattr(state, "result", None), getattr(state, "draft", None) or {}


def _in_display_order(context, rows: list, part: str, pinned=()) -> list:
    """Rows in the order this pupil sees them (`lessons.player.display_order`): shuffled per
    pupil, the same every time; authored order where there is no pupil (previews)."""
    order = getattr(context.get("state"), "display_order", None)
    if order is None:
        return rows
    return [rows[i] for i in order(part, len(rows), pinned)]


def _item_by_item_result(
    items: list[dict], *, items_key: str, answer: dict[str, object], answer_key: str
) -> ActivityResult:
    """The result of an activity answered item by item (cards sorted, sentences judged).

    Each item says whether it was `answered` and is `correct`; the activity is complete when
    every item is answered and correct when every one is right. Only answered items are kept.
    """
    right = sum(1 for item in items if item["correct"])
    total = len(items)
    complete = all(item["answered"] for item in items)
    return ActivityResult(
        answer={answer_key: answer},
        is_complete=complete,
        correct=complete and right == total,
        score=round(right / total, 4) if total else None,
        feedback={items_key: items, "right": right, "total": total},
    )


def _item_by_item_rows(context, texts: list[str], *, items_key: str, answer_key: str) -> list:
    """One row per item for the template: its text, the pupil's choice and its feedback."""
    result, draft = _state_parts(context)
    chosen = (result.answer if result else draft).get(answer_key, {})
    feedback = result.feedback[items_key] if result else [None] * len(texts)
    return [
        {
            "index": index,
            "text": text,
            "chosen": chosen.get(str(index)),
            "feedback": feedback[index],
        }
        for index, text in enumerate(texts)
    ]


# --- Content blocks ----------------------------------------------------------------------


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "lessons/blocks/text.html"


class StoryBlock(blocks.StructBlock):
    character = blocks.CharBlock(
        label=_("Character"),
        max_length=60,
        help_text=_("An invented character. Never a real child or a pupil's story."),
    )
    text = blocks.RichTextBlock(label=_("Story"), features=STORY_FEATURES)

    class Meta:
        icon = "user"
        label = _("Story")
        template = "lessons/blocks/story.html"


class KeyMessageBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Key message"), help_text=_("One short sentence."))

    class Meta:
        icon = "pick"
        label = _("Key message")
        template = "lessons/blocks/key_message.html"


class HelpBlock(blocks.StructBlock):
    """Where to get help. Renders the standard signposting for the module's age band."""

    text = blocks.TextBlock(
        label=_("Extra sentence"),
        required=False,
        help_text=_(
            "Optional. Shown before the standard signposting (a trusted adult, Childline, CEOP "
            "for 8+, Report Remove for 11–16 and the Talk to someone button), which is added "
            "for you."
        ),
    )

    class Meta:
        icon = "help"
        label = _("Help and signposting")
        template = "lessons/blocks/help.html"


class LessonImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for someone who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "lessons/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    video = DocumentChooserBlock(label=_("Video file"), help_text=_("An MP4 or WebM file."))
    captions = DocumentChooserBlock(
        label=_("Captions"), help_text=_("A WebVTT (.vtt) captions file. Required.")
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"), features=TEXT_FEATURES, help_text=_("Required.")
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "lessons/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        video, captions = value.get("video"), value.get("captions")
        if video and posixpath.splitext(video.file.name)[1].lower() not in VIDEO_EXTENSIONS:
            errors["video"] = ValidationError(_("Choose an MP4 or WebM video file."))
        if captions and posixpath.splitext(captions.file.name)[1].lower() not in (
            CAPTION_EXTENSIONS
        ):
            errors["captions"] = ValidationError(_("Choose a WebVTT (.vtt) captions file."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


# --- Activities --------------------------------------------------------------------------


class ActivityBlock(blocks.StructBlock):
    """Base class for blocks a pupil answers. The block's stream id identifies the activity.

    Subclasses implement `answer_from_data()` and `check_answer()`; both are pure functions of the
    block's value and the answer, so they are easy to test and safe to re-run.
    """

    activity_type: ClassVar[str] = ""

    required = blocks.BooleanBlock(
        label=_("Pupils must do this to finish the lesson"), required=False, default=True
    )

    class Meta:
        icon = "tick-inverse"

    def is_required(self, value) -> bool:
        """Whether completing the lesson needs this activity. Override this to change the rule."""
        return bool(value.get("required", True))

    def answer_from_data(self, value, data: Mapping, previous: dict | None) -> dict:
        """Turn posted form data into an answer; raise ActivityAnswerError if it can't be one.

        `previous` is the answer stored before this one (activities that build up an answer
        over several posts, such as branching scenes or reveal cards, start from it).
        """
        raise NotImplementedError

    def check_answer(self, value, answer: dict) -> ActivityResult:
        """Check an answer against this block's data and build the feedback."""
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["activity_type"] = self.activity_type
        return context


def _unique_keys_error(items, key: str, message) -> dict:
    seen, errors = set(), {}
    for index, item in enumerate(items):
        if item[key] in seen:
            errors[index] = StructBlockValidationError(block_errors={key: ValidationError(message)})
        seen.add(item[key])
    return errors


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Choice"), max_length=250)
    picture = ImageChooserBlock(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("Shown above the words, as a big picture card for ages 4–7."),
    )
    safe = blocks.BooleanBlock(label=_("This is the choice we hope for"), required=False)
    pinned = blocks.BooleanBlock(
        label=_("Keep this choice in its place"),
        required=False,
        help_text=_("Choices are shuffled for each pupil; a pinned one stays where it is."),
    )
    feedback = blocks.TextBlock(label=_("Feedback"), help_text=_("Kind and specific."))
    next = blocks.CharBlock(
        label=_("Go to scene"),
        required=False,
        max_length=60,
        help_text=_("Optional: the id of the scene this choice leads to. Empty ends the story."),
    )


class SceneBlock(blocks.StructBlock):
    key = blocks.RegexBlock(
        label=_("Scene id"),
        regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        error_messages={"invalid": _("Use lowercase letters, digits and dashes.")},
        max_length=60,
    )
    text = blocks.TextBlock(label=_("What happens"))
    question = blocks.CharBlock(label=_("Question"), max_length=250)
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=5, label=_("Choices"))


class WhatWouldYouDoBlock(ActivityBlock):
    """A scenario with choices and feedback; a choice may branch to another scene.

    Answer: ``{"path": [{"scene": "start", "choice": 1}, ...]}``: the choices made, in order,
    starting from the first scene. The activity is answered once a choice ends the story.
    """

    activity_type = "what_would_you_do"

    scenes = blocks.ListBlock(
        SceneBlock(), min_num=1, label=_("Scenes"), help_text=_("The first scene starts.")
    )

    class Meta:
        icon = "help"
        label = _("What would you do?")
        template = "lessons/activities/what_would_you_do.html"

    def clean(self, value):
        value = super().clean(value)
        scenes = list(value["scenes"])
        keys = {scene["key"] for scene in scenes}
        errors = _unique_keys_error(scenes, "key", _("Each scene needs its own id."))
        for index, scene in enumerate(scenes):
            choice_errors = {}
            for c_index, choice in enumerate(scene["choices"]):
                target = choice["next"]
                if target and (target not in keys or target == scene["key"]):
                    choice_errors[c_index] = StructBlockValidationError(
                        block_errors={"next": ValidationError(_("Choose the id of another scene."))}
                    )
            if choice_errors:
                errors[index] = StructBlockValidationError(
                    block_errors={"choices": ListBlockValidationError(block_errors=choice_errors)}
                )
        if not errors and self._has_cycle(scenes):
            raise StructBlockValidationError(
                non_block_errors=[_("The scenes go round in a circle; every path must end.")]
            )
        if errors:
            raise StructBlockValidationError(
                block_errors={"scenes": ListBlockValidationError(block_errors=errors)}
            )
        return value

    @staticmethod
    def _has_cycle(scenes) -> bool:
        edges = {s["key"]: {c["next"] for c in s["choices"] if c["next"]} for s in scenes}
        visiting, done = set(), set()

        def visit(key) -> bool:
            if key in done:
                return False
            if key in visiting:
                return True
            visiting.add(key)
            found = any(visit(target) for target in edges.get(key, ()))
            visiting.discard(key)
            done.add(key)
            return found

        return any(visit(key) for key in edges)

    @staticmethod
    def _scenes(value) -> dict:
        return {scene["key"]: scene for scene in value["scenes"]}

    def _clean_path(self, value, path) -> list[dict]:
        """The longest valid prefix of a stored path (content may have changed since)."""
        scenes, clean = self._scenes(value), []
        expected = value["scenes"][0]["key"] if value["scenes"] else None
        for step in path if isinstance(path, list) else []:
            if not isinstance(step, dict) or step.get("scene") != expected:
                break
            choices = scenes[expected]["choices"]
            choice = _int_or_none(step.get("choice"))
            if choice is None or not 0 <= choice < len(choices):
                break
            clean.append({"scene": expected, "choice": choice})
            expected = choices[choice]["next"] or None
            if expected is None:
                break
        return clean

    def answer_from_data(self, value, data, previous):
        scenes = self._scenes(value)
        scene_key = data.get("scene")
        if scene_key not in scenes:
            raise ActivityAnswerError(_("Something went wrong. Please choose again."))
        choice = _int_or_none(data.get("choice"))
        if choice is None or not 0 <= choice < len(scenes[scene_key]["choices"]):
            raise ActivityAnswerError(_("Choose one of the answers, then press Choose."))
        path = self._clean_path(value, (previous or {}).get("path", []))
        start = value["scenes"][0]["key"]
        position = next((i for i, step in enumerate(path) if step["scene"] == scene_key), None)
        if position is not None:
            # Changing an earlier choice: the story carries on from there.
            path = path[:position]
        elif scene_key != start:
            last = path[-1] if path else None
            reachable = last and scenes[last["scene"]]["choices"][last["choice"]]["next"]
            if reachable != scene_key:
                # A stale tab answering a scene this pupil's story no longer reaches.
                raise ActivityAnswerError(
                    _("The story has moved on. Here is where you are now."),
                )
        return {"path": [*path, {"scene": scene_key, "choice": choice}]}

    def check_answer(self, value, answer):
        scenes = self._scenes(value)
        path = self._clean_path(value, answer.get("path", []))
        shown = []
        for step in path:
            scene = scenes[step["scene"]]
            choice = scene["choices"][step["choice"]]
            shown.append({"scene": scene, "choice_index": step["choice"], "choice": choice})
        next_key = shown[-1]["choice"]["next"] if shown else value["scenes"][0]["key"]
        ended = bool(shown) and not next_key
        safe_count = sum(1 for item in shown if item["choice"]["safe"])
        return ActivityResult(
            answer={"path": path},
            is_complete=ended,
            correct=(ended and safe_count == len(shown)) if shown else None,
            score=round(safe_count / len(shown), 4) if shown else None,
            feedback={"shown": shown, "next_scene": scenes.get(next_key) if next_key else None},
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        result, _draft = _state_parts(context)
        context["result"] = result
        if result is None:
            first = value["scenes"][0] if value["scenes"] else None
            context["shown"], context["next_scene"] = [], first
        else:
            context["shown"] = result.feedback["shown"]
            context["next_scene"] = result.feedback["next_scene"]
        context["shown"] = [
            {**item, "choices": self.choices_in_order(context, item["scene"])}
            for item in context["shown"]
        ]
        if context["next_scene"] is not None:
            context["next_choices"] = self.choices_in_order(context, context["next_scene"])
        return context

    @staticmethod
    def choices_in_order(context, scene) -> list[dict]:
        """A scene's choices as this pupil sees them: [{"index": authored index, "choice"}]."""
        rows = [{"index": i, "choice": c} for i, c in enumerate(scene["choices"])]
        pinned = [bool(c.get("pinned")) for c in scene["choices"]]
        return _in_display_order(context, rows, f"scene:{scene['key']}", pinned)


class SortGroupBlock(blocks.StructBlock):
    key = blocks.RegexBlock(
        label=_("Group id"),
        regex=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        error_messages={"invalid": _("Use lowercase letters, digits and dashes.")},
        max_length=40,
    )
    label = blocks.CharBlock(label=_("Label"), max_length=60)


class SortCardBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Card"), max_length=250)
    picture = ImageChooserBlock(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("Shown above the words on the card."),
    )
    group = blocks.CharBlock(label=_("Correct group id"), max_length=40)
    feedback = blocks.TextBlock(label=_("Feedback"))


class SortItBlock(ActivityBlock):
    """Cards sorted into two or three labelled groups.

    Each card is a small radio group, so sorting works with a keyboard, a switch, a screen
    reader or a finger, not only by dragging. Answer: ``{"placements": {"0": "ok", ...}}``.
    """

    activity_type = "sort_it"

    prompt = blocks.CharBlock(label=_("Instructions"), max_length=250)
    groups = blocks.ListBlock(SortGroupBlock(), min_num=2, max_num=3, label=_("Groups"))
    cards = blocks.ListBlock(SortCardBlock(), min_num=2, max_num=10, label=_("Cards"))

    class Meta:
        icon = "list-ul"
        label = _("Sort it")
        template = "lessons/activities/sort_it.html"

    def clean(self, value):
        value = super().clean(value)
        groups = list(value["groups"])
        errors = _unique_keys_error(groups, "key", _("Each group needs its own id."))
        if errors:
            raise StructBlockValidationError(
                block_errors={"groups": ListBlockValidationError(block_errors=errors)}
            )
        keys = {group["key"] for group in groups}
        card_errors = {
            index: StructBlockValidationError(
                block_errors={"group": ValidationError(_("Use the id of one of the groups."))}
            )
            for index, card in enumerate(value["cards"])
            if card["group"] not in keys
        }
        if card_errors:
            raise StructBlockValidationError(
                block_errors={"cards": ListBlockValidationError(block_errors=card_errors)}
            )
        return value

    def answer_from_data(self, value, data, previous):
        keys = {group["key"] for group in value["groups"]}
        placements = {}
        for index in range(len(value["cards"])):
            chosen = data.get(f"card-{index}")
            if chosen in keys:
                placements[str(index)] = chosen
        if len(placements) < len(value["cards"]):
            raise ActivityAnswerError(
                _("Sort every card into a group, then check your answers."),
                draft={"placements": placements},
            )
        return {"placements": placements}

    def check_answer(self, value, answer):
        labels = {group["key"]: group["label"] for group in value["groups"]}
        placements = answer.get("placements", {})
        cards = []
        for index, card in enumerate(value["cards"]):
            placed = placements.get(str(index))
            cards.append(
                {
                    "index": index,
                    "placed": placed,
                    "placed_label": labels.get(placed, ""),
                    "right_label": labels[card["group"]],
                    "answered": placed in labels,
                    "correct": placed == card["group"],
                    "feedback": card["feedback"],
                }
            )
        return _item_by_item_result(
            cards,
            items_key="cards",
            answer={k: v for k, v in placements.items() if v in labels},
            answer_key="placements",
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["rows"] = _in_display_order(
            context,
            _item_by_item_rows(
                context,
                [card["text"] for card in value["cards"]],
                items_key="cards",
                answer_key="placements",
            ),
            "cards",
        )
        for row in context["rows"]:  # rows are in the pupil's order; "index" is the authored one
            row["picture"] = value["cards"][row["index"]].get("picture")
        context["result"] = _state_parts(context)[0]
        return context


class ChatMessageBlock(blocks.StructBlock):
    author = blocks.CharBlock(label=_("Username"), max_length=40)
    text = blocks.CharBlock(label=_("Message"), max_length=250)
    warning = blocks.BooleanBlock(label=_("This is a warning sign"), required=False)
    explanation = blocks.TextBlock(label=_("Explanation"))


class SpotTheSignsBlock(ActivityBlock):
    """A pretend live-stream chat; pupils tap the messages that are warning signs.

    Answer: ``{"flagged": [1, 4]}``, the indexes of the messages the pupil tapped.
    """

    activity_type = "spot_the_signs"

    prompt = blocks.CharBlock(label=_("Instructions"), max_length=250)
    streamer = blocks.CharBlock(
        label=_("Whose stream"), max_length=40, help_text=_("An invented character.")
    )
    messages = blocks.ListBlock(ChatMessageBlock(), min_num=2, max_num=10, label=_("Messages"))

    class Meta:
        icon = "comment"
        label = _("Spot the signs")
        template = "lessons/activities/spot_the_signs.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(message["warning"] for message in value["messages"]):
            raise StructBlockValidationError(
                non_block_errors=[_("Mark at least one message as a warning sign.")]
            )
        return value

    def answer_from_data(self, value, data, previous):
        count = len(value["messages"])
        flagged = sorted(
            {
                i
                for i in map(_int_or_none, _getlist(data, "flag"))
                if i is not None and 0 <= i < count
            }
        )
        if not flagged:
            raise ActivityAnswerError(
                _("Tap the messages that worry you, then check your answers.")
            )
        return {"flagged": flagged}

    def check_answer(self, value, answer):
        count = len(value["messages"])
        flagged = {i for i in answer.get("flagged", []) if isinstance(i, int) and 0 <= i < count}
        messages, right = [], 0
        for index, message in enumerate(value["messages"]):
            tapped = index in flagged
            is_right = tapped == bool(message["warning"])
            right += is_right
            messages.append(
                {
                    "index": index,
                    "tapped": tapped,
                    "warning": bool(message["warning"]),
                    "correct": is_right,
                    "explanation": message["explanation"],
                }
            )
        warnings = sum(1 for m in messages if m["warning"])
        found = sum(1 for m in messages if m["warning"] and m["tapped"])
        return ActivityResult(
            answer={"flagged": sorted(flagged)},
            is_complete=bool(flagged),
            correct=right == count,
            score=round(right / count, 4) if count else None,
            feedback={"messages": messages, "found": found, "warnings": warnings},
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        result, _draft = _state_parts(context)
        flagged = set(result.answer["flagged"]) if result else set()
        feedback = result.feedback["messages"] if result else [None] * len(value["messages"])
        rows = [
            {
                "index": index,
                "author": message["author"],
                "text": message["text"],
                "tapped": index in flagged,
                "feedback": feedback[index],
            }
            for index, message in enumerate(value["messages"])
        ]
        context["rows"] = _in_display_order(context, rows, "messages")
        context["result"] = result
        return context


class StatementBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Statement"), max_length=250)
    answer = blocks.BooleanBlock(label=_("This statement is true"), required=False)
    feedback = blocks.TextBlock(label=_("Feedback"))


class TrueOrFalseBlock(ActivityBlock):
    """Quick true-or-false checks. Answer: ``{"answers": {"0": true, "1": false}}``."""

    activity_type = "true_or_false"

    statements = blocks.ListBlock(StatementBlock(), min_num=1, max_num=8, label=_("Statements"))

    class Meta:
        icon = "tick"
        label = _("True or false")
        template = "lessons/activities/true_or_false.html"

    def answer_from_data(self, value, data, previous):
        answers = {}
        for index in range(len(value["statements"])):
            raw = data.get(f"statement-{index}")
            if raw in ("true", "false"):
                answers[str(index)] = raw == "true"
        if len(answers) < len(value["statements"]):
            raise ActivityAnswerError(
                _("Choose true or false for every sentence, then check your answers."),
                draft={"answers": answers},
            )
        return {"answers": answers}

    def check_answer(self, value, answer):
        given = answer.get("answers", {})
        statements = []
        for index, statement in enumerate(value["statements"]):
            chosen = given.get(str(index))
            statements.append(
                {
                    "index": index,
                    "chosen": chosen,
                    "answer": bool(statement["answer"]),
                    "answered": chosen is not None,
                    "correct": chosen is not None and chosen == bool(statement["answer"]),
                    "feedback": statement["feedback"],
                }
            )
        return _item_by_item_result(
            statements,
            items_key="statements",
            answer={k: v for k, v in given.items() if isinstance(v, bool)},
            answer_key="answers",
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["rows"] = _in_display_order(
            context,
            _item_by_item_rows(
                context,
                [statement["text"] for statement in value["statements"]],
                items_key="statements",
                answer_key="answers",
            ),
            "statements",
        )
        context["result"] = _state_parts(context)[0]
        return context


class RevealCardBlock(blocks.StructBlock):
    front = blocks.CharBlock(label=_("Front"), max_length=250)
    back = blocks.TextBlock(label=_("Back"))


class RevealCardsBlock(ActivityBlock):
    """Cards that turn over to show a key fact. Answer: ``{"revealed": [0, 2]}``.

    Done once every card has been turned over; there is nothing to get wrong.
    """

    activity_type = "reveal_cards"

    prompt = blocks.CharBlock(label=_("Instructions"), max_length=250)
    cards = blocks.ListBlock(RevealCardBlock(), min_num=1, max_num=8, label=_("Cards"))

    class Meta:
        icon = "doc-full"
        label = _("Reveal cards")
        template = "lessons/activities/reveal_cards.html"

    def answer_from_data(self, value, data, previous):
        count = len(value["cards"])
        card = _int_or_none(data.get("card"))
        if card is None or not 0 <= card < count:
            raise ActivityAnswerError(_("Tap a card to turn it over."))
        earlier = (previous or {}).get("revealed", [])
        revealed = {i for i in earlier if isinstance(i, int) and 0 <= i < count} | {card}
        return {"revealed": sorted(revealed)}

    def check_answer(self, value, answer):
        count = len(value["cards"])
        revealed = {i for i in answer.get("revealed", []) if isinstance(i, int) and 0 <= i < count}
        return ActivityResult(
            answer={"revealed": sorted(revealed)},
            is_complete=len(revealed) == count,
            feedback={"revealed": revealed, "remaining": count - len(revealed)},
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        result, _draft = _state_parts(context)
        revealed = result.feedback["revealed"] if result else set()
        context["rows"] = [
            {
                "index": index,
                "front": card["front"],
                "back": card["back"],
                "revealed": index in revealed,
            }
            for index, card in enumerate(value["cards"])
        ]
        context["result"] = result
        # Every card's button is a form of its own, each opened the same way: render it once.
        context["form_open"] = render_to_string("lessons/activities/_form_open.html", context)
        return context


# --- H5P activities ----------------------------------------------------------------------

H5P_CONTEXT_RE = re.compile(r"^lesson:(?P<lesson>[0-9]{1,18}):(?P<activity>[A-Za-z0-9-]{1,64})$")


def h5p_context_id(lesson_id: int, activity_id: str) -> str:
    """The context an H5P activity in a lesson records its results under (signed by h5p)."""
    return f"lesson:{lesson_id}:{activity_id}"


def h5p_context_parse(context_id: str) -> tuple[int, str] | None:
    """The lesson id and activity id in an `h5p_context_id()`, or None if it is not one."""
    match = H5P_CONTEXT_RE.match(context_id or "")
    if match is None:
        return None
    return int(match["lesson"]), match["activity"]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class H5PBlock(ActivityBlock, H5PActivityBlock):
    """An H5P activity as one of the lesson's activities.

    The pupil plays it in a sandboxed frame on the H5P origin (see `h5p.blocks`). It is never
    answered through the lesson's own form: the h5p app checks and clamps the activity's score
    and sends `h5p.signals.result_recorded`, and `lessons.receivers.h5p_result_recorded` stores
    a finished result as this activity's answer:
    ``{"content": "<key>", "raw": 4.0, "max": 5.0, "scaled": 0.8, "passed": false}``.
    Answered once the activity is completed; correct when it is passed (full marks).
    """

    activity_type = "h5p"

    class Meta:
        icon = "media"
        label = _("H5P activity")
        template = "lessons/activities/h5p.html"

    def get_h5p_context_id(self, value, parent_context) -> str:
        """`lesson:<lesson id>:<activity id>`, so a result maps back to this activity.

        Empty (results are kept by h5p but count for no lesson) in a staff preview, or where
        the block is rendered without its lesson and activity state.
        """
        state = parent_context.get("state")
        lesson = parent_context.get("lesson")
        if state is None or getattr(state, "preview", True) or getattr(lesson, "pk", None) is None:
            return ""
        return h5p_context_id(lesson.pk, state.id)

    def is_required(self, value) -> bool:
        """Required like any activity, unless it cannot be played on this site (no H5P origin
        is configured, or its content was deleted): a lesson must stay completable."""
        return (
            super().is_required(value)
            and value.get("activity") is not None
            and bool(h5p_conf.h5p_origin())
        )

    def answer_from_data(self, value, data, previous):
        raise ActivityAnswerError(_("This activity saves your answers by itself as you play."))

    def check_answer(self, value, answer):
        answer = answer if isinstance(answer, dict) else {}
        raw, maximum = _number(answer.get("raw")), _number(answer.get("max"))
        passed = answer.get("passed") is True
        return ActivityResult(
            answer=answer,
            is_complete=bool(answer),
            correct=passed if answer else None,
            score=_number(answer.get("scaled")),
            feedback={"raw": raw, "max": maximum},
        )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        result, _draft = _state_parts(context)
        context["result"] = result
        return context


# --- Steps and the lesson body ------------------------------------------------------------


class StepContentBlock(blocks.StreamBlock):
    text = TextBlock()
    story = StoryBlock()
    image = LessonImageBlock()
    video = VideoBlock()
    key_message = KeyMessageBlock()
    help = HelpBlock()
    what_would_you_do = WhatWouldYouDoBlock()
    sort_it = SortItBlock()
    spot_the_signs = SpotTheSignsBlock()
    true_or_false = TrueOrFalseBlock()
    reveal_cards = RevealCardsBlock()
    h5p = H5PBlock()

    class Meta:
        min_num = 1


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"), max_length=120)
    picture = ImageChooserBlock(
        label=_("Picture"),
        required=False,
        help_text=_(
            "Optional: shown at the top of the step. Choose one from the image library or "
            "upload a new one (original artwork only)."
        ),
    )
    picture_alt = blocks.CharBlock(
        label=_("Picture description (alt text)"),
        required=False,
        max_length=250,
        help_text=_("Short and plain, in words the pupils of this age understand."),
    )
    content = StepContentBlock(label=_("Content"))
    narration = DocumentChooserBlock(
        required=False,
        label=_("Recorded narration"),
        help_text=_(
            "Optional: an MP3, OGG or M4A file of someone reading this step. It is played "
            "instead of the generated narration."
        ),
    )

    class Meta:
        icon = "form"
        label = _("Step")

    def clean(self, value):
        value = super().clean(value)
        if value.get("picture") and not (value.get("picture_alt") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "picture_alt": ValidationError(_("Say in a few words what the picture shows."))
                }
            )
        return value


class LessonBodyBlock(blocks.StreamBlock):
    """The steps of a lesson. Every lesson ends with a help and signposting step."""

    step = StepBlock()

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        if value:
            last_step = value[-1].value
            if not any(child.block_type == "help" for child in last_step["content"]):
                raise blocks.StreamBlockValidationError(
                    non_block_errors=[_("The last step must include a Help and signposting block.")]
                )
        return value
