"""Demo activity for the evidence page: so every section of it has something to show.

Called by `seed_demo` (through `load_evidence_demo`) after the curriculum is loaded and the
demo classes have their modules. Everything goes through the apps' own services, as a real
school's use would: lessons taught in class (teach mode), the module check before and after,
concerns raised, acknowledged and referred, and one online-safety review. Running it again adds
nothing: a finished check is not taken again, a lesson already complete stays so, a concern is
raised once (a fixed idempotency key), and the review is recorded only if there is none.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from lessons.models import Assignment
from lessons.module_checks import module_check
from lessons.teach import lesson_taught_in_class
from quizzes import services as quiz_services
from quizzes.models import CheckPhase, QuestionType
from quizzes.module_checks import CheckAlreadyTaken, check_start
from schools.models import School, StaffRole

from .models import OnlineSafetyReview
from .services import online_safety_review_record

# The namespace of the demo concerns' idempotency keys (any fixed UUID would do).
DEMO_CONCERNS_NAMESPACE = uuid.UUID("6b1d3f2e-8c1a-4a55-9a57-0d1e7f4c2b90")

# (pupil, category, source, acknowledged, referred to) for the demo concerns. The words are
# invented and never appear on the evidence page (only counts do).
DEMO_CONCERNS = [
    ("Rosa", "Inappropriate contact", "staff", True, "early_help"),
    ("Umar", "Online bullying", "staff", True, ""),
    ("Zane", "Sextortion / image-based abuse", "staff", True, "police"),
    ("Keira", "Live-streaming exposure", "pupil", True, ""),
    ("Esme", "Online grooming", "staff", False, ""),
]


@dataclass
class DemoActivity:
    lessons_completed: int = 0
    checks_taken: int = 0
    concerns: list = field(default_factory=list)
    review: OnlineSafetyReview | None = None


def _answer(question, *, right: bool) -> dict:
    """Form data answering a module-check question right or wrong (checks have only these)."""
    if question.kind == QuestionType.TRUE_FALSE:
        return {"answer": question.answer if right else not question.answer}
    options = sorted(question.options.all(), key=lambda o: o.sort_order)
    return {"option": next(o.pk for o in options if o.correct == right)}


def _take_check(pupil, quiz, phase: str, *, wrong: int) -> bool:
    """Take one phase of a check, the first `wrong` questions answered wrong; False if done."""
    try:
        attempt = check_start(pupil=pupil, quiz=quiz, phase=phase)
    except CheckAlreadyTaken:
        return False
    for number, question in enumerate(quiz_services.attempt_questions(attempt)):
        raw = _answer(question, right=number >= wrong)
        quiz_services.answer_save(attempt=attempt, question=question, raw=raw)
    quiz_services.attempt_submit(attempt=attempt)
    return True


def _teach_module(assignment: Assignment, activity: DemoActivity) -> None:
    group = assignment.teaching_group
    pupils = list(group.pupils.active().order_by("display_name"))
    if not pupils or not assignment.module_id:
        return
    teacher = assignment.created_by or group.teachers.order_by("pk").first()
    check = module_check(assignment.module)
    # Most of the class does the check before, is taught every lesson, then does it again.
    # The last two pupils missed the later lessons: the completion rate is not 100%.
    keen = pupils[:-2]
    if check is not None:
        for pupil in keen:
            activity.checks_taken += _take_check(pupil, check, CheckPhase.BEFORE, wrong=3)
    for number, lesson in enumerate(assignment.module.lessons()):
        present = pupils if number == 0 else keen
        result = lesson_taught_in_class(
            group=group, lesson=lesson, present=present, taught_by=teacher
        )
        activity.lessons_completed += len(result.completed_in_class)
    if check is not None:
        for number, pupil in enumerate(keen):
            activity.checks_taken += _take_check(pupil, check, CheckPhase.AFTER, wrong=number % 2)


def _raise_concerns(school: School, activity: DemoActivity) -> None:
    from safeguarding import services as sg
    from safeguarding.models import ConcernCategory, EntryKind

    leads = school.staff_memberships.filter(role=StaffRole.DSL).select_related("user")
    teachers = school.staff_memberships.filter(role=StaffRole.TEACHER).select_related("user")
    lead = leads.order_by("pk").first()
    teacher = teachers.exclude(user__in=[m.user for m in leads]).order_by("pk").first()
    if lead is None or teacher is None:
        return
    sg.concern_categories_ensure(school=school)
    categories = {c.name: c for c in ConcernCategory.objects.filter(school=school)}
    for name, category, source, acknowledged, agency in DEMO_CONCERNS:
        pupil = school.pupils.filter(display_name=name).first()
        if pupil is None:
            continue
        concern = sg.concern_raise(
            raised_by=pupil.user if source == "pupil" else teacher.user,
            pupil=pupil,
            source=source,
            what_happened=f"Demo concern about {name}: invented for the demo school.",
            categories=[categories[category]] if category in categories else [],
            idempotency_key=uuid.uuid5(DEMO_CONCERNS_NAMESPACE, f"{school.pk}:{name}"),
        )
        activity.concerns.append(concern)
        if acknowledged:
            sg.concern_acknowledge(concern=concern, user=lead.user)
        if agency and not concern.entries.filter(kind=EntryKind.REFERRAL).exists():
            sg.chronology_add(
                concern=concern,
                user=lead.user,
                kind=EntryKind.REFERRAL,
                text="Demo referral.",
                agency=agency,
                event_date=timezone.localdate(),
            )


def _record_review(school: School, activity: DemoActivity) -> None:
    if OnlineSafetyReview.objects.for_school(school).exists():
        return
    lead = school.staff_memberships.filter(role=StaffRole.DSL).order_by("pk").first()
    if lead is None:
        return
    activity.review = online_safety_review_record(
        school=school,
        recorded_by=lead.user,
        reviewed_on=timezone.localdate() - timedelta(days=7),
        governor_name="Mrs J. Adeyemi (safeguarding governor)",
        what_changed=(
            "Streamwise's live-streaming modules are now taught in every year group, with the "
            "module check before and after. Pupils can ask for help through “Talk to someone”."
        ),
        actions=(
            "DSL to share the learning gains with staff at the spring INSET. Governors to see "
            "the safeguarding counts each term."
        ),
    )


@transaction.atomic
def load_evidence_demo(school: School) -> DemoActivity:
    """Teaching, checks, concerns and a review for the demo school (idempotent)."""
    activity = DemoActivity()
    assignments = (
        Assignment.objects.filter(school=school, module__isnull=False)
        .active()
        .select_related("teaching_group", "module", "created_by")
        .order_by("pk")
    )
    for assignment in assignments:
        _teach_module(assignment, activity)
    from django.apps import apps

    if apps.is_installed("safeguarding"):
        _raise_concerns(school, activity)
    _record_review(school, activity)
    return activity
