"""Sharing a module's parent and carer pack with families (issue 12, part 4).

The pack itself is public and the same for every family (`lessons.parent_views`); this page
gives the teacher what they need to hand it out: the link, a QR code, a message to paste into
the school's own messaging app, and a letter to print. Nothing here is sent anywhere: Streamwise
holds no parent contact details, so there is no email to send.
"""

from __future__ import annotations

import segno
from django.http import Http404
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lessons.parents import ParentPack
from schools.permissions import teacher_required

from .progress_views import _assignment, _group


def qr_code_svg(url: str, *, label: str) -> SafeString:
    """The URL as an inline SVG QR code, with `label` as its text alternative.

    segno writes only shapes and presentation attributes (no inline style), so the page's
    content security policy allows it.
    """
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=5, light="#fff", dark="#000", omitsize=True
    )
    # svg_inline's output is our own (segno draws the URL as paths); only the label is text.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


def _pack_for(assignment) -> ParentPack:
    module = assignment.module if assignment.is_module else assignment.lesson.module
    pack = (
        ParentPack.objects.select_related("module").filter(module=module, module__live=True).first()
        if module
        else None
    )
    if pack is None:
        raise Http404("This module has no parent and carer pack yet.")
    return pack


@teacher_required
def parents_share(request, pk, assignment_pk):
    """The link, QR code, message and printable letter for the pack of the work's module."""
    group = _group(request, pk)
    assignment = _assignment(request, group, assignment_pk)
    pack = _pack_for(assignment)
    url = request.build_absolute_uri(pack.get_absolute_url())
    message = _(
        "Hello. In class we are learning about staying safe online, in lessons called "
        "“%(module)s”. Here is a one-page guide for parents and carers: what the class learned, "
        "questions to talk about at home, the app settings that matter and where to get help. "
        "It is the same for every family and has nothing about your child in it: %(url)s"
    ) % {"module": pack.module.title, "url": url}
    return render(
        request,
        "teacher_portal/parents_share.html",
        {
            "group": group,
            "assignment": assignment,
            "pack": pack,
            "url": url,
            "pdf_url": request.build_absolute_uri(pack.pdf_url()),
            "qr_svg": qr_code_svg(
                url,
                label=_("QR code: scan it to open the parent and carer pack at %(url)s")
                % {"url": url},
            ),
            "message": message,
            "teacher_name": request.user.get_full_name(),
        },
    )
