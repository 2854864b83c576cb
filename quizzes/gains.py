"""Learning gains: what changed between a module check taken before and after the module.

"Secure" means answered right (a question passed on, or not reached, is not secure). Only
pupils who finished both phases count in the before/after percentages, so the two columns
describe the same children; how many did each phase is reported alongside.

`check_gains` takes a queryset of pupils (already scoped by the caller, e.g. a class's pupils
visible to the teacher) and runs a fixed number of queries, however many pupils or questions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.models import Pupil

from .models import Answer, Attempt, CheckPhase, Question, QuestionType, Quiz, QuizPurpose, Strand
from .module_checks import submitted_phases

# How a pupil hears about a strand ("You know more about … now").
PUPIL_STRAND_WORDS = {
    Strand.SELF_IMAGE_IDENTITY: gettext_lazy("how you see yourself online"),
    Strand.ONLINE_RELATIONSHIPS: gettext_lazy("people online and who to trust"),
    Strand.ONLINE_REPUTATION: gettext_lazy("what you share and who can see it"),
    Strand.ONLINE_BULLYING: gettext_lazy("unkind things online and what to do"),
    Strand.MANAGING_INFORMATION: gettext_lazy("what is true online"),
    Strand.HEALTH_WELLBEING: gettext_lazy("your feelings and getting help"),
    Strand.PRIVACY_SECURITY: gettext_lazy("keeping safe and private online"),
    Strand.COPYRIGHT_OWNERSHIP: gettext_lazy("who owns things online"),
}


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, rounded half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


@dataclass(frozen=True)
class GainRow:
    key: str
    label: str
    before: int | None  # percent secure before the module
    after: int | None
    strand: str = ""  # for a question: its strand's label

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class CheckGains:
    quiz: Quiz
    did_before: int
    did_after: int
    did_both: int
    strands: list[GainRow] = field(default_factory=list)
    questions: list[GainRow] = field(default_factory=list)

    @property
    def has_pairs(self) -> bool:
        return self.did_both > 0


def _latest(attempts) -> dict[tuple[int, str], int]:
    """(pupil id, phase) → the id of the latest finished attempt of that phase."""
    latest: dict[tuple[int, str], tuple[int, int]] = {}
    for row in attempts:
        key = (row["pupil_id"], row["phase"])
        if key not in latest or row["number"] > latest[key][0]:
            latest[key] = (row["number"], row["pk"])
    return {key: value[1] for key, value in latest.items()}


def _questions(quiz: Quiz) -> list[Question]:
    return [q for q in quiz.questions.order_by("sort_order", "pk") if q.is_scored]


def check_gains(*, quiz: Quiz, pupils) -> CheckGains:
    """Percent secure before and after, per strand and per question, for these pupils."""
    rows = (
        Attempt.objects.submitted()
        .filter(quiz=quiz, pupil__in=pupils, phase__in=CheckPhase.values)
        .values("pk", "pupil_id", "phase", "number")
    )
    latest = _latest(rows)
    before = {pupil for pupil, phase in latest if phase == CheckPhase.BEFORE}
    after = {pupil for pupil, phase in latest if phase == CheckPhase.AFTER}
    both = before & after
    gains = CheckGains(quiz=quiz, did_before=len(before), did_after=len(after), did_both=len(both))
    questions = _questions(quiz)
    paired = [pk for (pupil, _phase), pk in latest.items() if pupil in both]
    secure: dict[tuple[str, int], int] = defaultdict(int)
    if paired:
        counts = (
            Answer.objects.filter(attempt_id__in=paired, is_correct=True)
            .values("attempt__phase", "question_id")
            .annotate(n=Count("pk"))
        )
        for row in counts:
            secure[(row["attempt__phase"], row["question_id"])] = row["n"]
    n = len(both)
    by_strand: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_strand[question.strand].append(question)
        gains.questions.append(
            GainRow(
                key=question.key,
                label=question.text,
                strand=question.get_strand_display(),
                before=percent(secure[(CheckPhase.BEFORE, question.pk)], n),
                after=percent(secure[(CheckPhase.AFTER, question.pk)], n),
            )
        )
    for strand in Strand:
        items = by_strand.get(strand.value)
        if not items:
            continue
        whole = n * len(items)
        gains.strands.append(
            GainRow(
                key=strand.value,
                label=str(strand.label),
                before=percent(sum(secure[(CheckPhase.BEFORE, q.pk)] for q in items), whole),
                after=percent(sum(secure[(CheckPhase.AFTER, q.pk)] for q in items), whole),
            )
        )
    return gains


# --- What a pupil sees about themselves ------------------------------------------------------


@dataclass(frozen=True)
class PupilCheckProgress:
    """One pupil's own before/after, in words for them (never a mark, never anyone else)."""

    did_before: bool
    did_after: bool
    grew_in: list[str]  # pupil words for the strands with more secure answers after
    knows: list[str]  # pupil words for the strands fully secure after

    @property
    def message(self) -> str:
        if self.did_after and self.grew_in:
            return _("You know more about %(things)s now.") % {"things": _join(self.grew_in)}
        if self.did_after and self.did_before:
            return _("You finished the module, and you still know the important things. Well done!")
        if self.did_after:
            if self.knows:
                return _("Well done for finishing the module! You know about %(things)s.") % {
                    "things": _join(self.knows)
                }
            return _("Well done for finishing the module!")
        return _(
            "Thank you! You will do the same check again at the end of the module, so you "
            "can see what you have learned."
        )


def _join(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def pupil_check_progress(*, pupil: Pupil, quiz: Quiz) -> PupilCheckProgress:
    phases = submitted_phases(pupil=pupil, quiz=quiz)
    questions = _questions(quiz)
    right = defaultdict(set)
    if phases:
        answers = Answer.objects.filter(
            attempt__in=list(phases.values()), is_correct=True
        ).values_list("attempt__phase", "question_id")
        for phase, question_id in answers:
            right[phase].add(question_id)
    grew_in, knows = [], []
    for strand in Strand:
        ids = {q.pk for q in questions if q.strand == strand.value}
        if not ids:
            continue
        before = len(ids & right[CheckPhase.BEFORE])
        after = len(ids & right[CheckPhase.AFTER])
        words = str(PUPIL_STRAND_WORDS[strand])
        if CheckPhase.BEFORE in phases and after > before:
            grew_in.append(words)
        if after == len(ids):
            knows.append(words)
    return PupilCheckProgress(
        did_before=CheckPhase.BEFORE in phases,
        did_after=CheckPhase.AFTER in phases,
        grew_in=grew_in,
        knows=knows,
    )


# --- Every module check at once, for a school's evidence ------------------------------------


@dataclass(frozen=True)
class CheckSummary:
    """One module check: percent of answers secure before and after, for pupils who did both."""

    quiz_id: int
    title: str
    age_band: str
    did_both: int
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def gains_summary(*, pupils) -> list[CheckSummary]:
    """Before and after for every module check some of these pupils did both phases of.

    The same rule as `check_gains` (latest finished attempt of each phase; only pupils who did
    both count), over all checks at once: three queries however many checks and pupils.
    """
    rows = (
        Attempt.objects.submitted()
        .filter(quiz__purpose=QuizPurpose.MODULE_CHECK, pupil__in=pupils)
        .filter(phase__in=CheckPhase.values)
        .values("pk", "pupil_id", "phase", "number", "quiz_id")
    )
    latest: dict[tuple[int, int, str], tuple[int, int]] = {}
    for row in rows:
        key = (row["quiz_id"], row["pupil_id"], row["phase"])
        if key not in latest or row["number"] > latest[key][0]:
            latest[key] = (row["number"], row["pk"])
    phases: dict[tuple[int, int], set[str]] = defaultdict(set)
    for quiz_id, pupil_id, phase in latest:
        phases[quiz_id, pupil_id].add(phase)
    both = {key for key, found in phases.items() if len(found) == len(CheckPhase.values)}
    if not both:
        return []
    paired = [pk for (quiz, pupil, _p), (_n, pk) in latest.items() if (quiz, pupil) in both]
    secure: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        Answer.objects.filter(attempt_id__in=paired, is_correct=True)
        .values("attempt__quiz_id", "attempt__phase")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        secure[row["attempt__quiz_id"], row["attempt__phase"]] = row["n"]
    quiz_ids = {quiz for quiz, _pupil in both}
    quizzes = (
        Quiz.objects.filter(pk__in=quiz_ids)
        .annotate(scored=Count("questions", filter=~Q(questions__kind=QuestionType.FREE_TEXT)))
        .order_by("title")
    )
    summaries = []
    for quiz in quizzes:
        n = sum(1 for q, _pupil in both if q == quiz.pk)
        whole = n * quiz.scored
        summaries.append(
            CheckSummary(
                quiz_id=quiz.pk,
                title=quiz.title,
                age_band=quiz.age_band,
                did_both=n,
                before=percent(secure[quiz.pk, CheckPhase.BEFORE], whole),
                after=percent(secure[quiz.pk, CheckPhase.AFTER], whole),
            )
        )
    return summaries
