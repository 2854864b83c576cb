"""Pupils take quizzes here; teachers see how their classes did. Views parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lessons.narration import question_audio_urls
from schools.models import TeachingGroup
from schools.permissions import get_pupil, pupil_required, teacher_required

from . import analysis, gains, say_or_draw, services
from .forms import AnswerForm
from .models import Answer, Attempt, FeedbackTiming, Quiz, Shows, Strand, counted_attempt
from .permissions import pupil_may_take
from .pupil_rows import answer_row, pupil_attempt
from .questions import evaluate

RETURN_KEY = "quizzes:return:{}"


def _not_available(request, quiz: Quiz | None = None):
    return render(
        request,
        "quizzes/not_available.html",
        {"quiz": quiz, "age_band": _band(request)},
        status=403,
    )


def _band(request) -> str:
    pupil = get_pupil(request.user)
    return pupil.age_band.value if pupil else ""


def _remember_return_url(request, quiz: Quiz) -> None:
    """Where "Back" on the result screen goes: the lesson the pupil came from, if given."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[RETURN_KEY.format(quiz.pk)] = target


def _way_back(request, quiz: Quiz) -> tuple[str, str]:
    """Where "Back" leads, and its words: the lesson the quiz came from, or the pupil's home."""
    lesson_url = request.session.get(RETURN_KEY.format(quiz.pk))
    if lesson_url:
        return lesson_url, _("Back to the lesson")
    return reverse("learn_home"), _("Back to my lessons")


def _pupil_attempt(request, attempt_pk: int) -> Attempt:
    attempt = pupil_attempt(get_pupil(request.user), attempt_pk)
    if attempt is None:
        raise Http404
    return attempt


def _question_url(attempt: Attempt, number: int) -> str:
    return reverse("quizzes:question", args=[attempt.pk, number])


def _first_unanswered(attempt: Attempt) -> str:
    answered = set(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    for number, question in enumerate(services.attempt_questions(attempt), start=1):
        if question.pk not in answered:
            return _question_url(attempt, number)
    return reverse("quizzes:finish", args=[attempt.pk])


# --- Pupils ----------------------------------------------------------------------------------


@pupil_required
def quiz_detail(request, pk: int):
    pupil = get_pupil(request.user)
    quiz = get_object_or_404(Quiz, pk=pk)
    if not pupil_may_take(pupil, quiz):
        return _not_available(request, quiz)
    if quiz.is_module_check:
        messages.info(request, _("This check starts from your module page."))
        return redirect("learn_home")
    _remember_return_url(request, quiz)
    attempts = list(Attempt.objects.for_pupil(pupil).filter(quiz=quiz))
    submitted = [a for a in attempts if a.is_submitted]
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    left = None
    if quiz.attempts_allowed is not None:
        left = max(quiz.attempts_allowed - len(submitted), 0)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "age_band": pupil.age_band.value,
            "question_count": quiz.questions.count(),
            "open_attempt": open_attempt,
            "submitted": submitted,
            "counted": counted_attempt(submitted, rule=quiz.counted_attempt),
            "attempts_left": left,
            "return_url": _way_back(request, quiz)[0],
        },
    )


@require_POST
@pupil_required
def attempt_start(request, pk: int):
    pupil = get_pupil(request.user)
    quiz = get_object_or_404(Quiz, pk=pk)
    try:
        attempt = services.attempt_start(pupil=pupil, quiz=quiz)
    except services.QuizNotAvailable:
        return _not_available(request, quiz)
    except services.QuizError as error:
        messages.info(request, error.message)
        return redirect(quiz)
    return redirect(_first_unanswered(attempt))


@pupil_required
def question(request, attempt_pk: int, number: int):
    attempt = _pupil_attempt(request, attempt_pk)
    quiz = attempt.quiz
    if attempt.is_submitted:
        messages.info(request, _("You have already finished this quiz. Here is how you got on."))
        return redirect("quizzes:result", attempt.pk)
    if not pupil_may_take(attempt.pupil, quiz):
        return _not_available(request, quiz)
    questions = services.attempt_questions(attempt)
    if not 1 <= number <= len(questions):
        raise Http404
    current = questions[number - 1]
    answer = answer_row(attempt, current)
    per_question = quiz.feedback_timing == FeedbackTiming.PER_QUESTION
    form_kwargs = {
        "question": current,
        "options": services.option_order(attempt, current),
        "rights": services.right_order(attempt, current),
    }
    is_last = number == len(questions)
    next_url = (
        reverse("quizzes:finish", args=[attempt.pk])
        if is_last
        else _question_url(attempt, number + 1)
    )
    if request.method == "POST":
        form = AnswerForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                picture = say_or_draw.picture_from_post(attempt, current, request.POST)
                saved = services.answer_save(attempt=attempt, question=current, raw=form.raw())
                say_or_draw.picture_save(answer=saved, picture=picture)
            except say_or_draw.DrawingRejected as error:
                form.add_error(None, error.message)
            except services.AttemptAlreadySubmitted as error:
                messages.info(request, error.message)
                return redirect("quizzes:result", attempt.pk)
            except services.QuizNotAvailable:
                return _not_available(request, quiz)
            except services.AnswerLocked as error:
                messages.info(request, error.message)
                return redirect(_question_url(attempt, number))
            except services.AnswerRejected as error:
                form.add_error(None, error.message)
            else:
                if per_question:
                    return redirect(_question_url(attempt, number) + "#feedback")
                return redirect(next_url)
    else:
        form = AnswerForm(initial=AnswerForm.initial_for(current, answer), **form_kwargs)
    locked = per_question and answer is not None
    narration_urls = question_audio_urls(current, form_kwargs["options"])
    evaluation = None
    if locked:
        evaluation = evaluate(current, answer.response, text=answer.text)
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "quizzes/question.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "age_band": attempt.pupil.age_band.value,
            "question": current,
            "narration_url": narration_urls[0] if narration_urls else None,
            "narration_queue": narration_urls[1:],
            "form": form,
            "number": number,
            "total": len(questions),
            "locked": locked,
            "answer": answer,
            "evaluation": evaluation,
            "next_url": next_url,
            "is_last": is_last,
            "previous_url": _question_url(attempt, number - 1) if number > 1 else None,
            "say_or_draw": say_or_draw.offers_drawing(attempt, current),
            "picture_choices": say_or_draw.PICTURE_CHOICES,
            "reflection_picture": getattr(answer, "reflection_picture", None) if answer else None,
        },
    )


@pupil_required
def finish(request, attempt_pk: int):
    """Check what you answered, then hand the quiz in."""
    attempt = _pupil_attempt(request, attempt_pk)
    quiz = attempt.quiz
    if attempt.is_submitted:
        messages.info(request, _("You have already finished this quiz. Here is how you got on."))
        return redirect("quizzes:result", attempt.pk)
    if request.method == "POST":
        try:
            services.attempt_submit(attempt=attempt)
        except services.AttemptAlreadySubmitted as error:
            messages.info(request, error.message)
            return redirect("quizzes:result", attempt.pk)
        except services.QuizNotAvailable:
            return _not_available(request, quiz)
        except services.QuizError as error:
            messages.info(request, error.message)
            return redirect(quiz)
        return redirect("quizzes:result", attempt.pk)
    if not pupil_may_take(attempt.pupil, quiz):
        return _not_available(request, quiz)
    questions = services.attempt_questions(attempt)
    answered = set(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True))
    rows = [
        {
            "number": number,
            "question": q,
            "answered": q.pk in answered,
            "url": _question_url(attempt, number),
        }
        for number, q in enumerate(questions, start=1)
    ]
    return render(
        request,
        "quizzes/finish.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "age_band": attempt.pupil.age_band.value,
            "rows": rows,
            "skipped": sum(1 for r in rows if not r["answered"]),
            "can_change": quiz.feedback_timing == FeedbackTiming.AT_END,
        },
    )


@pupil_required
def result(request, attempt_pk: int):
    attempt = _pupil_attempt(request, attempt_pk)
    quiz = attempt.quiz
    if not attempt.is_submitted:
        return redirect(_first_unanswered(attempt))
    if attempt.phase:
        return _check_result(request, attempt)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    rows = []
    for number, q in enumerate(services.attempt_questions(attempt), start=1):
        answer = answers.get(q.pk)
        rows.append(
            {
                "number": number,
                "question": q,
                "answer": answer,
                "evaluation": evaluate(q, answer.response, text=answer.text)
                if answer
                else evaluate(q, None),
                "remember_id": f"remember-{number}",
                "answer_id": f"answer-{number}",
            }
        )
    left = services.attempts_left(pupil=attempt.pupil, quiz=quiz)
    counted = Attempt.objects.counted_for(pupil=attempt.pupil, quiz=quiz)
    return_url, return_label = _way_back(request, quiz)
    return render(
        request,
        "quizzes/result.html",
        {
            "quiz": quiz,
            "attempt": attempt,
            "age_band": attempt.pupil.age_band.value,
            "rows": rows,
            "to_remember": [r for r in rows if r["question"].is_scored and not _right(r)],
            "attempts_left": left,
            "can_retake": left is None or left > 0,
            "counted": counted,
            "return_url": return_url,
            "return_label": return_label,
            # Issue 11 (detect): a free-text answer was flagged for the DSL.
            "flagged": any(answer.flagged for answer in answers.values()),
        },
    )


def _check_result(request, attempt: Attempt):
    """A module check has no mark: the pupil hears, kindly, what they know more about now."""
    return_url, return_label = _way_back(request, attempt.quiz)
    if request.session.get(RETURN_KEY.format(attempt.quiz_id)):
        return_label = _("Back to the module")
    return render(
        request,
        "quizzes/check_result.html",
        {
            "quiz": attempt.quiz,
            "attempt": attempt,
            "age_band": attempt.pupil.age_band.value,
            "progress": gains.pupil_check_progress(pupil=attempt.pupil, quiz=attempt.quiz),
            "return_url": return_url,
            "return_label": return_label,
        },
    )


def _right(row) -> bool:
    return bool(row["answer"] and row["answer"].is_correct)


# --- Teachers --------------------------------------------------------------------------------


def _visible_group(request, group_pk: int) -> TeachingGroup:
    return get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=group_pk)


@teacher_required
def class_quizzes(request, group_pk: int):
    group = _visible_group(request, group_pk)
    quizzes = Quiz.objects.for_age_band(group.age_band.value)
    return render(request, "quizzes/class_quizzes.html", {"group": group, "quizzes": quizzes})


@teacher_required
def quiz_analysis(request, pk: int, group_pk: int):
    group = _visible_group(request, group_pk)
    quiz = get_object_or_404(Quiz, pk=pk)
    report = analysis.quiz_class_report(quiz=quiz, group=group, user=request.user)
    return render(
        request, "quizzes/analysis.html", {"group": group, "quiz": quiz, "report": report}
    )


@teacher_required
def knowledge_map(request, group_pk: int):
    group = _visible_group(request, group_pk)
    kmap = analysis.knowledge_map(group=group, user=request.user)
    return render(
        request,
        "quizzes/knowledge_map.html",
        {"group": group, "map": kmap, "strands": Strand, "shows": Shows},
    )
