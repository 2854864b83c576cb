"""Pages for a trust's central team: the trust overview (and, from it, trust-wide work).

Only trust admins reach them (`trust_admin_required`), and only for their own trusts (another
trust is 404). What they show is figures and counts (teacher_portal.trust_overview).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from schools.permissions import administered_trusts, trust_admin_required

from .trust_overview import trust_overview


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
        },
    )
