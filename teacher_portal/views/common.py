"""Pages the portal's views share: a form on a page of its own, and a confirmation page."""

from __future__ import annotations

from django.shortcuts import render


def form_page(request, form, *, title, submit, cancel_url, intro="", status=200):
    """Render `form` alone on a page (`teacher_portal/form_page.html`), with a cancel link."""
    return render(
        request,
        "teacher_portal/form_page.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": cancel_url, "intro": intro},
        status=status,
    )


def confirm_page(request, *, title, message, submit, cancel_url):
    """Ask "are you sure?" (`teacher_portal/confirm.html`) before a change that is hard to undo.

    The view posts to itself: GET shows this page, POST makes the change.
    """
    return render(
        request,
        "teacher_portal/confirm.html",
        {"title": title, "message": message, "submit": submit, "cancel_url": cancel_url},
    )
