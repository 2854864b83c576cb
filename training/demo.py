"""Staff training for the demo school, so its table and compliance figures show every status."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schools.models import School, StaffMembership, StaffRole

from . import services
from .models import Audience, CourseAssignment, CourseCompletion, staff_courses

DEMO_PART_ONE_VERSION = "September 2025"


def demo_training_load(school: School) -> None:
    """Part one set and signed by the DSL; every course assigned to all staff; the DSL passed
    them all (one renewal due soon), the deputy passed one that has since expired. Idempotent."""
    today = timezone.localdate()
    services.settings_update(
        school=school,
        renewal_months=12,
        part_one_version=DEMO_PART_ONE_VERSION,
        part_one_due_on=today + timedelta(days=28),
    )
    courses = list(staff_courses())
    for course in courses:
        CourseAssignment.objects.get_or_create(
            school=school,
            course=course,
            audience=Audience.ALL_STAFF,
            defaults={"due_on": today + timedelta(days=28)},
        )
    by_role = {
        m.role: m.user for m in StaffMembership.objects.filter(school=school).select_related("user")
    }
    dsl, deputy = by_role.get(StaffRole.DSL), by_role.get(StaffRole.DEPUTY_DSL)
    if dsl is not None:
        services.part_one_sign(user=dsl, school=school)
        for number, course in enumerate(courses):
            passed_on = today - timedelta(days=340 if number == 0 else 60)
            CourseCompletion.objects.get_or_create(
                user=dsl,
                school=school,
                course=course,
                defaults={
                    "passed_on": passed_on,
                    "expires_on": services.add_months(passed_on, 12),
                    "score": 100,
                },
            )
    if deputy is not None and courses:
        passed_on = today - timedelta(days=400)
        CourseCompletion.objects.get_or_create(
            user=deputy,
            school=school,
            course=courses[-1],
            defaults={
                "passed_on": passed_on,
                "expires_on": services.add_months(passed_on, 12),
                "score": 80,
            },
        )
