"""Teach mode pages: choose a class, present a lesson on the board, record who was there.

Only the teachers of a class and their school's admins reach these pages: classes are looked up
through `TeachingGroup.objects.visible_to`, behind `teacher_required` (pupils, visitors and other
schools' staff never get in). The board shows no pupil names and no safeguarding controls; the
"Who was here?" page is the teacher's, not the class's.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lessons.models import Assignment, LessonPage, ModulePage
from lessons.plans import lesson_plan
from lessons.teach import lesson_taught_in_class
from schools.forms import RecordChoicesField
from schools.models import TeachingGroup
from schools.permissions import teacher_required

from .forms import PortalForm
from .teach import board_steps


def _lesson(lesson_pk) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live().select_related("quiz"), pk=lesson_pk)


def _class_and_lesson(request, pk, lesson_pk) -> tuple[TeachingGroup, LessonPage]:
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=pk)
    lesson = _lesson(lesson_pk)
    if lesson.age_band != group.age_band.value:
        raise Http404("That lesson is for a different age group.")
    return group, lesson


def _work(request, group) -> Assignment | None:
    """The work the teacher came from (`?work=`), to go back to its progress grid after."""
    raw = request.GET.get("work", "")
    if not raw.isdecimal() or len(raw) > 12:
        return None
    return Assignment.objects.visible_to(request.user).filter(teaching_group=group, pk=raw).first()


def _work_query(work) -> str:
    return f"?work={work.pk}" if work else ""


@teacher_required
def teach_choose(request, lesson_pk):
    """From the lesson page: which class is being taught (classes of the lesson's age band)."""
    lesson = _lesson(lesson_pk)
    groups = [
        group
        for group in TeachingGroup.objects.visible_to(request.user).active().order_by("name")
        if group.age_band.value == lesson.age_band  # the band comes from the year group
    ]
    return render(
        request,
        "teacher_portal/teach/choose.html",
        {"lesson": lesson, "groups": groups, "module": lesson.module},
    )


@teacher_required
def teach(request, pk, lesson_pk):
    """The presenter view: the lesson on the board, one step at a time."""
    group, lesson = _class_and_lesson(request, pk, lesson_pk)
    module: ModulePage | None = lesson.module
    work = _work(request, group)
    steps = board_steps(lesson)
    return render(
        request,
        "teacher_portal/teach/board.html",
        {
            "group": group,
            "lesson": lesson,
            "module": module,
            "age_band": lesson.age_band,
            "steps": steps,
            "last_step": len(steps) - 1,
            "plan": lesson_plan(lesson),
            "plan_url": reverse("teacher_portal:lesson_plan", args=[lesson.pk]),
            "attendance_url": reverse("teacher_portal:teach_attendance", args=[group.pk, lesson.pk])
            + _work_query(work),
            "exit_url": reverse("teacher_portal:progress", args=[group.pk, work.pk])
            if work
            else group.get_absolute_url(),
        },
    )


class AttendanceForm(PortalForm):
    present = RecordChoicesField(
        label=gettext_lazy("Pupils who were here"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one pupil who was here.")},
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = group.pupils.active().order_by("display_name", "pk")


@teacher_required
@require_http_methods(["GET", "POST"])
def teach_attendance(request, pk, lesson_pk):
    """The teacher's last screen: tick who was here, and record the lesson as done in class."""
    group, lesson = _class_and_lesson(request, pk, lesson_pk)
    work = _work(request, group)
    form = AttendanceForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            result = lesson_taught_in_class(
                group=group,
                lesson=lesson,
                present=form.cleaned_data["present"],
                taught_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done, already = len(result.completed_in_class), len(result.already_complete)
            message = _("“%(title)s” is recorded as done together in class for %(count)s pupils.")
            if already:
                message += " " + _("%(already)s had already completed it and stay complete.")
            messages.success(
                request, message % {"title": lesson.title, "count": done, "already": already}
            )
            if work:
                return redirect("teacher_portal:progress", group.pk, work.pk)
            return redirect(group)
    return render(
        request,
        "teacher_portal/teach/attendance.html",
        {
            "group": group,
            "lesson": lesson,
            "form": form,
            "board_url": reverse("teacher_portal:teach", args=[group.pk, lesson.pk])
            + _work_query(work),
        },
    )
