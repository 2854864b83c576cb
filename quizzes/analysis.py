"""What quizzes tell a teacher about a class: scores, item analysis and the knowledge map.

Read-only. Every function takes the user asking and scopes pupils through schools'
`Pupil.objects.visible_to(user)`, so a report never includes a pupil its reader may not see.
Each runs a fixed number of queries whatever the size of the class: pupils, questions,
attempts and answers are each fetched once, answers already grouped and counted in SQL.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F
from wagtail.models import Page, ReferenceIndex

from schools.models import Pupil, TeachingGroup, YearGroup

from .models import (
    Answer,
    Attempt,
    CheckPhase,
    Question,
    Quiz,
    QuizPurpose,
    Shows,
    Strand,
    counted_attempt,
)
from .questions import describe_response


def _percent(part: int, whole: int) -> int | None:
    """Rounded half up; None when there is nothing to divide by."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def class_pupils(*, group: TeachingGroup, user) -> list[Pupil]:
    """The class's current pupils, as far as the user may see them."""
    return list(
        Pupil.objects.visible_to(user)
        .active()
        .filter(teaching_groups=group)
        .order_by("display_name", "pk")
    )


def _counted_by_pupil_and_quiz(attempts) -> dict[tuple[int, int], Attempt]:
    grouped: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        if attempt.submitted_at is not None:
            grouped[attempt.pupil_id, attempt.quiz_id].append(attempt)
    return {key: counted_attempt(items, rule=items[0].rule) for key, items in grouped.items()}


# --- One quiz, one class ---------------------------------------------------------------------


@dataclass
class ItemRow:
    """How the class did on one question (from each pupil's counted attempt)."""

    number: int
    question: Question
    answered: int = 0
    correct: int = 0
    skipped: int = 0
    percent_correct: int | None = None
    common_wrong: str = ""
    common_wrong_count: int = 0


@dataclass
class PupilResult:
    pupil: Pupil
    attempts_used: int = 0
    in_progress: bool = False
    counted: Attempt | None = None


@dataclass
class QuizClassReport:
    quiz: Quiz
    group: TeachingGroup
    pupils: list[PupilResult]
    items: list[ItemRow]
    finished: int = 0
    passed: int = 0
    average_score: int | None = None
    pass_rate: int | None = None


def quiz_class_report(*, quiz: Quiz, group: TeachingGroup, user) -> QuizClassReport:
    """Average score, pass rate and item analysis for one quiz and one class.

    A pupil's result is their counted attempt (best or latest, as the quiz says). % correct
    is out of the pupils who finished; a question a pupil passed on counts as not right, as
    it does in their score. The most common wrong answer is the one given most often by the
    pupils who got the question wrong (on a tie, the first in the order the database sorts them).
    """
    pupils = class_pupils(group=group, user=user)
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("options"))
    attempts = list(
        Attempt.objects.filter(quiz=quiz, pupil__in=[p.pk for p in pupils]).annotate(
            rule=F("quiz__counted_attempt")
        )
    )
    counted = _counted_by_pupil_and_quiz(attempts)
    results = {p.pk: PupilResult(pupil=p) for p in pupils}
    for attempt in attempts:
        result = results[attempt.pupil_id]
        if attempt.submitted_at is None:
            result.in_progress = True
        else:
            result.attempts_used += 1
    for (pupil_id, _quiz_id), attempt in counted.items():
        results[pupil_id].counted = attempt

    rows = (
        Answer.objects.filter(attempt__in=[a.pk for a in counted.values()])
        .values("question_id", "is_correct", "response_key")
        .annotate(n=Count("pk"))
        .order_by("question_id", "response_key")
    )
    by_question: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_question[row["question_id"]].append(row)

    finished = len(counted)
    items = []
    for number, question in enumerate(questions, start=1):
        item = ItemRow(number=number, question=question)
        wrong = Counter()
        for row in by_question.get(question.pk, []):
            item.answered += row["n"]
            if row["is_correct"]:
                item.correct += row["n"]
            elif row["is_correct"] is False and row["response_key"]:
                wrong[row["response_key"]] += row["n"]
        item.skipped = finished - item.answered
        if question.is_scored:
            item.percent_correct = _percent(item.correct, finished)
            if wrong:
                key, count = min(wrong.items(), key=lambda kv: (-kv[1], kv[0]))
                item.common_wrong = describe_response(question, key)
                item.common_wrong_count = count
        items.append(item)

    scores = [a.score for a in counted.values()]
    passed = sum(1 for a in counted.values() if a.score >= quiz.pass_mark)
    return QuizClassReport(
        quiz=quiz,
        group=group,
        pupils=list(results.values()),
        items=items,
        finished=finished,
        passed=passed,
        average_score=_percent(sum(scores), 100 * len(scores)) if scores else None,
        pass_rate=_percent(passed, finished),
    )


# --- Knowledge map: strands × pupils -------------------------------------------------------


@dataclass
class Cell:
    """What a pupil's counted answers in one strand show."""

    counts: Counter = field(default_factory=Counter)

    @property
    def level(self) -> Shows | None:
        """The weakest understanding shown: one misconception is enough to flag a strand,
        because that is what a teacher wants to revisit."""
        return Shows.weakest(k for k, n in self.counts.items() if n)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class MapRow:
    pupil: Pupil
    cells: list[Cell]


@dataclass
class QuestionCluster:
    """A question whose answers showed a misconception for several pupils."""

    text: str
    quiz_title: str
    pupils: int


@dataclass
class StrandSummary:
    value: str
    label: str
    secure: int = 0
    developing: int = 0
    misconception: int = 0
    clusters: list[QuestionCluster] = field(default_factory=list)
    quizzes: list[QuizLink] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        return bool(self.developing or self.misconception)


@dataclass
class QuizLink:
    """A quiz that checks a strand, and the pages (lessons, modules) it is attached to."""

    quiz_id: int
    title: str
    pages: list[Page] = field(default_factory=list)


@dataclass
class KnowledgeMap:
    group: TeachingGroup
    strands: list[StrandSummary]
    rows: list[MapRow]

    @property
    def gaps(self) -> list[StrandSummary]:
        """Strands where understanding is not yet secure, most misconceptions first."""
        gaps = [s for s in self.strands if s.is_gap]
        return sorted(gaps, key=lambda s: (-s.misconception, -s.developing, s.label))


def pages_using_quizzes(quiz_ids) -> dict[int, list[Page]]:
    """The live pages each quiz is attached to, found through Wagtail's reference index.

    Any page type with a ForeignKey (a chooser) to Quiz counts, so the quizzes app learns which
    lessons use a quiz without knowing about lessons.
    """
    quiz_ids = list(quiz_ids)
    if not quiz_ids:
        return {}
    references = (
        ReferenceIndex.get_references_to_in_bulk(Quiz.objects.filter(pk__in=quiz_ids))
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("to_object_id", "object_id")
    )
    page_ids: dict[int, set[int]] = defaultdict(set)
    for quiz_id, page_id in references:
        page_ids[int(quiz_id)].add(int(page_id))
    pages = Page.objects.live().filter(pk__in={p for ids in page_ids.values() for p in ids})
    pages = {page.pk: page for page in pages.order_by("path")}
    return {
        quiz_id: [pages[pk] for pk in sorted(ids, key=lambda pk: pages[pk].path) if pk in pages]
        for quiz_id, ids in page_ids.items()
        if any(pk in pages for pk in ids)
    }


def knowledge_map(*, group: TeachingGroup, user) -> KnowledgeMap:
    """A class's understanding, strand by strand and pupil by pupil, from the `shows` tags.

    Every quiz the pupils have finished counts, through each pupil's counted attempt at it.
    For each strand with a gap, the quizzes for the class's age band that check that strand,
    with the lessons they belong to, say where to teach it again.
    """
    pupils = class_pupils(group=group, user=user)
    strands = [StrandSummary(value=s.value, label=s.label) for s in Strand]
    index = {s.value: i for i, s in enumerate(strands)}
    # A module check taken before the module shows what pupils knew then, not now.
    attempts = (
        Attempt.objects.submitted()
        .filter(pupil__in=[p.pk for p in pupils])
        .exclude(phase=CheckPhase.BEFORE)
        .annotate(rule=F("quiz__counted_attempt"))
        .only("pk", "pupil_id", "quiz_id", "number", "score", "submitted_at")
    )
    counted = _counted_by_pupil_and_quiz(attempts)
    answers = (
        Answer.objects.filter(attempt__in=[a.pk for a in counted.values()])
        .exclude(shows="")
        .values(
            "shows",
            "question_id",
            pupil_id=F("attempt__pupil_id"),
            strand=F("question__strand"),
            question_text=F("question__text"),
            quiz_title=F("question__quiz__title"),
        )
    )
    cells = {p.pk: [Cell() for _ in strands] for p in pupils}
    misconceptions: dict[int, dict] = {}
    for row in answers:
        cells[row["pupil_id"]][index[row["strand"]]].counts[row["shows"]] += 1
        if row["shows"] == Shows.MISCONCEPTION:
            cluster = misconceptions.setdefault(row["question_id"], {**row, "pupils": set()})
            cluster["pupils"].add(row["pupil_id"])

    rows = [MapRow(pupil=p, cells=cells[p.pk]) for p in pupils]
    for row in rows:
        for i, cell in enumerate(row.cells):
            level = cell.level
            if level is not None:
                setattr(strands[i], level.value, getattr(strands[i], level.value) + 1)
    for cluster in sorted(
        misconceptions.values(), key=lambda c: (-len(c["pupils"]), c["question_text"])
    ):
        strands[index[cluster["strand"]]].clusters.append(
            QuestionCluster(
                text=cluster["question_text"],
                quiz_title=cluster["quiz_title"],
                pupils=len(cluster["pupils"]),
            )
        )

    gap_strands = [s.value for s in strands if s.is_gap]
    if gap_strands:
        checks = (
            Question.objects.filter(quiz__age_band=group.age_band, strand__in=gap_strands)
            .exclude(quiz__purpose=QuizPurpose.MODULE_CHECK)
            .values_list("strand", "quiz_id", "quiz__title")
            .order_by("quiz__title", "quiz_id")
            .distinct()
        )
        checks = list(checks)
        pages = pages_using_quizzes({quiz_id for _s, quiz_id, _t in checks})
        for strand, quiz_id, title in checks:
            strands[index[strand]].quizzes.append(
                QuizLink(quiz_id=quiz_id, title=title, pages=pages.get(quiz_id, []))
            )
    return KnowledgeMap(group=group, strands=strands, rows=rows)


# --- Strands by year group: a whole school at a glance --------------------------------------


@dataclass
class YearStrands:
    """For one year group: per strand, how many pupils are secure, developing, or hold a
    misconception (each pupil counted once per strand, at their weakest, as in the map)."""

    year_group: int
    pupils: int
    strands: list[StrandSummary]

    @property
    def label(self) -> str:
        return str(YearGroup(self.year_group).label)

    @property
    def has_answers(self) -> bool:
        return any(s.secure or s.developing or s.misconception for s in self.strands)


def strands_by_year_group(*, pupils) -> list[YearStrands]:
    """The knowledge map added up per year group, for pupils already scoped by the caller.

    Three queries whatever the number of pupils: the pupils, their submitted attempts, and
    their tagged answers in the counted attempts.
    """
    year_of = dict(pupils.values_list("pk", "year_group"))
    attempts = (
        Attempt.objects.submitted()
        .filter(pupil__in=list(year_of))
        .exclude(phase=CheckPhase.BEFORE)
        .annotate(rule=F("quiz__counted_attempt"))
        .only("pk", "pupil_id", "quiz_id", "number", "score", "submitted_at")
    )
    counted = _counted_by_pupil_and_quiz(attempts)
    cells: dict[tuple[int, str], Cell] = defaultdict(Cell)
    answers = (
        Answer.objects.filter(attempt__in=[a.pk for a in counted.values()])
        .exclude(shows="")
        .values_list("attempt__pupil_id", "question__strand", "shows")
    )
    for pupil_id, strand, shows in answers:
        cells[pupil_id, strand].counts[shows] += 1
    years: dict[int, YearStrands] = {}
    for year_group in sorted(set(year_of.values())):
        years[year_group] = YearStrands(
            year_group=year_group,
            pupils=sum(1 for y in year_of.values() if y == year_group),
            strands=[StrandSummary(value=s.value, label=s.label) for s in Strand],
        )
    index = {s.value: i for i, s in enumerate(Strand)}
    for (pupil_id, strand), cell in cells.items():
        level = cell.level
        if level is not None:
            summary = years[year_of[pupil_id]].strands[index[strand]]
            setattr(summary, level.value, getattr(summary, level.value) + 1)
    return list(years.values())
