"""Lesson plans in the portal: every lesson's plan, printable and as a PDF, one at a time or a
whole module at once.

Plans are teaching material, not pupil data: any member of a school's staff (teachers, school
admins, DSLs and deputies) may read them. Pupils and visitors never. Only live lessons are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from lessons.models import LessonPage, ModulePage
from lessons.plans import Plan, has_plan, lesson_plan
from schools.models import AgeBand
from schools.permissions import staff_required


@dataclass(frozen=True)
class PlanPage:
    """One lesson and its plan (None when nobody has written it yet), numbered in its module."""

    number: int
    lesson: LessonPage
    plan: Plan | None


def _concern_url(request) -> str | None:
    """The "raise a concern" form, when the safeguarding app is installed."""
    try:
        return request.build_absolute_uri(reverse("safeguarding:raise"))
    except NoReverseMatch:
        return None


def _context(request, module: ModulePage, plans: list[PlanPage], **extra) -> dict:
    return {
        "module": module,
        "band_label": AgeBand(module.age_band).label,
        "plans": plans,
        "concern_url": _concern_url(request),
        **extra,
    }


def _lesson_and_module(pk: int) -> tuple[LessonPage, ModulePage, int]:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=pk)
    module = get_object_or_404(ModulePage.objects.live().parent_of(lesson))
    siblings = list(
        LessonPage.objects.child_of(module).live().order_by("path").values_list("pk", flat=True)
    )
    return lesson, module, siblings.index(lesson.pk) + 1


def _module_plans(pk: int) -> tuple[ModulePage, list[PlanPage]]:
    module = get_object_or_404(ModulePage.objects.live(), pk=pk)
    plans = [
        PlanPage(number=n, lesson=lesson, plan=lesson_plan(lesson))
        for n, lesson in enumerate(module.lessons(), start=1)
    ]
    return module, plans


def _no_fetching(url, *args, **kwargs):
    """The PDF is made from our own template and inline styles: it fetches nothing."""
    raise ValueError("Lesson plan PDFs load no external resources.")


def _pdf(request, context: dict, *, filename: str) -> HttpResponse:
    import weasyprint

    html = render_to_string("teacher_portal/plans/plans_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@staff_required
def plans_index(request):
    """Every module and its lessons, with a link to each plan."""
    modules = list(ModulePage.objects.live().order_by("path"))
    by_module: dict[str, list[tuple[LessonPage, bool]]] = {}
    for lesson in LessonPage.objects.in_modules(modules):
        parent_path = lesson.path[: -LessonPage.steplen]
        by_module.setdefault(parent_path, []).append((lesson, has_plan(lesson)))
    return render(
        request,
        "teacher_portal/plans/index.html",
        {
            "modules": [
                (module, AgeBand(module.age_band).label, by_module.get(module.path, []))
                for module in sorted(modules, key=lambda m: AgeBand.values.index(m.age_band))
            ]
        },
    )


@staff_required
def lesson_plan_view(request, pk):
    """One lesson's plan, laid out to print."""
    lesson, module, number = _lesson_and_module(pk)
    plan = PlanPage(number=number, lesson=lesson, plan=lesson_plan(lesson))
    return render(
        request,
        "teacher_portal/plans/lesson_plan.html",
        _context(request, module, [plan], lesson=lesson),
    )


@staff_required
def lesson_plan_pdf(request, pk):
    lesson, module, number = _lesson_and_module(pk)
    plan = PlanPage(number=number, lesson=lesson, plan=lesson_plan(lesson))
    context = _context(request, module, [plan], lesson=lesson)
    return _pdf(request, context, filename=f"lesson-plan-{slugify(lesson.title)}")


@staff_required
def module_plans_view(request, pk):
    """Every lesson plan of a module on one page, to print them all at once."""
    module, plans = _module_plans(pk)
    return render(
        request, "teacher_portal/plans/module_plans.html", _context(request, module, plans)
    )


@staff_required
def module_plans_pdf(request, pk):
    module, plans = _module_plans(pk)
    return _pdf(
        request,
        _context(request, module, plans),
        filename=f"lesson-plans-{slugify(module.title)}",
    )
