"""The pupil's home and the lesson player.

The player views are reached through `LessonPage`'s routes (the page is its own player):

- the lesson URL opens the introduction, or the step the pupil reached last time;
- `step/<n>/` shows one step (GET never records anything);
- `progress/` (POST) records that the pupil moved on to a step, then redirects to it;
- `activity/<id>/` (POST) checks an answer on the server and stores it; an htmx request gets
  the activity back with its feedback, a plain form post is redirected back to the step.

Staff see the same pages as a preview: answers are checked, nothing is stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import quick_exit
from schools.models import StaffRole
from schools.permissions import get_pupil, has_role, pupil_required

from . import narration, services
from .certificates import completed_modules
from .models import (
    ActivityResponse,
    Assignment,
    LessonPage,
    LessonProgress,
    ModulePage,
    ProgressStatus,
)
from .permissions import LessonViewer, lesson_viewer_required
from .player import (
    LessonCard,
    activity_state,
    lesson_cards,
    lesson_quiz,
    progress_percent,
    pupil_seed,
    step_items,
    unmet_for,
)
from .pupil_rows import progress_row, response_rows

SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class AssignmentCard:
    """Work set for the pupil, with how much of it they have done."""

    assignment: Assignment
    title: str
    opens_on: date
    due_on: date
    done: int
    total: int
    next_card: LessonCard | None  # the first lesson not completed yet, if any
    url: str
    today: date

    @property
    def is_done(self) -> bool:
        return self.done == self.total

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < self.today

    @property
    def is_due_today(self) -> bool:
        return not self.is_done and self.due_on == self.today

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def assignment_cards(assignments, cards: list[LessonCard], *, request) -> list[AssignmentCard]:
    """The pupil's open assignments, from lesson cards already fetched (no further queries).

    Work the pupil cannot open (a module for another age band) is left out. Unfinished work
    comes first, soonest due first.
    """
    today = timezone.localdate()
    result = []
    for assignment in assignments:
        page = assignment.page
        if assignment.is_module:
            covered = [card for card in cards if card.lesson.path.startswith(page.path)]
        else:
            covered = [card for card in cards if card.lesson.pk == assignment.lesson_id]
        if not covered:
            continue
        unfinished = [card for card in covered if card.status != ProgressStatus.COMPLETED]
        next_card = unfinished[0] if unfinished else None
        url = next_card.url if next_card else page.get_url(request)
        result.append(
            AssignmentCard(
                assignment=assignment,
                title=page.title,
                opens_on=assignment.opens_on,
                due_on=assignment.due_on,
                done=len(covered) - len(unfinished),
                total=len(covered),
                next_card=next_card,
                url=url,
                today=today,
            )
        )
    return sorted(result, key=lambda card: (card.is_done, card.due_on, card.title))


@pupil_required
def learn_home(request):
    """The pupil's work from their teacher, then their modules and lessons, with progress."""
    quick_exit.clear(request)  # back home on purpose: lessons open normally again
    pupil = get_pupil(request.user)
    modules = list(ModulePage.objects.for_pupil(pupil).order_by("path"))
    cards = lesson_cards(LessonPage.objects.in_modules(modules), pupil=pupil, request=request)
    assignments = Assignment.objects.for_pupil(pupil).open().select_related("module", "lesson")
    sections = [
        (module, [card for card in cards if card.lesson.path.startswith(module.path)])
        for module in modules
    ]
    started = [c for c in cards if c.status == ProgressStatus.IN_PROGRESS and c.step]
    resume = max(
        started,
        key=lambda card: (card.last_active_at is not None, card.last_active_at or 0),
        default=None,
    )
    return render(
        request,
        "lessons/learn_home.html",
        {
            "pupil": pupil,
            "age_band": pupil.age_band.value,
            "sections": sections,
            "resume": resume,
            "assignments": assignment_cards(assignments, cards, request=request),
            "certificates": completed_modules(pupil, modules),
        },
    )


def _see_other(url: str) -> HttpResponseRedirect:
    """Redirect after a POST so that reloading the page never posts again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _not_allowed(request, allowed):
    if request.method not in allowed:
        return HttpResponseNotAllowed(allowed)
    return None


def _render_step(
    request,
    lesson: LessonPage,
    number: int,
    viewer: LessonViewer,
    *,
    progress: LessonProgress | None = None,
    progress_known: bool = False,
    submissions: dict | None = None,
):
    sensitive = viewer.pupil is not None and lesson.deals_with_abuse
    if sensitive and (held := quick_exit.hold_response(request)):
        return held  # Back after "Hide this page"
    base_url = lesson.get_url(request)
    responses: dict[str, ActivityResponse] = {}
    if viewer.pupil is not None:
        if not progress_known:
            progress = progress_row(viewer.pupil, lesson)
        responses = response_rows(viewer.pupil, lesson)
    last = lesson.last_step
    step = lesson.steps[number - 1] if number else None
    context = lesson.get_context(request)
    context.update(
        lesson=lesson,
        module=lesson.module_link(request),
        age_band=lesson.age_band,
        number=number,
        step=step,
        last_step=last,
        items=step_items(
            lesson,
            step,
            base_url=base_url,
            responses=responses,
            submissions=submissions,
            preview=viewer.is_preview,
            seed=pupil_seed(lesson, pupil=viewer.pupil, progress=progress),
        )
        if step
        else [],
        previous_url=lesson.step_url(number - 1, request=request) if number > 0 else None,
        next_step=number + 1 if number < last else None,
        progress_url=base_url + lesson.reverse_subpage("lesson_progress"),
        progress=progress,
        percent=progress_percent(progress, last),
        completed=bool(progress and progress.is_completed),
        unmet=unmet_for(lesson, progress, responses, base_url=base_url) if number == last else [],
        lesson_quiz=lesson_quiz(lesson, pupil=viewer.pupil, request=request)
        if number == last
        else None,
        preview=viewer.is_preview,
        quick_exit_url=_quick_exit_url() if sensitive else "",
        # Teachers and school admins can present the lesson to a class (teach mode).
        can_teach=viewer.is_preview
        and has_role(request.user, StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN),
        narration_url=narration.step_audio_url(lesson, step, request),
    )
    response = TemplateResponse(request, lesson.template, context)
    return quick_exit.protect(response) if sensitive else response


def _quick_exit_url() -> str:
    """Where "Hide this page" goes, when the safeguarding app is installed."""
    try:
        from safeguarding.conf import quick_exit_url
    except ImportError:  # pragma: no cover - lessons without safeguarding
        return ""
    return quick_exit_url()


@lesson_viewer_required
def lesson_open(request, lesson: LessonPage, *, viewer: LessonViewer):
    """The lesson's own URL: the introduction, or "carry on where you left off"."""
    if response := _not_allowed(request, SAFE_METHODS):
        return response
    progress = None
    if viewer.pupil is not None:
        progress = progress_row(viewer.pupil, lesson)
        if progress and progress.current_step > 0 and not progress.is_completed:
            messages.info(request, _("Welcome back! Carry on where you left off."))
            step = min(progress.current_step, lesson.last_step)
            return redirect(lesson.step_url(step, request=request))
    return _render_step(request, lesson, 0, viewer, progress=progress, progress_known=True)


@lesson_viewer_required
def lesson_step(request, lesson: LessonPage, number: int, *, viewer: LessonViewer):
    if response := _not_allowed(request, SAFE_METHODS):
        return response
    if not 0 <= number <= lesson.last_step:
        raise Http404
    return _render_step(request, lesson, number, viewer)


@lesson_viewer_required
def lesson_progress(request, lesson: LessonPage, *, viewer: LessonViewer):
    """Move on to a step. Posted by the Next button; the step reached never goes backwards."""
    if response := _not_allowed(request, ["POST"]):
        return response
    try:
        step = max(0, min(int(request.POST["step"]), lesson.last_step))
    except (KeyError, ValueError):
        return HttpResponseBadRequest()
    if viewer.pupil is not None:
        services.progress_step_reach(pupil=viewer.pupil, lesson=lesson, step=step)
    return _see_other(lesson.step_url(step, request=request))


def _preview_state(raw: str | None) -> dict | None:
    try:
        value = json.loads(raw or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@lesson_viewer_required
def lesson_activity(request, lesson: LessonPage, activity_id: str, *, viewer: LessonViewer):
    """Check (and, for pupils, store) an answer to one activity."""
    if response := _not_allowed(request, ["POST"]):
        return response
    activity = lesson.activities.get(activity_id)
    if activity is None:
        raise Http404
    if viewer.pupil is not None:
        submission = services.activity_submit(
            pupil=viewer.pupil, lesson=lesson, activity_id=activity_id, data=request.POST
        )
    else:
        submission = services.activity_check(
            lesson=lesson,
            activity_id=activity_id,
            data=request.POST,
            previous=_preview_state(request.POST.get("state")),
        )
    if request.htmx:
        progress = submission.progress
        if progress is None and viewer.pupil is not None:
            progress = progress_row(viewer.pupil, lesson)
        state = activity_state(
            lesson,
            activity_id,
            base_url=lesson.get_url(request),
            submission=submission,
            preview=viewer.is_preview,
            seed=pupil_seed(lesson, pupil=viewer.pupil, progress=progress),
        )
        return TemplateResponse(
            request,
            "lessons/includes/activity_fragment.html",
            {"child": activity.child, "state": state, "age_band": lesson.age_band},
        )
    if viewer.pupil is not None and submission.error is None:
        url = lesson.step_url(activity.step, request=request) + f"#activity-{activity_id}"
        return _see_other(url)
    return _render_step(
        request, lesson, activity.step, viewer, submissions={activity_id: submission}
    )


def lesson_preview(request, lesson: LessonPage):
    """The Wagtail admin preview: the whole lesson on one page, nothing interactive."""
    steps = []
    for step in lesson.steps:
        items = step_items(lesson, step, base_url="", responses={}, preview=True)
        for _child, state in items:
            if state is not None:
                state.action = ""  # the draft may not be live yet: nothing to post to
        steps.append((step, items))
    context = lesson.get_context(request)
    context.update(lesson=lesson, age_band=lesson.age_band, preview=True, steps=steps)
    return TemplateResponse(request, "lessons/lesson_preview.html", context)
