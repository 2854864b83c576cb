"""What each question type means: which content is valid, what an answer looks like, and
whether it is right.

Everything here is plain functions over a Question and its options (already loaded), so the
loader, the admin form, the services and the teacher reports share one definition.

Scoring is all-or-nothing per question, with no partial credit: a multiple-select question is
right only when exactly the correct options are chosen, an ordering question only when every
item is in its place, a matching question only when every pair is right. Partial credit would
reward guessing every box on a multiple-select question, and for a safety message "mostly
right" (block, then tell… but also reply) is still the thing a teacher needs to see.
Free-text reflections are never scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .models import CHOICE_TYPES, OrderingAccept, QuestionType, Shows


class AnswerInvalid(ValueError):
    """A posted answer does not fit the question (shown to the pupil, so worded for them)."""


@dataclass(frozen=True)
class OptionData:
    """The parts of an option that validation looks at (from the loader or the admin form)."""

    text: str
    match: str = ""
    correct: bool = False


def question_problems(*, kind: str, text: str, scenario: str, answer, options) -> list[str]:
    """Why a question's content would not work for pupils; an empty list when it is fine."""
    problems = []
    options = list(options)
    if not (text or "").strip():
        problems.append(_("Write the question."))
    if kind in CHOICE_TYPES:
        if len(options) < 2:
            problems.append(_("Give at least two options."))
        correct = sum(1 for o in options if o.correct)
        if kind == QuestionType.MULTIPLE_SELECT:
            if correct < 1:
                problems.append(_("Mark at least one option as correct."))
        elif correct != 1:
            problems.append(_("Mark exactly one option as correct."))
    if kind == QuestionType.SCENARIO and not (scenario or "").strip():
        problems.append(_("Write the scenario (the short story before the question)."))
    if kind == QuestionType.TRUE_FALSE:
        if answer is None:
            problems.append(_("Say whether the statement is true or false."))
        if options:
            problems.append(_("True or false questions have no options."))
    if kind == QuestionType.ORDERING:
        if len(options) < 2:
            problems.append(_("Give at least two items, in the correct order."))
        if len({o.text.strip() for o in options}) != len(options):
            problems.append(_("Each item to put in order must be different."))
    if kind == QuestionType.MATCHING:
        if len(options) < 2:
            problems.append(_("Give at least two pairs."))
        if any(not o.match.strip() for o in options):
            problems.append(_("Every pair needs something to match."))
        if len({o.text.strip() for o in options}) != len(options):
            problems.append(_("Each item on the left must be different."))
    if kind == QuestionType.FREE_TEXT and options:
        problems.append(_("Free-text questions have no options."))
    return problems


# --- Answers -------------------------------------------------------------------------------


def _ids(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise AnswerInvalid(_("Please choose from the answers shown.")) from None


def normalise(question, raw: dict[str, Any]) -> tuple[Any, str]:
    """Check a raw answer against the question and return (response, response_key).

    `raw` is what the answer form produced: {"option": id}, {"options": [ids]},
    {"answer": bool}, {"order": [ids]}, {"pairs": {left id: right id}} or {"text": str}.
    Ids must belong to this question; nothing from the browser is trusted beyond that.
    """
    options = {o.pk: o for o in question.options.all()}
    kind = question.kind
    if kind == QuestionType.FREE_TEXT:
        return None, ""
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
        value = raw.get("option")
        chosen = _ids([value])[0] if value not in (None, "") else None
        if chosen not in options:
            raise AnswerInvalid(_("Please choose an answer."))
        response = chosen
    elif kind == QuestionType.MULTIPLE_SELECT:
        chosen = sorted(set(_ids(raw.get("options") or [])))
        if not chosen:
            raise AnswerInvalid(_("Please choose at least one answer."))
        if any(c not in options for c in chosen):
            raise AnswerInvalid(_("Please choose from the answers shown."))
        response = chosen
    elif kind == QuestionType.TRUE_FALSE:
        value = raw.get("answer")
        if not isinstance(value, bool):
            raise AnswerInvalid(_("Please choose true or false."))
        response = value
    elif kind == QuestionType.ORDERING:
        order = _ids(raw.get("order") or [])
        if sorted(order) != sorted(options):
            raise AnswerInvalid(_("Use each step once, so every place has a different step."))
        response = order
    elif kind == QuestionType.MATCHING:
        try:
            pairs = {int(k): int(v) for k, v in (raw.get("pairs") or {}).items()}
        except (AttributeError, TypeError, ValueError):
            raise AnswerInvalid(_("Please choose from the answers shown.")) from None
        if sorted(pairs) != sorted(options):
            raise AnswerInvalid(_("Please choose a match for every item."))
        if any(right not in options for right in pairs.values()):
            raise AnswerInvalid(_("Please choose from the answers shown."))
        response = [[left, pairs[left]] for left in sorted(pairs)]
    else:  # pragma: no cover - choices are closed
        raise AnswerInvalid(_("This question cannot be answered."))
    return response, json.dumps(response, separators=(",", ":"))


@dataclass
class Evaluation:
    """Whether an answer is right, what it shows, and the feedback the pupil sees."""

    correct: bool | None
    shows: str
    feedback: list[str] = field(default_factory=list)
    # What the right answer is, for a pupil who did not get it (never shown as a correction
    # of them, only as "something to remember").
    right_answer: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    skipped: bool = False


def _ordered_options(question):
    return sorted(question.options.all(), key=lambda o: (o.sort_order or 0, o.pk))


def evaluate(question, response, *, text: str = "") -> Evaluation:
    """Mark a stored response. Called on the server only, from what was saved."""
    options = {o.pk: o for o in question.options.all()}
    kind = question.kind
    if kind == QuestionType.FREE_TEXT:
        return Evaluation(correct=None, shows="", chosen=[text] if text else [])
    if response is None:
        return _skipped(question)
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SCENARIO):
        chosen = options.get(response)
        right = [o.text for o in _ordered_options(question) if o.correct]
        if chosen is None:
            return Evaluation(correct=False, shows="", right_answer=right)
        return Evaluation(
            correct=chosen.correct,
            shows=Shows.SECURE if chosen.correct else chosen.shows,
            feedback=[chosen.feedback] if chosen.feedback else [],
            right_answer=right,
            chosen=[chosen.text],
        )
    if kind == QuestionType.MULTIPLE_SELECT:
        chosen = [o for o in _ordered_options(question) if o.pk in set(response)]
        correct_ids = {o.pk for o in options.values() if o.correct}
        is_correct = {o.pk for o in chosen} == correct_ids
        if is_correct:
            shows = Shows.SECURE
        else:
            wrong = [o.shows for o in chosen if not o.correct]
            shows = Shows.weakest([*wrong, Shows.DEVELOPING])
        return Evaluation(
            correct=is_correct,
            shows=shows,
            feedback=[o.feedback for o in chosen if o.feedback],
            right_answer=[o.text for o in _ordered_options(question) if o.correct],
            chosen=[o.text for o in chosen],
        )
    if kind == QuestionType.TRUE_FALSE:
        is_correct = response is question.answer
        return Evaluation(
            correct=is_correct,
            shows=Shows.SECURE if is_correct else question.shows_if_wrong,
            feedback=[question.feedback] if question.feedback else [],
            right_answer=[_("True") if question.answer else _("False")],
            chosen=[_("True") if response else _("False")],
        )
    if kind == QuestionType.ORDERING:
        right = [o.pk for o in _ordered_options(question)]
        if starts_with_first(question):
            is_correct = bool(response) and bool(right) and response[0] == right[0]
        else:
            is_correct = list(response) == right
        return Evaluation(
            correct=is_correct,
            shows=Shows.SECURE if is_correct else question.shows_if_wrong,
            feedback=_ordering_feedback(question),
            right_answer=[options[pk].text for pk in right],
            chosen=[options[pk].text for pk in response if pk in options],
        )
    if kind == QuestionType.MATCHING:
        pairs = [(options.get(left), options.get(right)) for left, right in response]
        is_correct = all(
            left is not None and right is not None and right.match == left.match
            for left, right in pairs
        )
        return Evaluation(
            correct=is_correct,
            shows=Shows.SECURE if is_correct else question.shows_if_wrong,
            feedback=[question.feedback] if question.feedback else [],
            right_answer=[f"{o.text} → {o.match}" for o in _ordered_options(question)],
            chosen=[f"{left.text} → {right.match}" for left, right in pairs if left and right],
        )
    raise ValueError(kind)  # pragma: no cover - choices are closed


def starts_with_first(question) -> bool:
    """An ordering question where any order that starts with the first item is right."""
    return (
        question.kind == QuestionType.ORDERING
        and getattr(question, "accept", OrderingAccept.EXACT) == OrderingAccept.STARTS_WITH_FIRST
    )


def _ordering_feedback(question) -> list[str]:
    feedback = [question.feedback] if question.feedback else []
    if starts_with_first(question):
        options = _ordered_options(question)
        if options:
            feedback.append(
                _(
                    "Any order that starts with “%(first)s” is right; the rest can come in "
                    "any order."
                )
                % {"first": options[0].text}
            )
    return feedback


def right_answer(question) -> list[str]:
    """The right answer, in words a pupil can read."""
    options = _ordered_options(question)
    if question.kind in CHOICE_TYPES:
        return [o.text for o in options if o.correct]
    if question.kind == QuestionType.TRUE_FALSE:
        return [_("True") if question.answer else _("False")]
    if question.kind == QuestionType.ORDERING:
        return [o.text for o in options]
    if question.kind == QuestionType.MATCHING:
        return [f"{o.text} → {o.match}" for o in options]
    return []


def _skipped(question) -> Evaluation:
    """A question the pupil passed on: not right, no evidence either way, and what to remember
    (the feedback written for the right answer)."""
    if question.kind in CHOICE_TYPES:
        feedback = [o.feedback for o in _ordered_options(question) if o.correct and o.feedback]
    elif question.kind == QuestionType.ORDERING:
        feedback = _ordering_feedback(question)
    else:
        feedback = [question.feedback] if question.feedback else []
    return Evaluation(
        correct=False,
        shows="",
        feedback=feedback,
        right_answer=right_answer(question),
        skipped=True,
    )


def describe_response(question, response_key: str) -> str:
    """A teacher-readable form of a stored answer (for "most common wrong answer")."""
    if not response_key:
        return ""
    response = json.loads(response_key)
    evaluation = evaluate(question, response)
    separator = " → " if question.kind == QuestionType.ORDERING else "; "
    return separator.join(evaluation.chosen)
