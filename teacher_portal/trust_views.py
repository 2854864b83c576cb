"""Pages for a trust's central team: the trust overview (and, from it, trust-wide work).

Only trust admins reach them (`trust_admin_required`), and only for their own trusts (another
trust is 404). What they show is figures and counts (teacher_portal.trust_overview).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schools.models import YearGroup
from schools.permissions import administered_trusts, trust_admin_required

from .models import TrustAssignment
from .trust_forms import TrustAssignmentForm
from .trust_overview import trust_overview
from .trust_services import trust_assignment_create


@trust_admin_required
def trust_home(request):
    """The first of the person's trusts (most trust admins have one)."""
    trust = administered_trusts(request.user).order_by("name", "pk").first()
    return redirect("teacher_portal:trust_overview", trust.pk)


@trust_admin_required
def trust_overview_view(request, pk):
    trusts = list(administered_trusts(request.user).order_by("name", "pk"))
    trust = next((t for t in trusts if t.pk == pk), None)
    if trust is None:
        trust = get_object_or_404(administered_trusts(request.user), pk=pk)
    overview = trust_overview(trust=trust, user=request.user)
    return render(
        request,
        "teacher_portal/trust_overview.html",
        {
            "overview": overview,
            "trust": trust,
            "other_trusts": [t for t in trusts if t.pk != trust.pk],
            "safeguarding_url": reverse("safeguarding:home"),
            "trust_work": _trust_work(trust),
        },
    )


def _trust_work(trust):
    """Work the trust set, with how many classes and schools have it and how many of those
    classes' schools have since changed its dates (one query)."""
    changed = ~Q(assignments__due_on=F("due_on")) | ~Q(assignments__opens_on=F("opens_on"))
    return (
        TrustAssignment.objects.filter(trust=trust)
        .select_related("module")
        .annotate(
            classes=Count("assignments", distinct=True),
            schools=Count("assignments__school", distinct=True),
            changed=Count("assignments", filter=changed, distinct=True),
        )
        .order_by("-created_at")[:20]
    )


@trust_admin_required
@require_http_methods(["GET", "POST"])
def trust_assign(request, pk):
    """Set a module for a year group in every school of the trust at once."""
    trust = get_object_or_404(administered_trusts(request.user), pk=pk)
    form = TrustAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = trust_assignment_create(
                trust=trust, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("“%(module)s” is set for %(year)s: %(classes)s classes in %(schools)s schools.")
                % {
                    "module": result.trust_assignment.module.title,
                    "year": YearGroup(result.trust_assignment.year_group).label,
                    "classes": result.classes,
                    "schools": result.schools,
                },
            )
            return redirect("teacher_portal:trust_overview", trust.pk)
    return render(
        request,
        "teacher_portal/form_page.html",
        {
            "form": form,
            "title": _("Set a module for a year group across %(trust)s") % {"trust": trust.name},
            "submit": _("Set it in every school"),
            "cancel_url": reverse("teacher_portal:trust_overview", args=[trust.pk]),
            "intro": _(
                "Every class of the year group in every school of the trust gets the module, "
                "with these dates. Each school sees it as its own work and can change its dates."
            ),
        },
    )
