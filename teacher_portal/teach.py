"""Teach mode: a lesson as the class sees it on the board, one step at a time.

`board_steps()` turns a lesson into the steps the presenter view shows. Content blocks are
rendered with their own templates; activities become class activities (`ClassActivity`): the
teacher reveals the choices, counts the class's show of hands, then reveals the feedback. The
"where to get help" block is shown without its "Talk to someone" button (no safeguarding
controls on the board); the last step always carries a "Talk to someone" reminder line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lessons.models import LessonPage

BOARD_BLOCKS = {"text", "story", "image", "video", "key_message"}


@dataclass(frozen=True)
class VoteChoice:
    number: int
    text: str
    hoped: bool  # the answer we hope for (marked in words when the feedback is revealed)
    feedback: str = ""


@dataclass(frozen=True)
class VoteQuestion:
    dom_id: str
    text: str
    choices: list[VoteChoice]
    intro: str = ""  # what happens first (a scene), or who wrote a chat message
    feedback: str = ""  # for the whole question, once revealed


@dataclass(frozen=True)
class RevealCard:
    front: str
    back: str


@dataclass(frozen=True)
class ClassActivity:
    """An activity run with the whole class."""

    id: str
    kind: str  # the block's activity type
    title: str
    prompt: str = ""
    questions: list[VoteQuestion] = field(default_factory=list)
    cards: list[RevealCard] = field(default_factory=list)
    on_devices: bool = False  # H5P: pupils do it on their own devices, not on the board


@dataclass(frozen=True)
class BoardItem:
    kind: str  # "block", "activity" or "help"
    child: object = None  # the stream child, for "block"
    activity: ClassActivity | None = None
    help_text: str = ""


@dataclass(frozen=True)
class BoardStep:
    number: int  # 0 is the introduction
    title: str
    items: list[BoardItem]
    is_last: bool = False


def _choices(pairs) -> list[VoteChoice]:
    return [
        VoteChoice(number=n, text=str(text), hoped=bool(hoped), feedback=str(feedback or ""))
        for n, (text, hoped, feedback) in enumerate(pairs, start=1)
    ]


def class_activity(activity) -> ClassActivity:
    """An activity of the lesson as a class activity (a vote per question, or cards)."""
    value, kind, base = activity.value, activity.block_type, f"vote-{activity.id}"
    title = str(activity.block.meta.label or kind)
    if kind == "what_would_you_do":
        questions = [
            VoteQuestion(
                dom_id=f"{base}-{i}",
                intro=scene["text"],
                text=scene["question"],
                choices=_choices((c["text"], c["safe"], c["feedback"]) for c in scene["choices"]),
            )
            for i, scene in enumerate(value["scenes"])
        ]
        return ClassActivity(id=activity.id, kind=kind, title=title, questions=questions)
    if kind == "true_or_false":
        questions = [
            VoteQuestion(
                dom_id=f"{base}-{i}",
                text=statement["text"],
                choices=_choices(
                    [
                        (_("True"), statement["answer"], ""),
                        (_("False"), not statement["answer"], ""),
                    ]
                ),
                feedback=statement["feedback"],
            )
            for i, statement in enumerate(value["statements"])
        ]
        return ClassActivity(id=activity.id, kind=kind, title=title, questions=questions)
    if kind == "sort_it":
        groups = list(value["groups"])
        questions = [
            VoteQuestion(
                dom_id=f"{base}-{i}",
                text=card["text"],
                choices=_choices((g["label"], g["key"] == card["group"], "") for g in groups),
                feedback=card["feedback"],
            )
            for i, card in enumerate(value["cards"])
        ]
        return ClassActivity(
            id=activity.id, kind=kind, title=title, prompt=value["prompt"], questions=questions
        )
    if kind == "spot_the_signs":
        questions = [
            VoteQuestion(
                dom_id=f"{base}-{i}",
                intro=message["author"],
                text=message["text"],
                choices=_choices(
                    [
                        (_("A warning sign"), message["warning"], ""),
                        (_("Not a warning sign"), not message["warning"], ""),
                    ]
                ),
                feedback=message["explanation"],
            )
            for i, message in enumerate(value["messages"])
        ]
        return ClassActivity(
            id=activity.id, kind=kind, title=title, prompt=value["prompt"], questions=questions
        )
    if kind == "reveal_cards":
        cards = [RevealCard(front=c["front"], back=c["back"]) for c in value["cards"]]
        return ClassActivity(
            id=activity.id, kind=kind, title=title, prompt=value["prompt"], cards=cards
        )
    return ClassActivity(id=activity.id, kind=kind, title=title, on_devices=True)


def board_steps(lesson: LessonPage) -> list[BoardStep]:
    """The introduction, then every step of the lesson, as the board shows them."""
    steps = [BoardStep(number=0, title=lesson.title, items=[])]
    activities = lesson.activities
    for step in lesson.steps:
        items = []
        for child in step.children:
            if child.id in activities:
                items.append(
                    BoardItem(kind="activity", activity=class_activity(activities[child.id]))
                )
            elif child.block_type == "help":
                items.append(BoardItem(kind="help", help_text=child.value.get("text") or ""))
            elif child.block_type in BOARD_BLOCKS:
                items.append(BoardItem(kind="block", child=child))
        steps.append(
            BoardStep(
                number=step.number,
                title=step.title,
                items=items,
                is_last=step.number == lesson.last_step,
            )
        )
    return steps
