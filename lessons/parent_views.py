"""The public parent and carer pack of a module: a page, and the same page as a PDF.

Anyone may read a pack (a teacher hands families the link or a QR code), so these views know
nothing about who asks: no login, no school, no pupil, nothing from the session. The response
is the same for everyone, so it may be cached by the browser and by shared caches, and the PDF
(which takes WeasyPrint a moment) is also kept in the site cache until the pack or its module
changes. Search engines are asked not to index it: families reach it from their school.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .parents import ParentPack

CACHE_SECONDS = 60 * 60
PDF_STYLESHEET = "lessons/css/parent-pack.css"


def _pack(slug: str) -> ParentPack:
    pack = (
        ParentPack.objects.select_related("module")
        .filter(module__slug=slug, module__live=True)
        .first()
    )
    if pack is None:
        raise Http404("There is no parent and carer pack for that module.")
    return pack


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def pack(request, slug):
    """The pack as a web page, with print styles and a link to the PDF."""
    pack = _pack(slug)
    return _public(render(request, "lessons/parents/pack.html", {"pack": pack}))


def _no_fetching(url, *args, **kwargs):
    """The PDF is made from our own template and stylesheet only: it fetches nothing."""
    raise ValueError("The parent pack PDF loads no external resources.")


def pack_pdf_bytes(pack: ParentPack) -> bytes:
    """The pack rendered to a one-page A4 PDF by WeasyPrint (cached until the pack changes)."""
    import weasyprint

    key = f"lessons:parent-pack-pdf:{pack.pk}:{pack.updated_at.timestamp()}:" + str(
        pack.module.last_published_at.timestamp() if pack.module.last_published_at else ""
    )
    pdf = cache.get(key)
    if pdf is None:
        html = render_to_string("lessons/parents/pack_pdf.html", {"pack": pack})
        stylesheet = weasyprint.CSS(filename=finders.find(PDF_STYLESHEET))
        pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf(
            stylesheets=[stylesheet]
        )
        cache.set(key, pdf, CACHE_SECONDS * 24)
    return pdf


@require_safe
def pack_pdf(request, slug):
    """The pack as a PDF to print or save."""
    pack = _pack(slug)
    response = HttpResponse(pack_pdf_bytes(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="streamwise-parent-pack-{slug}.pdf"'
    return _public(response)
