"""Who may open lessons, decided in one place.

- Pupils open the lessons of the modules they are taught (`ModulePage.objects.for_pupil`), and
  their progress is recorded.
- School staff and content editors may open any lesson as a preview: answers are checked, but
  nothing is recorded.
- Anyone else who is logged in is refused; visitors are sent to log in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django_htmx.http import HttpResponseClientRedirect

from schools.models import Pupil
from schools.permissions import PUPIL_LOGIN_URL, get_pupil, is_staff_member, is_trust_admin

__all__ = ["LessonViewer", "can_preview_lessons", "get_pupil", "lesson_viewer_required"]


def can_preview_lessons(user) -> bool:
    """School staff, trust admins (who set modules for their schools) and Wagtail content
    editors may look at any lesson without progress."""
    if not user.is_authenticated or get_pupil(user) is not None:
        return False
    return (
        is_staff_member(user) or is_trust_admin(user) or user.has_perm("wagtailadmin.access_admin")
    )


def pupil_can_open(pupil: Pupil, lesson) -> bool:
    """Whether a pupil may open a lesson: it belongs to a module for their age band."""
    return lesson.age_band == pupil.age_band.value


@dataclass(frozen=True)
class LessonViewer:
    """Who is looking at a lesson: a pupil (progress recorded) or staff (a preview)."""

    pupil: Pupil | None

    @property
    def is_preview(self) -> bool:
        return self.pupil is None


def lesson_viewer_required(view):
    """For lesson player views `view(request, lesson, *args, viewer=…)`."""

    @wraps(view)
    def wrapped(request, lesson, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            # Most likely a pupil whose session ended: the pupil login page links to the staff
            # login, passing `next` on, for a teacher previewing.
            if getattr(request, "htmx", False):
                # An answer posted after the session ended: send the whole page to log in,
                # rather than swapping a login form into the activity.
                here = request.htmx.current_url_abs_path or lesson.url
                return HttpResponseClientRedirect(redirect_to_login(here, PUPIL_LOGIN_URL).url)
            return redirect_to_login(request.get_full_path(), PUPIL_LOGIN_URL)
        pupil = get_pupil(user)
        if pupil is not None:
            if not pupil_can_open(pupil, lesson):
                raise PermissionDenied("This lesson is for a different age group.")
            return view(request, lesson, *args, viewer=LessonViewer(pupil=pupil), **kwargs)
        if can_preview_lessons(user):
            return view(request, lesson, *args, viewer=LessonViewer(pupil=None), **kwargs)
        raise PermissionDenied("Lessons are for pupils and school staff.")

    return wrapped
