"""Free-text answers are screened on the server through the safeguarding app.

These use the real safeguarding services (`pupil_text_screen`, the detector, `flag_raise`) and
the school's default phrase list; nothing in safeguarding is mocked.
"""

import logging
import re

import pytest
from django.core.management import call_command
from django.utils.html import escape

from quizzes import screening, services
from quizzes.models import Answer
from tests import factories
from tests.quizzes.helpers import question, right

Flag = pytest.importorskip("safeguarding.models").Flag


def write(pupil, quiz, text):
    q7 = question(quiz, "q7")
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    return services.answer_save(attempt=attempt, question=q7, raw={"text": text})


def test_a_matching_phrase_raises_a_flag_for_the_dsl(pupil, quiz):
    answer = write(pupil, quiz, "I would tell my friend it's not our secret to keep.")
    flag = Flag.objects.get()
    assert flag.pupil == pupil
    assert flag.school == pupil.school
    assert flag.matched_phrases == ["our secret"]
    assert flag.text_excerpt == "I would tell my friend it's not our secret to keep."
    assert "Test lesson" in flag.source
    answer.refresh_from_db()
    assert answer.screened_at is not None


def test_a_near_miss_raises_nothing(pupil, quiz):
    answer = write(pupil, quiz, "Our secretary at school helps with forms and our secrets club.")
    assert not Flag.objects.exists()
    answer.refresh_from_db()
    assert answer.screened_at is not None  # screened, and nothing found


def test_mixed_case_and_punctuation_still_match(pupil, quiz):
    write(pupil, quiz, "He said DON'T...tell   ANYONE!!! and I'm SCARED.")
    flag = Flag.objects.get()
    assert set(flag.matched_phrases) >= {"don't tell anyone", "i'm scared"}


def _feedback_page(client, pupil, quiz, text):
    """What a pupil sees after writing `text`, with what differs between pupils taken out."""
    client.force_login(pupil.user)
    client.post(f"/quizzes/{quiz.pk}/start/")
    attempt = pupil.quiz_attempts.get()
    number = [q.key for q in services.attempt_questions(attempt)].index("q7") + 1
    url = f"/quizzes/attempts/{attempt.pk}/questions/{number}/"
    response = client.post(url, {"text": text}, follow=True)
    body = response.content.decode()
    body = body[body.index('<main id="main"') :]
    body = re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"', "", body)
    return (
        response.status_code,
        response.redirect_chain[-1][0].replace(str(attempt.pk), "N"),
        body.replace(f"/attempts/{attempt.pk}/", "/attempts/N/").replace(escape(text), "TEXT"),
    )


def test_only_a_flagged_pupil_sees_the_calm_line(client, pupil, quiz, group):
    worrying = _feedback_page(client, pupil, quiz, "It's our secret, he said.")
    assert Flag.objects.count() == 1
    other = factories.pupil(group, "Noah").pupil
    ordinary = _feedback_page(client, other, quiz, "I'd say tell a grown-up.")
    assert Flag.objects.count() == 1
    assert "Thank you for sharing your thinking." in worrying[2]
    assert "Thank you for sharing your thinking." in ordinary[2]
    assert "data-flagged-note" in worrying[2] and "not your fault" in worrying[2]
    assert "data-flagged-note" not in ordinary[2]
    assert worrying[:2] == ordinary[:2]  # same status and the same next page


def test_a_paraphrased_disclosure_is_flagged_with_an_explanation(pupil, quiz):
    text = "this guy has my pics n says hell send them to evry1 unless i pay"
    answer = write(pupil, quiz, text)
    flag = Flag.objects.get()
    assert flag.matched_phrases == []  # no listed phrase: the detector found it
    assert flag.explanation.startswith("Mentions images + a threat or demand")
    assert flag.reason == flag.explanation
    assert flag.strength >= 3
    assert "image" in flag.concepts and "threat" in flag.concepts
    answer.refresh_from_db()
    assert answer.flagged is True


def test_an_answer_that_names_the_risks_is_not_flagged(pupil, quiz):
    answer = write(pupil, quiz, "He could share the pictures, so tell someone. Never send pics.")
    assert not Flag.objects.exists()
    answer.refresh_from_db()
    assert answer.flagged is False and answer.screened_at is not None


def test_flag_raise_is_called_with_the_explanation(pupil, quiz, monkeypatch):
    from safeguarding.services import screening as service

    calls = []
    real = service.flag_raise

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(service, "flag_raise", spy)
    write(pupil, quiz, "i sent nudez to a guy and now hes threatening me")
    assert len(calls) == 1
    assert calls[0]["explanation"].startswith("Mentions images + a threat or demand")
    assert calls[0]["reason"] == calls[0]["explanation"]
    assert calls[0]["pupil"] == pupil


def test_the_same_answer_screened_twice_raises_one_flag(pupil, quiz):
    answer = write(pupil, quiz, "keep it a secret")
    assert screening.free_text_screen(answer=answer) is True
    assert Flag.objects.count() == 1


def test_a_changed_worrying_answer_raises_a_new_flag(pupil, db):
    from tests.quizzes.helpers import make_quiz

    quiz = make_quiz(key="m/at-end", feedback="at_end")
    write(pupil, quiz, "keep it a secret")
    write(pupil, quiz, "he threatened me")
    assert Flag.objects.count() == 2


def test_when_screening_is_unavailable_the_answer_waits_and_is_screened_later(
    pupil, quiz, monkeypatch, caplog
):
    monkeypatch.setattr(screening, "safeguarding_api", lambda: None)
    with caplog.at_level(logging.WARNING, logger="quizzes.screening"):
        answer = write(pupil, quiz, "Nobody will believe you, he said.")
    assert not Flag.objects.exists()
    answer.refresh_from_db()
    assert answer.screened_at is None
    assert "Nobody will believe" not in caplog.text  # logs never carry what a pupil wrote
    monkeypatch.undo()
    call_command("quiz_screen_pending")
    assert Flag.objects.get().matched_phrases == ["nobody will believe you"]
    assert Answer.objects.get(pk=answer.pk).screened_at is not None


def test_a_screening_failure_never_costs_the_pupil_their_answer(pupil, quiz, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("phrase list unreadable")

    monkeypatch.setattr(screening, "safeguarding_api", lambda: broken)
    answer = write(pupil, quiz, "keep it a secret")
    answer.refresh_from_db()
    assert answer.text == "keep it a secret"
    assert answer.screened_at is None


def test_scored_answers_are_not_screened(pupil, quiz):
    attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    q1 = question(quiz, "q1")
    services.answer_save(attempt=attempt, question=q1, raw=right(q1))
    assert not Flag.objects.exists()
