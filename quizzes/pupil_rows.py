"""The rows a pupil's quiz question page reads, with queries compiled once per process.

Every question page reads the pupil's attempt (with its quiz) and their answer to the question;
`schools.prepared` compiles these QuerySets once per process (issue 16). They are the same
QuerySets as before: `for_pupil`, so a pupil only ever reads their own attempt.
"""

from __future__ import annotations

from modelcluster.queryset import FakeQuerySet

from schools.prepared import PreparedQuery

from .models import Answer, Attempt, Option, Question

_attempt = Attempt._meta.get_field
_answer = Answer._meta.get_field

_ATTEMPT = PreparedQuery(
    lambda pupil, pk: (
        Attempt.objects.for_pupil(pupil).select_related("quiz", "pupil").filter(pk=pk)
    ),
    pupil=_attempt("pupil"),
    pk=_attempt("id"),
)
_ANSWER = PreparedQuery(
    lambda attempt, question: Answer.objects.filter(attempt=attempt, question=question)[:1],
    attempt=_answer("attempt"),
    question=_answer("question"),
)


_QUESTIONS = PreparedQuery(
    lambda quiz: Question.objects.filter(quiz_id=quiz),
    quiz=Question._meta.get_field("quiz"),
)
_OPTIONS = PreparedQuery(
    lambda quiz: Option.objects.filter(question__quiz_id=quiz),
    quiz=Question._meta.get_field("quiz"),
)


def quiz_questions(quiz_id: int) -> list[Question]:
    """The quiz's questions, each with its options loaded (as `prefetch_related("options")`
    leaves them: `question.options.all()` costs no query), in two queries."""
    questions = _QUESTIONS.fetch(quiz=quiz_id)
    options: dict[int, list[Option]] = {question.pk: [] for question in questions}
    for option in _OPTIONS.fetch(quiz=quiz_id):
        options[option.question_id].append(option)
    for question in questions:  # each list in the options' own order (sort_order)
        # modelcluster's in-memory QuerySet: filtering it still only sees this question's.
        question._prefetched_objects_cache = {"options": FakeQuerySet(Option, options[question.pk])}
    return questions


def pupil_attempt(pupil, pk: int) -> Attempt | None:
    """The pupil's attempt with this id, with its quiz and pupil, or None."""
    found = _ATTEMPT.fetch(pupil=pupil.pk, pk=pk)
    return found[0] if found else None


def answer_row(attempt: Attempt, question) -> Answer | None:
    """The attempt's answer to a question, or None."""
    found = _ANSWER.fetch(attempt=attempt.pk, question=question.pk)
    return found[0] if found else None
