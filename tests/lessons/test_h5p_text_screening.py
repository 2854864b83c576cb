"""Words a pupil types into an H5P activity are screened for a possible disclosure.

The h5p app sends `h5p.signals.text_answered` for any accepted statement whose response holds
typed words; `lessons.receivers.h5p_text_answered` hands them to the safeguarding app's one
screening service (`pupil_text_screen`), which flags them for the DSL. Real services throughout.
"""

import pytest

from h5p.models import XAPIStatement
from h5p.services import typed_response
from lessons.blocks import h5p_context_id
from tests.lessons import test_h5p_completion as base
from tests.lessons.test_h5p_completion import activity_id, record, statement

# The H5P lesson and its activity, as the completion tests build them.
h5p_settings = base.h5p_settings
activities = base.activities
curriculum_dir = base.curriculum_dir
h5p_lesson = base.h5p_lesson
chat = base.chat

Flag = pytest.importorskip("safeguarding.models").Flag
DISCLOSURE = "this guy has my pics n says hell send them to evry1 unless i pay"


def answered(text):
    return statement("answered", response=text)


def test_a_typed_disclosure_in_an_h5p_activity_is_flagged_with_an_explanation(
    h5p_lesson, chat, pupil
):
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    record(pupil.user, chat, answered(DISCLOSURE), context)
    flag = Flag.objects.get()
    assert flag.pupil == pupil
    assert flag.explanation.startswith("Mentions images + a threat or demand")
    assert flag.text_excerpt == DISCLOSURE
    assert h5p_lesson.title in flag.source and chat.title in flag.source
    # The same words sent again (a retry) raise no second flag.
    record(pupil.user, chat, answered(DISCLOSURE), context)
    assert Flag.objects.count() == 1


def test_choice_answers_and_ordinary_words_raise_nothing(h5p_lesson, chat, pupil):
    context = h5p_context_id(h5p_lesson.pk, activity_id())
    record(pupil.user, chat, answered("0[,]2"), context)
    record(pupil.user, chat, answered("I would tell my mum and block them"), context)
    assert XAPIStatement.objects.count() == 2
    assert not Flag.objects.exists()


def test_staff_playing_an_activity_are_not_screened(h5p_lesson, chat, teacher):
    record(teacher, chat, answered(DISCLOSURE), "")
    assert not Flag.objects.exists()


def test_a_screening_failure_never_loses_the_statement(h5p_lesson, chat, pupil, monkeypatch):
    import safeguarding.services

    def broken(**kwargs):
        raise RuntimeError("screening down")

    monkeypatch.setattr(safeguarding.services, "pupil_text_screen", broken)
    record(pupil.user, chat, answered(DISCLOSURE), h5p_context_id(h5p_lesson.pk, activity_id()))
    assert XAPIStatement.objects.count() == 1
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"result": {"response": "he said[,]our secret"}}, "he said, our secret"),
        ({"result": {"response": "0[,]1[,]3"}}, ""),
        ({"result": {"response": "1[.]2"}}, ""),
        ({"result": {"response": 3}}, ""),
        ({"result": "nope"}, ""),
        ({}, ""),
        ({"result": {"response": "x" * 6000}}, "x" * 5000),
    ],
)
def test_typed_response_reads_only_words(data, text):
    assert typed_response(data) == text
