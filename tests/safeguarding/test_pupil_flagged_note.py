"""A pupil whose free text was flagged is told, calmly and in words for their age, that a trusted
adult at school will read it and that it is not their fault, with the help box. Nobody else sees
the line; it never promises secrecy."""

import pytest
from django.test import Client

from quizzes import services
from tests import factories
from tests.quizzes.helpers import make_quiz, question

Flag = pytest.importorskip("safeguarding.models").Flag

DISCLOSURE = "this guy has my pics n says hell send them to evry1 unless i pay"
BANDS = [
    (1, "4-7", "A grown-up will read this", "A grown-up at school who helps keep children safe"),
    (4, "8-10", "A trusted adult will read what you wrote", "whose job is to help keep children"),
    (7, "11-13", "A trusted adult at school will read your answer", "help keep pupils safe"),
    (10, "14-16", "A trusted adult at school will read your answer", "help keep pupils safe"),
]


def result_page(school, teacher, year_group, band, text):
    group = factories.TeachingGroupFactory(
        school=school, name=f"Y{year_group}", year_group=year_group, teachers=[teacher]
    )
    pupil = factories.pupil(group).pupil
    quiz = make_quiz(key=f"ages-{band}/test-lesson", age_band=band)
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    services.answer_save(attempt=attempt, question=question(quiz, "q7"), raw={"text": text})
    services.attempt_submit(attempt=attempt)
    client = Client()
    client.force_login(pupil.user)
    response = client.get(f"/quizzes/attempts/{attempt.pk}/result/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("year_group", "band", "heading", "words"), BANDS)
def test_a_flagged_pupil_sees_a_calm_line_in_words_for_their_age(
    school, teacher, year_group, band, heading, words
):
    page = result_page(school, teacher, year_group, band, DISCLOSURE)
    assert Flag.objects.count() == 1
    assert "data-flagged-note" in page
    assert heading in page and words in page
    assert "not your fault" in page and "not in trouble" in page
    assert "0800 1111" in page  # the help box
    assert ("ceop.police.uk" in page) is (band != "4-7")
    note = page.split("data-flagged-note")[1].split("</section>\n\n")[0].lower()
    assert "help-now" in note  # the help box is part of the note
    for promise in ("secret", "only you", "won’t tell", "won't tell", "nobody else", "private"):
        assert promise not in note


def test_a_pupil_whose_answer_was_not_flagged_sees_no_such_line(school, teacher):
    page = result_page(school, teacher, 10, "14-16", "dont pay him, block him and tell someone")
    assert not Flag.objects.exists()
    assert "data-flagged-note" not in page
    assert "You finished the quiz!" in page
