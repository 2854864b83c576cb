"""One PDF with a certificate for every pupil of a class who has completed a module."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lessons.certificate_views import pdf_response
from lessons.certificates import certificates_for, certificates_pdf
from lessons.models import ModulePage
from schools.models import TeachingGroup
from schools.permissions import teacher_required


@never_cache
@teacher_required
def class_certificates(request, pk: int, module_pk: int):
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user), pk=pk)
    module = get_object_or_404(ModulePage.objects.live(), pk=module_pk)
    pupils = group.pupils.active().select_related("school").order_by("display_name")
    certificates = certificates_for(pupils, module)
    note = _("No pupil in %(group)s has completed “%(module)s” yet.") % {
        "group": group.name,
        "module": module.title,
    }
    pdf = certificates_pdf(certificates, empty_note=note)
    return pdf_response(pdf, f"certificates-{module.slug}.pdf")
