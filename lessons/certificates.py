"""Certificates: a pupil who has completed a module gets one to print or save.

A certificate shows the pupil's display name (their first name, as the class knows them), the
module, the date it was completed and the school, and nothing else. A module is complete when
every live lesson in it is complete for the pupil, as the completion service in `lessons`
records it (`LessonProgress.objects.completed()`). The PDF is made by WeasyPrint from our own
template and fetches nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from schools.models import Pupil

from .models import LessonPage, LessonProgress, ModulePage


@dataclass(frozen=True)
class Certificate:
    name: str
    module: str
    completed_on: date
    school: str


def completed_on(pupils, module: ModulePage) -> dict[int, date]:
    """For each pupil who has completed every live lesson of the module: the day they did."""
    lesson_ids = set(LessonPage.objects.child_of(module).live().values_list("pk", flat=True))
    if not lesson_ids:
        return {}
    done: dict[int, dict[int, object]] = {}
    rows = (
        LessonProgress.objects.completed()
        .filter(pupil__in=pupils, lesson_id__in=lesson_ids)
        .values_list("pupil_id", "lesson_id", "completed_at", "updated_at")
    )
    for pupil_id, lesson_id, completed_at, updated_at in rows:
        done.setdefault(pupil_id, {})[lesson_id] = completed_at or updated_at
    return {
        pupil_id: timezone.localdate(max(by_lesson.values()))
        for pupil_id, by_lesson in done.items()
        if set(by_lesson) == lesson_ids
    }


def certificates_for(pupils, module: ModulePage) -> list[Certificate]:
    pupils = list(pupils)
    days = completed_on(pupils, module)
    return [
        Certificate(
            name=pupil.display_name,
            module=module.title,
            completed_on=days[pupil.pk],
            school=pupil.school.name,
        )
        for pupil in pupils
        if pupil.pk in days
    ]


def completed_modules(pupil: Pupil, modules) -> set[int]:
    """The ids of the modules (of those given) the pupil has completed."""
    return {module.pk for module in modules if completed_on([pupil], module)}


def _no_fetching(url, *args, **kwargs):
    raise ValueError("Certificates load no external resources.")


def certificates_pdf(certificates: list[Certificate], *, empty_note: str = "") -> bytes:
    import weasyprint

    html = render_to_string(
        "lessons/certificate_pdf.html", {"certificates": certificates, "empty_note": empty_note}
    )
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
