"""A quiz attempt question by question, in words a teacher reads, in the order the pupil saw.

Options are shuffled per attempt (`services._orders_for`, stored on the attempt), so "chose the
2nd option" only means something next to the options as that pupil saw them: each line lists
them in that order. Used by the teacher's drill-down (`teacher_portal.answers`).
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from .models import CHOICE_TYPES, Answer, Attempt, Question, QuestionType
from .questions import evaluate
from .services import option_order


def _right(correct: bool | None) -> str:
    return _("right") if correct else _("not right")


def _line(number: int, question: Question, options, answer: Answer) -> str | None:
    evaluation = evaluate(question, answer.response, text=answer.text)
    kind = question.kind
    where = _("Q%(number)s") % {"number": number}
    if kind in CHOICE_TYPES:
        return _("%(q)s: saw %(shown)s; chose %(chosen)s (%(right)s)") % {
            "q": where,
            "shown": " / ".join(f"“{o.text}”" for o in options),
            "chosen": ", ".join(f"“{text}”" for text in evaluation.chosen) or "—",
            "right": _right(evaluation.correct),
        }
    if kind == QuestionType.TRUE_FALSE:
        return _("%(q)s: said %(chosen)s (%(right)s)") % {
            "q": where,
            "chosen": (evaluation.chosen or ["—"])[0].lower(),
            "right": _right(evaluation.correct),
        }
    if kind == QuestionType.ORDERING:
        return _("%(q)s: saw %(shown)s; put %(chosen)s (%(right)s)") % {
            "q": where,
            "shown": " / ".join(f"“{o.text}”" for o in options),
            "chosen": " → ".join(evaluation.chosen),
            "right": _right(evaluation.correct),
        }
    if kind == QuestionType.MATCHING:
        return _("%(q)s: matched %(chosen)s (%(right)s)") % {
            "q": where,
            "chosen": "; ".join(evaluation.chosen),
            "right": _right(evaluation.correct),
        }
    return None  # free text: a reflection, not shown here


def attempt_lines(attempts: list[Attempt]) -> dict[int, list[str]]:
    """For each attempt (by pk), one line per answered question, in the pupil's order.

    Two queries whatever the number of attempts: the answers, and the quizzes' questions with
    their options. Attempts need `quiz_id`, `question_order` and `option_orders` loaded.
    """
    if not attempts:
        return {}
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for answer in Answer.objects.filter(attempt__in=[a.pk for a in attempts]):
        answers[answer.attempt_id][answer.question_id] = answer
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in Question.objects.filter(
        quiz_id__in={a.quiz_id for a in attempts}
    ).prefetch_related("options"):
        questions[question.quiz_id].append(question)
    result = {}
    for attempt in attempts:
        by_pk = {q.pk: q for q in questions[attempt.quiz_id]}
        order = [pk for pk in attempt.question_order if pk in by_pk]
        order += sorted(
            (pk for pk in by_pk if pk not in order), key=lambda pk: by_pk[pk].sort_order or 0
        )
        lines = []
        for number, pk in enumerate(order, start=1):
            answer = answers[attempt.pk].get(pk)
            if answer is None:
                continue
            question = by_pk[pk]
            line = _line(number, question, option_order(attempt, question), answer)
            if line:
                lines.append(line)
        result[attempt.pk] = lines
    return result
