"""Portal pages for setting work and following it: assignments, the progress grid, a pupil's
drill-down, charts, downloads, overdue work and the school overview.

Views parse, call a service and render. Classes, assignments and pupils are always looked up
through their `visible_to(user)` QuerySets, so a teacher reaches only the classes they teach
and a school admin only their own school's.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lessons.models import Assignment
from lessons.services import assignment_create, assignment_update, assignment_withdraw
from schools.models import Pupil, TeachingGroup
from schools.permissions import teacher_required

from .answers import answer_rows, pupil_timeline
from .exports import answers_table, csv_response, grid_table, xlsx_response
from .forms import AssignmentForm
from .overview import overdue_overview, school_overview
from .permissions import school_admin_view
from .progress import (
    CellStatus,
    Sort,
    completion_over_time,
    completion_per_lesson,
    progress_grid,
)
from .views.common import form_page

DEFAULT_DAYS_TO_DO = 7


def _group(request, pk, *, active=False):
    groups = TeachingGroup.objects.visible_to(request.user)
    if active:
        groups = groups.active()
    return get_object_or_404(groups, pk=pk)


def _assignment(request, group, assignment_pk):
    return get_object_or_404(
        Assignment.objects.visible_to(request.user)
        .filter(teaching_group=group)
        .select_related("module", "lesson", "teaching_group", "created_by")
        .prefetch_related("pupils"),
        pk=assignment_pk,
    )


def _due_text(assignment) -> str:
    return date_format(assignment.due_on, "l j F Y")


# --- Setting work -----------------------------------------------------------------------------


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_add(request, pk):
    group = _group(request, pk, active=True)
    today = timezone.localdate()
    initial = {"opens_on": today, "due_on": today + timedelta(days=DEFAULT_DAYS_TO_DO)}
    if request.GET.get("page", "").isdecimal():
        initial["page"] = int(request.GET["page"])
    form = AssignmentForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = assignment_create(
                group=group, created_by=request.user, **form.service_kwargs()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(title)s” is set for %(class)s, due %(due)s.")
                % {
                    "title": assignment.title,
                    "class": group.name,
                    "due": _due_text(assignment),
                },
            )
            return redirect("teacher_portal:progress", group.pk, assignment.pk)
    return form_page(
        request,
        form,
        title=_("Set work for %(class)s") % {"class": group.name},
        submit=_("Set work"),
        cancel_url=group.get_absolute_url(),
        intro=_("Pupils see the work on their “My lessons” page from the open date."),
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk, assignment_pk):
    group = _group(request, pk, active=True)
    assignment = _assignment(request, group, assignment_pk)
    if assignment.is_withdrawn:
        raise Http404("This work has been withdrawn.")
    initial = {
        "page": assignment.page.pk,
        "opens_on": assignment.opens_on,
        "due_on": assignment.due_on,
        "pupils": list(assignment.pupils.all()),
    }
    form = AssignmentForm(request.POST or None, initial=initial, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            assignment_update(assignment=assignment, **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("teacher_portal:progress", group.pk, assignment.pk)
    return form_page(
        request,
        form,
        title=_("Change “%(title)s” for %(class)s") % {"title": assignment.title, "class": group},
        submit=_("Save changes"),
        cancel_url=reverse("teacher_portal:progress", args=[group.pk, assignment.pk]),
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_withdraw_view(request, pk, assignment_pk):
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    if request.method == "POST":
        assignment_withdraw(assignment=assignment)
        messages.success(request, _("“%(title)s” withdrawn.") % {"title": assignment.title})
        return redirect(group)
    return render(
        request,
        "teacher_portal/confirm.html",
        {
            "title": _("Withdraw “%(title)s”?") % {"title": assignment.title},
            "message": _(
                "Pupils will stop seeing it on their “My lessons” page. Everything they have "
                "done is kept, and you can still see their progress here."
            ),
            "submit": _("Withdraw work"),
            "cancel_url": reverse("teacher_portal:progress", args=[group.pk, assignment.pk]),
        },
    )


# --- The progress grid ------------------------------------------------------------------------


def _grid(request, group, assignment, **kwargs):
    status = CellStatus.from_slug(request.GET.get("status", ""))
    sort = Sort.from_slug(request.GET.get("sort"))
    return progress_grid(group=group, assignment=assignment, **kwargs).filtered(status).sorted(sort)


def _query(grid) -> str:
    """The filter and sort of a grid, as a query string for links that keep them."""
    parts = []
    if grid.status:
        parts.append(f"status={grid.status.slug}")
    if grid.sort is not Sort.NAME:
        parts.append(f"sort={grid.sort.slug}")
    return "&".join(parts)


@teacher_required
def progress(request, pk, assignment_pk):
    """Pupils × lessons. An htmx request (filter, sort, refresh, polling) gets the grid only."""
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    grid = _grid(request, group, assignment)
    context = {
        "group": group,
        "assignment": assignment,
        "grid": grid,
        "query": _query(grid),
        "auto": request.GET.get("auto") == "1",
        "statuses": list(CellStatus),
        "sorts": list(Sort),
        "counts": grid.status_counts(),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = (
        "teacher_portal/includes/progress_grid.html" if partial else "teacher_portal/progress.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@teacher_required
def pupil_progress(request, pk, assignment_pk, pupil_pk):
    """One pupil's drill-down: their lessons, every answer and attempt, and a time line."""
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pupil_pk)
    grid = progress_grid(group=group, assignment=assignment, pupil=pupil)
    if not grid.rows:
        raise Http404("This work is not set for that pupil.")
    answers = answer_rows(grid)
    return render(
        request,
        "teacher_portal/pupil_progress.html",
        {
            "group": group,
            "assignment": assignment,
            "pupil": pupil,
            "grid": grid,
            "row": grid.rows[0],
            "answers": answers,
            "timeline": pupil_timeline(grid, answers),
        },
    )


@teacher_required
def progress_charts(request, pk, assignment_pk):
    """Completion per lesson and over time, drawn by Chart.js and given again as tables."""
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    grid = progress_grid(group=group, assignment=assignment)
    per_lesson = completion_per_lesson(grid)
    over_time = completion_over_time(grid)
    chart_data = {
        "perLesson": {
            "labels": [item.column.heading for item in per_lesson],
            "series": [
                {"label": _("Completed"), "data": [i.completed for i in per_lesson]},
                {"label": _("In progress"), "data": [i.in_progress for i in per_lesson]},
                {"label": _("Not started"), "data": [i.not_started for i in per_lesson]},
            ],
            "xTitle": _("Lesson"),
            "yTitle": _("Pupils"),
        },
        "overTime": {
            "labels": [date_format(day.day, "j M") for day in over_time],
            "series": [
                {"label": _("Lessons completed so far"), "data": [d.cumulative for d in over_time]}
            ],
            "xTitle": _("Day"),
            "yTitle": _("Lessons completed"),
        },
    }
    return render(
        request,
        "teacher_portal/progress_charts.html",
        {
            "group": group,
            "assignment": assignment,
            "grid": grid,
            "per_lesson": per_lesson,
            "over_time": over_time,
            "chart_data": chart_data,
        },
    )


EXPORT_FORMATS = {"csv": csv_response, "xlsx": xlsx_response}


@teacher_required
def progress_export(request, pk, assignment_pk, what, fmt):
    """The grid (with the page's filter and sort) or the answers, as CSV or XLSX.

    `?pupil=<id>` limits the answers to one pupil (the drill-down's download).
    """
    if fmt not in EXPORT_FORMATS or what not in ("grid", "answers"):
        raise Http404
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    pupil = None
    if request.GET.get("pupil", "").isdecimal():
        pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=request.GET["pupil"])
    grid = _grid(request, group, assignment, pupil=pupil)
    stem = f"{group.name} {assignment.title}"
    if pupil is not None:
        stem += f" {pupil.display_name}"
    if what == "grid":
        table = grid_table(grid)
        stem += " progress"
    else:
        table = answers_table(answer_rows(grid), link=request.build_absolute_uri)
        stem += " answers"
    return EXPORT_FORMATS[fmt](table, stem=stem)


# --- Across classes ---------------------------------------------------------------------------


@teacher_required
def overdue(request):
    """Work past its due date in the teacher's classes, and who has not finished it."""
    return render(
        request, "teacher_portal/overdue.html", {"items": overdue_overview(user=request.user)}
    )


@school_admin_view
def school_overview_view(request, *, school):
    """How much of the work set is done, by class and by year group."""
    return render(
        request,
        "teacher_portal/school_overview.html",
        {"school": school, "overview": school_overview(school=school)},
    )
