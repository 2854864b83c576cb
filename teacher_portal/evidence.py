"""A school's inspection and governor evidence, made from everyday use of Streamwise.

One page (and the same as a PDF) with: the modules each year group was taught and when, how much
of the work set is completed, the knowledge-map strands secure or developing per year group,
learning gains from the module checks, staff training, safeguarding activity as counts, and the
yearly online-safety reviews.

Nothing on it names or picks out a pupil: every figure is a count or a percentage over a year
group or the school, and safeguarding appears only as counts (`safeguarding_activity`), never a
concern's words or number. The whole page costs a fixed number of queries, however big the
school (tests/teacher_portal/test_evidence.py holds it to that).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from lessons.models import Assignment, LessonPage, LessonProgress, ModulePage
from quizzes.analysis import YearStrands, strands_by_year_group
from quizzes.gains import CheckSummary, gains_summary
from schools.models import AgeBand, Pupil, School, YearGroup

from .models import OnlineSafetyReview
from .overview import SchoolOverview, school_overview


def school_year_start(day: date) -> date:
    """1 September of the school year `day` falls in (the English school year)."""
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class TaughtModule:
    """One module as one year group met it this school year."""

    title: str
    classes: set[str] = field(default_factory=set)
    opens_on: date | None = None  # the earliest open date of the work set
    due_on: date | None = None  # the latest due date
    lessons_completed: int = 0  # pupil × lesson completions this year
    first_completed: date | None = None
    last_completed: date | None = None

    @property
    def class_names(self) -> str:
        return ", ".join(sorted(self.classes))


@dataclass
class YearTaught:
    year_group: int
    modules: list[TaughtModule]

    @property
    def label(self) -> str:
        return str(YearGroup(self.year_group).label)


def _earliest(a: date | None, b: date | None) -> date | None:
    return min(d for d in (a, b) if d) if (a or b) else None


def _latest(a: date | None, b: date | None) -> date | None:
    return max(d for d in (a, b) if d) if (a or b) else None


def taught_by_year_group(*, school: School, start: date, end: date) -> list[YearTaught]:
    """Which modules each year group was set or completed lessons of, between two dates.

    From the work set (assignments not withdrawn, open at some point in the period) and from
    pupils' completed lessons in the period. Three queries.
    """
    steplen = LessonPage.steplen
    found: dict[tuple[int, str], TaughtModule] = {}
    assignments = (
        Assignment.objects.filter(school=school, opens_on__lt=end, due_on__gte=start)
        .active()
        .values_list(
            "teaching_group__year_group",
            "teaching_group__name",
            "module__path",
            "lesson__path",
            "opens_on",
            "due_on",
        )
    )
    paths: set[str] = set()
    rows = []
    for year, group_name, module_path, lesson_path, opens_on, due_on in assignments:
        path = module_path or lesson_path[:-steplen]
        paths.add(path)
        rows.append((year, path, group_name, opens_on, due_on))
    progress = (
        LessonProgress.objects.completed()
        .filter(
            pupil__school=school,
            completed_at__gte=_aware(start),
            completed_at__lt=_aware(end),
        )
        .values("pupil__year_group", "lesson__path")
        .annotate(n=Count("pk"), first=Min("completed_at"), last=Max("completed_at"))
        .order_by()
    )
    progress = list(progress)
    paths.update(row["lesson__path"][:-steplen] for row in progress)
    titles = dict(ModulePage.objects.filter(path__in=paths).values_list("path", "title"))
    for year, path, group_name, opens_on, due_on in rows:
        if path not in titles:
            continue
        module = found.setdefault((year, path), TaughtModule(title=titles[path]))
        module.classes.add(group_name)
        module.opens_on = _earliest(module.opens_on, opens_on)
        module.due_on = _latest(module.due_on, due_on)
    for row in progress:
        path = row["lesson__path"][:-steplen]
        if path not in titles:
            continue
        module = found.setdefault(
            (row["pupil__year_group"], path), TaughtModule(title=titles[path])
        )
        module.lessons_completed += row["n"]
        module.first_completed = _earliest(
            module.first_completed, timezone.localtime(row["first"]).date()
        )
        module.last_completed = _latest(
            module.last_completed, timezone.localtime(row["last"]).date()
        )
    by_year: dict[int, list[TaughtModule]] = defaultdict(list)
    for (year, _path), module in sorted(found.items()):
        by_year[year].append(module)
    return [YearTaught(year_group=year, modules=mods) for year, mods in sorted(by_year.items())]


# --- Staff training (the `training` app, when the site has it) ------------------------------


@dataclass(frozen=True)
class TrainingRow:
    label: str
    staff: int
    done: int
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class TrainingCompliance:
    """Staff training as counts; `available` is False when the site keeps no training records."""

    available: bool
    rows: list[TrainingRow] = field(default_factory=list)


def _training_row(label, counts: dict) -> TrainingRow:
    return TrainingRow(
        label=str(label),
        staff=int(counts.get("staff", 0)),
        done=int(counts.get("done", 0)),
        due_soon=int(counts.get("due_soon", 0)),
        overdue=int(counts.get("overdue", 0)),
    )


def staff_training(school: School) -> TrainingCompliance:
    """Counts from `training.services.compliance_summary(school)` if the training app is
    installed: per course and for the Part one sign-off, {staff, done, due_soon, overdue}.

    The summary is read as {"courses": [{"title": …, counts…}, …] or {title: counts},
    "part_one": counts (with an optional "version")}.
    """
    if not apps.is_installed("training"):
        return TrainingCompliance(available=False)
    from training.services import compliance_summary

    summary = compliance_summary(school)
    courses = summary.get("courses", [])
    if isinstance(courses, dict):
        courses = [{"title": title, **counts} for title, counts in courses.items()]
    rows = [_training_row(c.get("title") or c.get("name", ""), c) for c in courses]
    part_one = summary.get("part_one")
    if part_one:
        version = part_one.get("version")
        label = (
            _("Read Keeping Children Safe in Education Part one (%(version)s)")
            % {"version": version}
            if version
            else _("Read Keeping Children Safe in Education Part one")
        )
        rows.append(_training_row(label, part_one))
    return TrainingCompliance(available=True, rows=rows)


# --- The whole page -------------------------------------------------------------------------


@dataclass
class Evidence:
    school: School
    start: date
    end: date  # the first day after the period (tomorrow, for the school year so far)
    taught: list[YearTaught]
    completion: SchoolOverview
    strands: list[YearStrands]
    gains: list[CheckSummary]
    training: TrainingCompliance
    safeguarding: object  # safeguarding.services.SafeguardingActivity, or None without the app
    reviews: list[OnlineSafetyReview]

    @property
    def year_label(self) -> str:
        return f"{self.start.year}–{str(self.start.year + 1)[-2:]}"

    @property
    def gains_by_band(self) -> list[tuple[str, CheckSummary]]:
        return [(str(AgeBand(g.age_band).label), g) for g in self.gains]


def _safeguarding(school: School, start: date, end: date):
    if not apps.is_installed("safeguarding"):
        return None
    from safeguarding.services import safeguarding_activity

    return safeguarding_activity(school=school, start=start, end=end)


def school_evidence(*, school: School, user, today: date | None = None) -> Evidence:
    """Everything on the evidence page for `school`, this school year so far.

    The caller has checked that `user` may read the school's evidence (evidence_views); pupils
    are still scoped through `Pupil.objects.visible_to(user)`.
    """
    today = today or timezone.localdate()
    start, end = school_year_start(today), today + timedelta(days=1)
    pupils = Pupil.objects.visible_to(user).filter(school=school).active()
    return Evidence(
        school=school,
        start=start,
        end=end,
        taught=taught_by_year_group(school=school, start=start, end=end),
        completion=school_overview(school=school, today=today),
        strands=strands_by_year_group(pupils=pupils),
        gains=gains_summary(pupils=pupils),
        training=staff_training(school),
        safeguarding=_safeguarding(school, start, end),
        reviews=list(OnlineSafetyReview.objects.for_school(school).select_related("recorded_by")),
    )
