"""Pupils: “Talk to someone” and the quick exit."""

from __future__ import annotations

from django.db import DatabaseError
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from schools import quick_exit as quick_exit_hold
from schools.models import AgeBand
from schools.permissions import get_pupil, pupil_required

from .. import conf, services
from ..forms import (
    TalkForm,
)
from ..models import (
    ConcernSource,
    Feeling,
)
from .common import _see_other
from .not_sent import forget_unsent, submission_id_for_form, talk_not_sent

# --- Pupils: "Talk to someone" ---------------------------------------------------------------


def _feelings():
    return [
        {"value": value, "label": label, "image": static(f"safeguarding/feelings/{value}.svg")}
        for value, label in Feeling.choices
    ]


@never_cache
@pupil_required
def talk(request):
    """A calm page where a pupil can ask for help. Every field is optional: Send is enough."""
    if request.method == "GET" and (held := quick_exit_hold.hold_response(request)):
        return held  # Back after "Hide this page"
    pupil = get_pupil(request.user)
    if request.method == "POST":
        form = TalkForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.concern_raise(
                    raised_by=request.user,
                    pupil=pupil,
                    source=ConcernSource.PUPIL,
                    what_happened=data["details"],
                    feeling=data["feeling"],
                    about=data["about"],
                    talk_to=data["talk_to"],
                    idempotency_key=data["submission"],
                )
            except DatabaseError:
                # Nothing was saved: say so, and give back what they wrote to send again.
                return talk_not_sent(request)
            return forget_unsent(_see_other(reverse("safeguarding:talk_sent")), form="talk")
    else:
        form = TalkForm(initial={"submission": submission_id_for_form(request, form="talk")})
    return render(
        request,
        "safeguarding/talk.html",
        {
            "form": form,
            "feelings": _feelings(),
            "pupil": pupil,
            "age_band": pupil.age_band.value,
            "quick_exit_url": conf.quick_exit_url(),
        },
    )


@never_cache
@pupil_required
def talk_sent(request):
    if held := quick_exit_hold.hold_response(request):
        return held
    pupil = get_pupil(request.user)
    return render(
        request,
        "safeguarding/talk_sent.html",
        {
            "pupil": pupil,
            "age_band": pupil.age_band.value,
            "show_ceop": pupil.age_band != AgeBand.AGES_4_7,
            "quick_exit_url": conf.quick_exit_url(),
        },
    )


def quick_exit(request):
    """A plain times-tables page: where "Hide this page" goes. Nothing on it hints at why.

    It also starts a short hold, so Back from here does not show the pages left behind.
    """
    quick_exit_hold.mark(request, request.path)
    numbers = range(1, 13)
    return render(
        request,
        "safeguarding/quick_exit.html",
        {"rows": [(n, [n * m for m in numbers]) for n in numbers], "numbers": numbers},
    )
