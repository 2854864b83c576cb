"""The evidence page: what a school shows an inspector or its governors, on screen, printed or
as a PDF, and the yearly online-safety review records kept with it.

School admins, DSLs and deputy DSLs read it, for their own school only; teachers do not (the
page is about the whole school). Only the DSL or deputy records a review. See
teacher_portal/evidence.py for what is on it and why no pupil can be picked out.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from schools.permissions import is_safeguarding_lead

from .evidence import school_evidence
from .forms import OnlineSafetyReviewForm
from .permissions import evidence_view
from .services import online_safety_review_record


def _context(request, school) -> dict:
    return {
        "evidence": school_evidence(school=school, user=request.user),
        "school": school,
        "can_record_review": is_safeguarding_lead(request.user, school=school),
    }


@evidence_view
def evidence(request, *, school):
    return render(request, "teacher_portal/evidence/page.html", _context(request, school))


def _no_fetching(url, *args, **kwargs):
    """The PDF is made from our own template and inline styles: it fetches nothing."""
    raise ValueError("The evidence PDF loads no external resources.")


@evidence_view
def evidence_pdf(request, *, school):
    import weasyprint

    context = _context(request, school)
    html = render_to_string("teacher_portal/evidence/pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    year = context["evidence"].start.year
    filename = f"{slugify(school.name)}-online-safety-evidence-{year}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return response


@evidence_view
def review_add(request, *, school):
    if not is_safeguarding_lead(request.user, school=school):
        raise PermissionDenied(_("Only the school's DSL or deputy DSL records the review."))
    form = OnlineSafetyReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        online_safety_review_record(school=school, recorded_by=request.user, **form.cleaned_data)
        messages.success(request, _("The online-safety review is recorded with the evidence."))
        return redirect(reverse("teacher_portal:evidence") + "#reviews-heading")
    return render(
        request,
        "teacher_portal/form_page.html",
        {
            "form": form,
            "title": _("Record the yearly online-safety review"),
            "intro": _(
                "Record the review you held with a governor: when, what changed in the "
                "school's online-safety approach, and the actions agreed. Governors have no "
                "Streamwise account, so type the governor's name. A record cannot be changed "
                "later; to correct one, record the review again."
            ),
            "submit": _("Record the review"),
            "cancel_url": reverse("teacher_portal:evidence"),
        },
        status=400 if request.method == "POST" else 200,
    )
