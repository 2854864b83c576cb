"""Helpers shared by the safeguarding views."""

from __future__ import annotations

from django.http import Http404, HttpResponseRedirect

from ..models import (
    Alert,
    Concern,
    Flag,
)
from ..permissions import record_denied_access


def _see_other(url: str) -> HttpResponseRedirect:
    """Redirect after a POST, so reloading the page never posts again."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _get_visible_or_404(request, queryset, model, pk):
    """The record if this lead may see it; otherwise 404, with the attempt logged when it
    exists (a lead of another school guessing ids)."""
    record = queryset.visible_to(request.user).filter(pk=pk).first()
    if record is None:
        if model.objects.filter(pk=pk).exists():
            key = {Concern: "concern_id", Flag: "flag_id"}[model]
            record_denied_access(request, **{key: pk})
        raise Http404
    return record


def _area_context(request) -> dict:
    return {
        "unread_alerts": Alert.objects.for_user(request.user).unread().count(),
    }
