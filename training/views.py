"""Staff training for each member of staff: their courses, the course player, the quiz,
certificates and the Part one sign-off."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lessons.player import activity_state, step_items
from lessons.services import activity_check
from schools.permissions import has_role, staff_school

from . import services
from .certificates import certificate_pdf
from .models import CourseCompletion, staff_courses
from .permissions import LEAD_ROLES, staff_required


def _course(slug: str):
    return get_object_or_404(staff_courses(), slug=slug)


@staff_required
def home(request):
    school = staff_school(request.user)
    row = services.my_training(request.user, school)
    courses = [(course, row.courses[course.pk]) for course in staff_courses()] if row else []
    certificates = CourseCompletion.objects.filter(user=request.user, school=school).select_related(
        "course"
    )
    return TemplateResponse(
        request,
        "training/home.html",
        {
            "school": school,
            "courses": courses,
            "certificates": certificates,
            "part_one": services.settings_for(school).part_one_version,
            "part_one_cell": row.part_one if row else None,
            "is_lead": has_role(request.user, *LEAD_ROLES, school=school),
        },
    )


def _course_context(request, course, *, submissions=None):
    base_url = course.get_training_url()
    steps = [
        (
            step,
            step_items(
                course,
                step,
                base_url=base_url,
                responses={},
                submissions=submissions,
                preview=True,
            ),
        )
        for step in course.steps
    ]
    return {"course": course, "steps": steps}


@staff_required
def course(request, slug):
    course = _course(slug)
    return TemplateResponse(request, "training/course.html", _course_context(request, course))


def course_preview(request, course):
    """Wagtail's preview of a draft course: the steps, with activities that post nowhere."""
    context = _course_context(request, course)
    for _step, items in context["steps"]:
        for _child, state in items:
            if state is not None:
                state.action = ""
    context["preview"] = True
    return TemplateResponse(request, "training/course.html", context)


def _previous(raw: str | None) -> dict | None:
    try:
        value = json.loads(raw or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@staff_required
def course_activity(request, slug, activity_id):
    """Check an answer to one scenario activity (for practice: nothing is stored)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    course = _course(slug)
    activity = course.activities.get(activity_id)
    if activity is None:
        raise Http404
    submission = activity_check(
        lesson=course,
        activity_id=activity_id,
        data=request.POST,
        previous=_previous(request.POST.get("state")),
    )
    if request.htmx:
        state = activity_state(
            course,
            activity_id,
            base_url=course.get_training_url(),
            submission=submission,
            preview=True,
        )
        return TemplateResponse(
            request,
            "lessons/includes/activity_fragment.html",
            {"child": activity.child, "state": state, "age_band": None},
        )
    context = _course_context(request, course, submissions={activity_id: submission})
    return TemplateResponse(request, "training/course.html", context)


@staff_required
def quiz(request, slug):
    course = _course(slug)
    result = None
    if request.method == "POST":
        school = staff_school(request.user)
        result = services.quiz_submit(
            user=request.user, school=school, course=course, data=request.POST
        )
        if result.unanswered:
            messages.error(request, _("Please answer every question."))
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    return TemplateResponse(
        request,
        "training/quiz.html",
        {"course": course, "result": result, "questions": list(course.questions)},
    )


@never_cache
@staff_required
def certificate(request, pk):
    """The member of staff's own certificate, as a PDF."""
    completion = get_object_or_404(
        CourseCompletion.objects.select_related("course", "school", "user"),
        pk=pk,
        user=request.user,
    )
    response = HttpResponse(certificate_pdf(completion), content_type="application/pdf")
    filename = f"certificate-{completion.course.slug}-{completion.passed_on.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
def part_one_sign(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    school = staff_school(request.user)
    try:
        signoff = services.part_one_sign(user=request.user, school=school)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Thank you. You have confirmed that you have read Part one (%(version)s).")
            % {"version": signoff.version},
        )
    return redirect("training:home")
