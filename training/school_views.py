"""The school's view of staff training: the table, its exports, assignments and settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from schools.models import StaffRole
from schools.permissions import has_role

from . import services
from .exports import export_response
from .forms import AssignmentForm, TableFilterForm, TrainingSettingsForm
from .models import CourseAssignment
from .permissions import lead_school, school_admin_required, training_lead_required

PART_ONE = "part-one"


def _filtered(table, form):
    """Rows matching the filter: a status in the chosen course (or in any course)."""
    status = form.cleaned_data.get("status") if form.is_valid() else ""
    course = form.cleaned_data.get("course") if form.is_valid() else ""
    if not status:
        return table.rows
    rows = []
    for row in table.rows:
        cells = []
        if course in ("", PART_ONE) and row.part_one is not None:
            cells.append(row.part_one)
        if course != PART_ONE:
            cells += [row.courses[c.pk] for c in table.courses if not course or c.slug == course]
        if any(cell.status == status for cell in cells):
            rows.append(row)
    return rows


def _table_and_form(request):
    school = lead_school(request.user)
    table = services.training_table(school)
    form = TableFilterForm(
        request.GET, courses=table.courses, has_part_one=bool(table.part_one_version)
    )
    return table, form, _filtered(table, form)


@training_lead_required
def school_training(request):
    table, form, rows = _table_and_form(request)
    course = form.cleaned_data.get("course") if form.is_valid() else ""
    shown = [c for c in table.courses if not course or c.slug == course]
    return TemplateResponse(
        request,
        "training/school.html",
        {
            "table": table,
            "rows": rows,
            "lines": [(row, [row.courses[c.pk] for c in shown]) for row in rows]
            if course != PART_ONE
            else [(row, []) for row in rows],
            "shown_courses": [] if course == PART_ONE else shown,
            "show_part_one": bool(table.part_one_version) and course in ("", PART_ONE),
            "form": form,
            "query": request.GET.urlencode(),
            "summary": services.compliance_summary(table.school, today=table.today),
            "assignments": CourseAssignment.objects.filter(school=table.school).select_related(
                "course"
            ),
            "is_admin": has_role(request.user, StaffRole.SCHOOL_ADMIN),
        },
    )


@training_lead_required
def school_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table, _form, rows = _table_and_form(request)
    return export_response(table, rows, fmt)


@training_lead_required
def assign(request):
    school = lead_school(request.user)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assignment = services.assignment_create(
                school=school,
                course=form.cleaned_data["course"],
                audience=form.cleaned_data["audience"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("“%(course)s” is set for %(who)s, due by %(date)s.")
                % {
                    "course": assignment.course.title,
                    "who": assignment.get_audience_display().lower(),
                    "date": assignment.due_on.strftime("%-d %B %Y"),
                },
            )
            return redirect("training:school")
    return TemplateResponse(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Assign a course to staff"),
            "submit": _("Assign the course"),
        },
    )


@school_admin_required
def school_settings(request):
    school = lead_school(request.user, StaffRole.SCHOOL_ADMIN)
    form = TrainingSettingsForm(request.POST or None, instance=services.settings_for(school))
    if request.method == "POST" and form.is_valid():
        services.settings_update(
            school=school,
            renewal_months=form.cleaned_data["renewal_months"],
            part_one_version=form.cleaned_data["part_one_version"],
            part_one_due_on=form.cleaned_data["part_one_due_on"],
        )
        messages.success(request, _("Training settings saved."))
        return redirect("training:school")
    return TemplateResponse(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Training settings"),
            "submit": _("Save settings"),
            "intro": _(
                "Certificates expire after the renewal period; a new version of Keeping Children "
                "Safe in Education Part one asks every member of staff to confirm they have read "
                "it."
            ),
        },
    )
