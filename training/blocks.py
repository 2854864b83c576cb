"""StreamField blocks for staff courses.

A course's steps reuse the lesson blocks (text, stories, key messages and the interactive
activities, each checked on the server by the block itself); only the pupil-facing parts are
left out: pupils' signposting, narration, pictures and H5P. The quiz is a list of
single-answer questions written on the course page, marked in `training.services`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from lessons.blocks import (
    KeyMessageBlock,
    RevealCardsBlock,
    SortItBlock,
    SpotTheSignsBlock,
    StoryBlock,
    TextBlock,
    TrueOrFalseBlock,
    WhatWouldYouDoBlock,
)


class StaffStepContentBlock(blocks.StreamBlock):
    text = TextBlock()
    story = StoryBlock()
    key_message = KeyMessageBlock()
    what_would_you_do = WhatWouldYouDoBlock()
    sort_it = SortItBlock()
    spot_the_signs = SpotTheSignsBlock()
    true_or_false = TrueOrFalseBlock()
    reveal_cards = RevealCardsBlock()

    class Meta:
        min_num = 1


class StaffStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step title"), max_length=120)
    content = StaffStepContentBlock(label=_("Content"))

    class Meta:
        icon = "form"
        label = _("Step")


class StaffCourseBodyBlock(blocks.StreamBlock):
    step = StaffStepBlock()

    class Meta:
        min_num = 1


class QuizOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.TextBlock(
        label=_("Feedback"), help_text=_("Shown to someone who chose this answer.")
    )

    class Meta:
        icon = "radio-full"


class QuizQuestionBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Question"))
    options = blocks.ListBlock(QuizOptionBlock(), label=_("Answers"), min_num=2)

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = [option for option in value["options"] if option["correct"]]
        if len(correct) != 1:
            raise StructBlockValidationError(
                block_errors={"options": ValidationError(_("Mark exactly one answer correct."))}
            )
        return value
