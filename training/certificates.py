"""A staff member's certificate for a course they passed (a PDF, rendered by WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .models import CourseCompletion


def _no_fetching(url, *args, **kwargs):
    raise ValueError("Certificates load no external resources.")


def certificate_pdf(completion: CourseCompletion) -> bytes:
    import weasyprint

    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "name": completion.user.get_full_name() or completion.user.email,
            "course": completion.course.title,
            "school": completion.school.name,
            "passed_on": completion.passed_on,
            "expires_on": completion.expires_on,
            "score": completion.score,
        },
    )
    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
