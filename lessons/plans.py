"""Lesson plans: what a teacher needs to teach a lesson without preparing.

A plan lives with its lesson, in the lesson page's `plan` field (edited in the page editor's
"Lesson plan" tab, loaded from `lessons/curriculum/plans/` by `lessons.plan_loader`). It holds
the objectives, the *Education for a Connected World* statements covered (tagged with the same
strand values as quiz questions and the knowledge map), timings, starter, discussion prompts with
the answers to listen for, plenary, differentiation, and SEND and EAL notes. What to do if a child
discloses during the lesson is the same for every lesson, so it is not stored: the portal prints
it with every plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.blocks import StructBlockValidationError

from quizzes.models import Strand

# A plan's phases together: long enough to teach the lesson, short enough for one session.
MIN_TOTAL_MINUTES, MAX_TOTAL_MINUTES = 10, 60


class StatementBlock(blocks.StructBlock):
    strand = blocks.ChoiceBlock(
        choices=Strand.choices,
        label=_("Strand"),
        help_text=_("The same strand tags as quiz questions and the knowledge map."),
    )
    statement = blocks.TextBlock(
        label=_("Statement"),
        help_text=_("The statement for this age group that the lesson covers."),
    )

    class Meta:
        label = _("Statement")
        icon = "tick"


class TimingBlock(blocks.StructBlock):
    phase = blocks.CharBlock(label=_("Phase"), max_length=80)
    minutes = blocks.IntegerBlock(label=_("Minutes"), min_value=1, max_value=30)
    activity = blocks.TextBlock(label=_("What happens"))

    class Meta:
        label = _("Phase")
        icon = "time"


class PromptBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Prompt (what you ask)"))
    expected = blocks.ListBlock(
        blocks.CharBlock(label=_("Answer"), max_length=300),
        label=_("Answers to listen for"),
        min_num=1,
    )

    class Meta:
        label = _("Discussion prompt")
        icon = "help"


class LessonPlanBlock(blocks.StructBlock):
    objectives = blocks.ListBlock(
        blocks.CharBlock(label=_("Objective"), max_length=250),
        label=_("Learning objectives"),
        min_num=1,
    )
    statements = blocks.ListBlock(
        StatementBlock(),
        label=_("Education for a Connected World statements"),
        min_num=1,
    )
    timings = blocks.ListBlock(TimingBlock(), label=_("Timings"), min_num=2)
    starter = blocks.TextBlock(label=_("Starter"))
    prompts = blocks.ListBlock(PromptBlock(), label=_("Discussion prompts"), min_num=2)
    plenary = blocks.TextBlock(label=_("Plenary"))
    support = blocks.TextBlock(label=_("Differentiation: support"))
    stretch = blocks.TextBlock(label=_("Differentiation: stretch"))
    send = blocks.TextBlock(label=_("SEND notes"))
    eal = blocks.TextBlock(label=_("EAL notes"))

    class Meta:
        label = _("Lesson plan")
        icon = "doc-full"

    def clean(self, value):
        value = super().clean(value)
        total = sum(timing["minutes"] or 0 for timing in value["timings"])
        if not MIN_TOTAL_MINUTES <= total <= MAX_TOTAL_MINUTES:
            raise StructBlockValidationError(
                block_errors={
                    "timings": ValidationError(
                        _("The phases add up to %(total)s minutes; a plan runs %(min)s to %(max)s.")
                        % {"total": total, "min": MIN_TOTAL_MINUTES, "max": MAX_TOTAL_MINUTES}
                    )
                }
            )
        return value


PLAN_BLOCK_TYPES = [("plan", LessonPlanBlock())]

# The parts of a plan, in the order they are written and printed.
TEXT_PARTS = ("starter", "plenary", "support", "stretch", "send", "eal")
LIST_PARTS = ("objectives", "statements", "timings", "prompts")


def lesson_edit_handler(content_panels, promote_panels, settings_panels):
    """The lesson editor's tabs: the page's own, with "Lesson plan" after "Content"."""
    return TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(
                [FieldPanel("plan", heading=_("Lesson plan"))],
                heading=_("Lesson plan"),
            ),
            ObjectList(promote_panels, heading=_("Promote")),
            ObjectList(settings_panels, heading=_("Settings"), classname="settings"),
        ]
    )


# --- Reading a plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    strand: str
    strand_label: str
    text: str


@dataclass(frozen=True)
class Timing:
    phase: str
    minutes: int
    activity: str


@dataclass(frozen=True)
class Prompt:
    prompt: str
    expected: list[str]


@dataclass(frozen=True)
class Plan:
    """A lesson's plan, ready for a template."""

    objectives: list[str]
    statements: list[Statement]
    timings: list[Timing]
    starter: str
    prompts: list[Prompt]
    plenary: str
    support: str
    stretch: str
    send: str
    eal: str

    @property
    def total_minutes(self) -> int:
        return sum(timing.minutes for timing in self.timings)


def _strand_label(value: str) -> str:
    try:
        return str(Strand(value).label)
    except ValueError:
        return value


def lesson_plan(lesson) -> Plan | None:
    """The lesson's plan, or None if it has none yet."""
    for child in lesson.plan or []:
        if child.block_type != "plan":
            continue
        value = child.value
        return Plan(
            objectives=[str(text) for text in value["objectives"]],
            statements=[
                Statement(
                    strand=item["strand"],
                    strand_label=_strand_label(item["strand"]),
                    text=item["statement"],
                )
                for item in value["statements"]
            ],
            timings=[
                Timing(phase=item["phase"], minutes=item["minutes"], activity=item["activity"])
                for item in value["timings"]
            ],
            starter=value["starter"],
            prompts=[
                Prompt(prompt=item["prompt"], expected=[str(a) for a in item["expected"]])
                for item in value["prompts"]
            ],
            plenary=value["plenary"],
            support=value["support"],
            stretch=value["stretch"],
            send=value["send"],
            eal=value["eal"],
        )
    return None


def has_plan(lesson) -> bool:
    """Whether the lesson has a plan, from the stored data (no block conversion)."""
    return any(item.get("type") == "plan" for item in lesson.plan.raw_data or [])
