"""A pupil's own certificate for a module they have completed (a PDF to print or save)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache

from schools.permissions import get_pupil, pupil_required

from .certificates import certificates_for, certificates_pdf
from .models import ModulePage


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
@pupil_required
def pupil_certificate(request, module_pk: int):
    pupil = get_pupil(request.user)
    module = get_object_or_404(ModulePage.objects.for_pupil(pupil), pk=module_pk)
    certificates = certificates_for([pupil], module)
    if not certificates:
        raise Http404("This module is not finished yet.")
    return pdf_response(certificates_pdf(certificates), f"certificate-{module.slug}.pdf")
