"""Workflows that change quizzes, attempts and answers.

Every workflow is keyword-only and transactional. Views and commands call these and never
write the models directly. Errors a pupil can cause raise a `QuizError` whose message is
written for them; nothing is changed when one is raised.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import AgeBand, Pupil

from . import conf
from .models import (
    Answer,
    Attempt,
    CountedAttempt,
    FeedbackTiming,
    Option,
    OrderingAccept,
    Question,
    QuestionType,
    Quiz,
    Shows,
    Strand,
    counted_attempt,
)
from .permissions import pupil_may_take
from .pupil_rows import quiz_questions
from .questions import AnswerInvalid, OptionData, evaluate, normalise, question_problems
from .screening import free_text_screen
from .signals import attempt_submitted


class QuizError(Exception):
    """Something a pupil tried that cannot happen; the message is written for them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class QuizNotAvailable(QuizError):
    pass


class AttemptLimitReached(QuizError):
    pass


class AttemptAlreadySubmitted(QuizError):
    pass


class AnswerLocked(QuizError):
    pass


class AnswerRejected(QuizError):
    pass


# --- Loading from the curriculum -----------------------------------------------------------


class QuizSpecError(ValueError):
    """A lesson's `quiz:` section is malformed; the message lists every problem."""


_QUESTION_TYPES = set(QuestionType.values)
_STRANDS = set(Strand.values)
_SHOWS = set(Shows.values)


def _spec_questions(key: str, spec: dict) -> tuple[list[dict], list[str]]:
    """Turn the `quiz:` questions into field values, collecting every problem found."""
    problems: list[str] = []
    questions = spec.get("questions")
    if not isinstance(questions, list) or not questions:
        return [], [f"{key}: a quiz needs a list of questions"]
    seen: set[str] = set()
    free_text = 0
    result = []
    for position, q in enumerate(questions, start=1):
        where = f"{key} › question {q.get('id', position) if isinstance(q, dict) else position}"
        if not isinstance(q, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        qid, kind, strand = str(q.get("id") or ""), q.get("type"), q.get("strand")
        if not qid or len(qid) > 50:
            problems.append(f"{where}: needs an `id` (at most 50 characters)")
        elif qid in seen:
            problems.append(f"{where}: `id` is used twice")
        seen.add(qid)
        if kind not in _QUESTION_TYPES:
            problems.append(f"{where}: unknown type {kind!r}")
            continue
        if strand not in _STRANDS:
            problems.append(f"{where}: unknown strand {strand!r}")
        free_text += kind == QuestionType.FREE_TEXT
        options: list[dict] = []
        if kind in (
            QuestionType.SINGLE_CHOICE,
            QuestionType.SCENARIO,
            QuestionType.MULTIPLE_SELECT,
        ):
            for o in q.get("options") or []:
                shows = o.get("shows", Shows.SECURE if o.get("correct") else Shows.DEVELOPING)
                if shows not in _SHOWS:
                    problems.append(f"{where}: option shows {shows!r} is not one of {_SHOWS}")
                options.append(
                    {
                        "text": str(o.get("text", "")).strip(),
                        "match": "",
                        "correct": bool(o.get("correct")),
                        "pinned": bool(o.get("pinned")),
                        "shows": shows,
                        "feedback": str(o.get("feedback") or "").strip(),
                    }
                )
        elif kind == QuestionType.ORDERING:
            options = [
                {"text": str(item).strip(), "match": "", "correct": True, "shows": Shows.SECURE}
                for item in q.get("items") or []
            ]
        elif kind == QuestionType.MATCHING:
            options = [
                {
                    "text": str(p.get("left", "")).strip(),
                    "match": str(p.get("right", "")).strip(),
                    "correct": True,
                    "shows": Shows.SECURE,
                }
                for p in q.get("pairs") or []
            ]
        accept = q.get("accept", OrderingAccept.EXACT)
        if accept not in OrderingAccept.values or (
            accept != OrderingAccept.EXACT and kind != QuestionType.ORDERING
        ):
            problems.append(
                f"{where}: `accept` is for ordering questions, one of {OrderingAccept.values}"
            )
            accept = OrderingAccept.EXACT
        answer = q.get("answer") if kind == QuestionType.TRUE_FALSE else None
        if kind == QuestionType.TRUE_FALSE and not isinstance(answer, bool):
            problems.append(f"{where}: `answer` must be true or false")
            answer = None
        # A muddled order or pairing usually means "nearly there"; a wrong true/false is more
        # often a belief worth talking about.
        default_wrong = (
            Shows.MISCONCEPTION if kind == QuestionType.TRUE_FALSE else (Shows.DEVELOPING)
        )
        shows_if_wrong = q.get("shows_if_wrong", default_wrong)
        if shows_if_wrong not in _SHOWS:
            problems.append(f"{where}: shows_if_wrong {shows_if_wrong!r} is not one of {_SHOWS}")
        fields = {
            "key": qid,
            "kind": kind,
            "strand": strand,
            "text": str(q.get("text") or "").strip(),
            "scenario": str(q.get("scenario") or "").strip(),
            "answer": answer,
            "feedback": str(q.get("feedback") or "").strip(),
            "shows_if_wrong": shows_if_wrong,
            "accept": accept,
        }
        problems += [
            f"{where}: {p}"
            for p in question_problems(
                kind=kind,
                text=fields["text"],
                scenario=fields["scenario"],
                answer=answer,
                options=[OptionData(o["text"], o["match"], o["correct"]) for o in options],
            )
        ]
        result.append({"fields": fields, "options": options})
    if free_text > 1:
        problems.append(f"{key}: at most one free-text question per quiz")
    return result, problems


def _spec_settings(key: str, spec: dict) -> tuple[dict, list[str]]:
    problems = []
    pass_mark = spec.get("pass_mark", 60)
    if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
        problems.append(f"{key}: pass_mark must be a whole number from 0 to 100")
    attempts = spec.get("attempts_allowed", 3)
    if attempts == "unlimited":
        attempts = None
    if attempts is not None and (not isinstance(attempts, int) or attempts < 1):
        problems.append(f"{key}: attempts_allowed must be at least 1, or `unlimited`")
    counted = spec.get("counted_attempt", CountedAttempt.BEST)
    if counted not in CountedAttempt.values:
        problems.append(f"{key}: counted_attempt must be one of {CountedAttempt.values}")
    timing = spec.get("feedback", FeedbackTiming.PER_QUESTION)
    if timing not in FeedbackTiming.values:
        problems.append(f"{key}: feedback must be one of {FeedbackTiming.values}")
    return {
        "heading": str(spec.get("title") or "").strip(),
        "intro": str(spec.get("intro") or "").strip(),
        "remember": str(spec.get("remember") or "").strip(),
        "pass_mark": pass_mark,
        "attempts_allowed": attempts,
        "counted_attempt": counted,
        "feedback_timing": timing,
        "shuffle_questions": bool(spec.get("shuffle_questions", False)),
        "shuffle_options": bool(spec.get("shuffle_options", True)),
    }, problems


def _parse_spec(key: str, spec, age_band: str | None, existing_band: str | None):
    if not isinstance(spec, dict):
        return {}, [], None, [f"{key}: the quiz must be a mapping"]
    settings_, problems = _spec_settings(key, spec)
    questions, more = _spec_questions(key, spec)
    problems += more
    band = age_band or spec.get("age_band") or existing_band
    if band not in AgeBand.values:
        problems.append(f"{key}: age band {band!r} is not one of {AgeBand.values}")
    return settings_, questions, band, problems


def quiz_spec_problems(*, key: str, spec, age_band: str | None = None) -> list[str]:
    """Everything wrong with one lesson's `quiz:` section, writing nothing; an empty list means
    `quiz_upsert_from_spec` will load it. For loaders that check every file before writing."""
    existing = Quiz.objects.filter(key=key).values_list("age_band", flat=True).first()
    return _parse_spec(key, spec, age_band, existing)[3]


@transaction.atomic
def quiz_upsert_from_spec(*, key: str, title: str, spec: dict, age_band: str | None = None) -> Quiz:
    """Create or update the quiz for one lesson's `quiz:` section of the curriculum files.

    `key` is stable ("<module slug>/<lesson slug>"); `title` is what editors and teachers see
    (the lesson's title); the spec's own `title` becomes the heading pupils see. `age_band` is
    the module's band (without it: the spec's `age_band`, then the quiz's current band).
    Questions are matched by their `id` and updated in place, so pupils' attempts and answers
    survive a reload; options are matched by position. Questions no longer in the spec are
    removed (with their answers). Raises QuizSpecError, having written nothing, if the spec is
    malformed (`quiz_spec_problems` lists the same problems without raising).
    """
    quiz = Quiz.objects.filter(key=key).first() or Quiz(key=key)
    settings_, questions, band, problems = _parse_spec(key, spec, age_band, quiz.age_band)
    if problems:
        raise QuizSpecError("Quiz refused:\n  " + "\n  ".join(problems))

    quiz.title = title.strip() or settings_["heading"] or key
    quiz.age_band = band
    for name, value in settings_.items():
        setattr(quiz, name, value)
    quiz.save()

    existing = {q.key: q for q in Question.objects.filter(quiz=quiz).prefetch_related("options")}
    for position, item in enumerate(questions):
        fields = item["fields"]
        question = existing.pop(fields["key"], None) or Question(quiz=quiz)
        for name, value in fields.items():
            setattr(question, name, value)
        question.sort_order = position
        question.save()
        _sync_options(question, item["options"])
    Question.objects.filter(pk__in=[q.pk for q in existing.values()]).delete()
    return quiz


def _sync_options(question: Question, specs: list[dict]) -> None:
    current = list(question.options.all()) if question.pk else []
    current.sort(key=lambda o: (o.sort_order or 0, o.pk))
    for position, values in enumerate(specs):
        option = current[position] if position < len(current) else Option(question=question)
        for name in ("text", "match", "correct", "shows"):
            setattr(option, name, values[name])
        option.pinned = values.get("pinned", False)
        option.feedback = values.get("feedback", "")
        option.sort_order = position
        option.save()
    Option.objects.filter(pk__in=[o.pk for o in current[len(specs) :]]).delete()


# --- Taking a quiz -------------------------------------------------------------------------


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in the order it shows them, each with its options loaded.

    Questions added to the quiz after the attempt started come last; removed ones are gone.
    """
    questions = {q.pk: q for q in quiz_questions(attempt.quiz_id)}
    order = [pk for pk in attempt.question_order if pk in questions]
    order += [
        pk
        for pk in sorted(questions, key=lambda pk: questions[pk].sort_order or 0)
        if pk not in order
    ]
    if Attempt._meta.get_field("quiz").is_cached(attempt):
        for question in questions.values():
            question.quiz = attempt.quiz  # already loaded: reading it costs no query
    return [questions[pk] for pk in order]


def option_order(attempt: Attempt, question: Question) -> list[Option]:
    """A question's options in the order this attempt shows them."""
    options = {o.pk: o for o in question.options.all()}
    stored = attempt.option_orders.get(str(question.pk), [])
    order = [pk for pk in stored if pk in options]
    order += [
        o.pk
        for o in sorted(options.values(), key=lambda o: (o.sort_order or 0, o.pk))
        if o.pk not in order
    ]
    return [options[pk] for pk in order]


def right_order(attempt: Attempt, question: Question) -> list[Option]:
    """A matching question's right-hand answers in the order this attempt offers them."""
    options = {o.pk: o for o in question.options.all()}
    stored = attempt.option_orders.get(f"{question.pk}:right", [])
    order = [pk for pk in stored if pk in options]
    order += [pk for pk in sorted(options) if pk not in order]
    return [options[pk] for pk in order]


def _shuffled(items: list, *, avoid_original: bool = False, pinned=frozenset()) -> list:
    """The items in a random order; `pinned` items keep their authored places."""
    places = [i for i, item in enumerate(items) if item not in pinned]
    free = [items[i] for i in places]
    shuffled = list(items)
    for _try in range(10):
        random.shuffle(free)
        for place, item in zip(places, free, strict=True):
            shuffled[place] = item
        if not avoid_original or shuffled != items or len(free) < 2:
            break
    return shuffled


def _orders_for(quiz: Quiz, questions: list[Question]) -> tuple[list[int], dict[str, list[int]]]:
    question_ids = [q.pk for q in questions]
    if quiz.shuffle_questions:
        question_ids = _shuffled(question_ids)
    option_orders = {}
    for question in questions:
        ids = [o.pk for o in sorted(question.options.all(), key=lambda o: o.sort_order or 0)]
        if question.kind == QuestionType.ORDERING:
            # Shown in their stored order, the items would be the answer.
            ids = _shuffled(ids, avoid_original=True)
        elif quiz.shuffle_options:
            ids = _shuffled(ids, pinned={o.pk for o in question.options.all() if o.pinned})
        option_orders[str(question.pk)] = ids
        if question.kind == QuestionType.MATCHING:
            option_orders[f"{question.pk}:right"] = _shuffled(
                [o.pk for o in question.options.all()], avoid_original=True
            )
    return question_ids, option_orders


def _check_may_take(pupil: Pupil, quiz: Quiz) -> None:
    if not pupil_may_take(pupil, quiz):
        raise QuizNotAvailable(
            _("This quiz isn't one of yours. Ask your teacher if you think it should be.")
        )


def attempts_left(*, pupil: Pupil, quiz: Quiz) -> int | None:
    """How many more attempts the pupil may start (None: unlimited)."""
    if quiz.attempts_allowed is None:
        return None
    used = Attempt.objects.submitted().filter(pupil=pupil, quiz=quiz).count()
    return max(quiz.attempts_allowed - used, 0)


def _limit_message(quiz: Quiz) -> str:
    return _(
        "You have used all %(count)s tries at this quiz. Well done for practising — your "
        "teacher can see how you got on."
    ) % {"count": quiz.attempts_allowed}


@transaction.atomic
def attempt_start(*, pupil: Pupil, quiz: Quiz, check_phase: str = "") -> Attempt:
    """Start an attempt, or return the pupil's open one (a closed tab resumes where it was).

    A module check is started only through `quizzes.module_checks.check_start`, which passes
    the phase (before or after the module) recorded with the attempt.
    """
    if quiz.is_module_check != bool(check_phase):
        raise QuizNotAvailable(_("This check starts from your module page."))
    _check_may_take(pupil, quiz)
    # One pupil at a time: two tabs pressing "Start" together get the same attempt.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    existing = Attempt.objects.open().filter(pupil=pupil, quiz=quiz).first()
    if existing is not None:
        return existing
    submitted = Attempt.objects.submitted().filter(pupil=pupil, quiz=quiz).count()
    if quiz.attempts_allowed is not None and submitted >= quiz.attempts_allowed:
        raise AttemptLimitReached(_limit_message(quiz))
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("options"))
    question_order, option_orders = _orders_for(quiz, questions)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                pupil=pupil,
                number=submitted + 1,
                question_order=question_order,
                option_orders=option_orders,
                phase=check_phase,
            )
    except IntegrityError:
        # Another request started it first (databases without row locks).
        return Attempt.objects.open().get(pupil=pupil, quiz=quiz)


def _locked_open_attempt(attempt: Attempt) -> Attempt:
    locked = Attempt.objects.select_for_update().select_related("quiz", "pupil").get(pk=attempt.pk)
    if locked.is_submitted:
        raise AttemptAlreadySubmitted(
            _("You have already finished this quiz, so your answers are saved as they are.")
        )
    return locked


@transaction.atomic
def answer_save(*, attempt: Attempt, question: Question, raw: dict[str, Any]) -> Answer:
    """Save (or change) the pupil's answer to one question of an open attempt.

    With feedback after each question an answer is final once saved, because the pupil has
    seen whether it was right. A free-text answer is screened for safeguarding phrases here,
    as soon as it is written, whether or not the quiz is ever submitted.
    """
    attempt = _locked_open_attempt(attempt)
    _check_may_take(attempt.pupil, attempt.quiz)
    if question.quiz_id != attempt.quiz_id:
        raise AnswerRejected(_("That question is not part of this quiz."))
    existing = Answer.objects.filter(attempt=attempt, question=question).first()
    if existing is not None and attempt.quiz.feedback_timing == FeedbackTiming.PER_QUESTION:
        raise AnswerLocked(_("You have already answered this question. On to the next one!"))
    try:
        response, response_key = normalise(question, raw)
    except AnswerInvalid as error:
        raise AnswerRejected(str(error)) from None
    text = ""
    if question.kind == QuestionType.FREE_TEXT:
        text = str(raw.get("text") or "").strip()[: conf.free_text_max_length()]
    answer = existing or Answer(attempt=attempt, question=question)
    text_changed = answer.text != text
    answer.response, answer.response_key, answer.text = response, response_key, text
    if text_changed:
        answer.screened_at = None
        answer.flagged = False
    answer.save()
    Attempt.objects.filter(pk=attempt.pk).update(updated_at=timezone.now())
    if question.kind == QuestionType.FREE_TEXT and text and text_changed:
        free_text_screen(answer=answer)
    return answer


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    counted: Attempt
    passed: bool


@transaction.atomic
def attempt_submit(*, attempt: Attempt) -> SubmitResult:
    """Score an attempt on the server from its stored answers, and finish it.

    Unanswered questions (a pupil may pass on any question) count as not right. The score is
    the percentage of scored questions answered right (free text is not scored; a quiz with
    nothing to score counts as 100). Sends `attempt_submitted` before committing.
    """
    attempt = _locked_open_attempt(attempt)
    quiz, pupil = attempt.quiz, attempt.pupil
    _check_may_take(pupil, quiz)
    if quiz.attempts_allowed is not None and attempt.number > quiz.attempts_allowed:
        raise AttemptLimitReached(_limit_message(quiz))
    questions = attempt_questions(attempt)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    correct = scored = 0
    for question in questions:
        answer = answers.get(question.pk)
        if answer is not None:
            result = evaluate(question, answer.response, text=answer.text)
            answer.is_correct, answer.shows = result.correct, result.shows
        if question.is_scored:
            scored += 1
            correct += bool(answer is not None and answer.is_correct)
    Answer.objects.bulk_update(list(answers.values()), ["is_correct", "shows"])
    attempt.correct_count, attempt.scored_count = correct, scored
    # Percent, rounded half up (Python's round() would make 62.5 into 62).
    attempt.score = (200 * correct + scored) // (2 * scored) if scored else 100
    attempt.passed = attempt.score >= quiz.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save()
    counted = counted_attempt(
        Attempt.objects.submitted().filter(pupil=pupil, quiz=quiz), rule=quiz.counted_attempt
    )
    passed = counted.score >= quiz.pass_mark
    attempt_submitted.send(
        sender=Attempt,
        attempt=attempt,
        pupil=pupil,
        quiz=quiz,
        passed=passed,
        counted_score=counted.score,
    )
    return SubmitResult(attempt=attempt, counted=counted, passed=passed)
