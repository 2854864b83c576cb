"""Demo assignments: each demo class gets its age band's module, so the portal is not empty.

Called by `seed_demo` after the curriculum is loaded. Idempotent: a class that already has an
assignment of its module (withdrawn or not) is left as the teacher left it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from schools.models import School

from .models import Assignment, ModulePage
from .services import assignment_create

DEMO_DAYS_TO_COMPLETE = 14


def assign_demo_modules(school: School) -> list[Assignment]:
    """Give every active class of `school` its band's module, due in two weeks; return the new."""
    modules = {module.age_band: module for module in ModulePage.objects.live().specific()}
    today = timezone.localdate()
    created = []
    for group in school.teaching_groups.filter(archived_at__isnull=True).order_by("pk"):
        module = modules.get(group.age_band.value)
        teacher = group.teachers.order_by("pk").first()
        if module is None or teacher is None:
            continue
        if Assignment.objects.filter(teaching_group=group, module=module).exists():
            continue
        created.append(
            assignment_create(
                group=group,
                module=module,
                opens_on=today,
                due_on=today + datetime.timedelta(days=DEMO_DAYS_TO_COMPLETE),
                created_by=teacher,
            )
        )
    return created
