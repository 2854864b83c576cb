"""Lessons that pupils have worked on are unpublished, never deleted.

A pupil's progress and answers are the school's record of what was taught, and teachers export
them. Deleting a lesson (or a module or library above it) in the Wagtail admin would take them
with it, so the admin refuses, kindly, and says what to do instead. The database keeps the same
rule (`on_delete=PROTECT`), so nothing that skips these hooks can lose the records either.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.models import Page

from .admin_labels import label_stream_fields
from .models import LessonProgress

# Every form field of our blocks has an accessible name in the admin (see admin_labels).
label_stream_fields()


def _pages_with_progress(pages) -> list[Page]:
    """Those of `pages` that are, or contain, a lesson some pupil has started."""
    return [
        page
        for page in pages
        if LessonProgress.objects.filter(lesson__path__startswith=page.path).exists()
    ]


def _refuse(request, pages, fallback_url: str):
    titles = ", ".join(f"“{page.get_admin_display_title()}”" for page in pages)
    messages.error(
        request,
        _(
            "%(titles)s can't be deleted: pupils have started it, and their progress is the "
            "school's record. Unpublish it instead: pupils stop seeing it and the record is kept."
        )
        % {"titles": titles},
    )
    return redirect(get_valid_next_url_from_request(request) or fallback_url)


@hooks.register("before_delete_page")
def refuse_deleting_started_lessons(request, page):
    blocked = _pages_with_progress([page])
    if blocked:
        return _refuse(
            request, blocked, reverse("wagtailadmin_explore", args=[page.get_parent().pk])
        )
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_started_lessons(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    pages = [obj for obj in objects if isinstance(obj, Page)]
    blocked = _pages_with_progress(pages)
    if blocked:
        return _refuse(request, blocked, reverse("wagtailadmin_explore_root"))
    return None


# Parent and carer packs are edited as snippets (lessons/parents_admin.py).
def _register_parent_packs():
    from wagtail.snippets.models import register_snippet

    from .parents_admin import ParentPackViewSet

    register_snippet(ParentPackViewSet)


_register_parent_packs()
