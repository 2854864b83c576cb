"""School admin: sync pupils, classes and staff from Wonde (schools.wonde).

Paste the school's Wonde token and school id → the task worker fetches everything → check the
preview and apply it → from then on Wonde syncs every night by itself, and "Sync now" queues one
at any time. The page shows the sync under way (refreshed with htmx) and the change log.
"""

from __future__ import annotations

import re

from django import forms as django_forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schools.models import WondeConnection, WondeSync
from schools.oneroster.reader import OneRosterFileError
from schools.wonde.roster import TABLE_LABELS
from schools.wonde.services import (
    AlreadyApplied,
    PreviewGone,
    connection_remove,
    connection_save,
    groups_from_save,
    nightly_ensure,
    preview_apply,
    preview_get,
    preview_plan,
    sync_request,
)

from .forms import PortalForm
from .permissions import school_admin_view

LOG_LENGTH = 30


class WondeConnectForm(PortalForm):
    token = django_forms.CharField(
        label=gettext_lazy("Wonde API token"),
        help_text=gettext_lazy(
            "From your Wonde dashboard. It is kept encrypted and never shown again in full."
        ),
        max_length=200,
        widget=django_forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    wonde_school_id = django_forms.CharField(
        label=gettext_lazy("Wonde school id"),
        help_text=gettext_lazy("Also in your Wonde dashboard; it looks like A1234567890."),
        max_length=64,
        widget=django_forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if len(token) < 16 or re.search(r"\s", token):
            raise django_forms.ValidationError(
                _(
                    "That doesn't look like a whole Wonde token (a long run of letters and "
                    "numbers, no spaces). Copy it again from your Wonde dashboard."
                )
            )
        return token

    def clean_wonde_school_id(self):
        school_id = self.cleaned_data["wonde_school_id"].strip()
        if not re.fullmatch(r"[A-Za-z0-9]{4,64}", school_id):
            raise django_forms.ValidationError(
                _("A Wonde school id is letters and numbers only, like A1234567890.")
            )
        return school_id


class WondeGroupsForm(PortalForm):
    groups_from = django_forms.ChoiceField(
        label=gettext_lazy("Make Streamwise's classes from"),
        help_text=gettext_lazy(
            "In many primary schools a pupil's class in the MIS is their registration group "
            "(form), not a timetabled class. Changing this shows you a new preview first."
        ),
        choices=WondeConnection.GroupsFrom.choices,
        widget=django_forms.RadioSelect,
    )


def _status_context(school) -> dict:
    syncs = list(WondeSync.objects.filter(school=school).defer("data")[:LOG_LENGTH])
    latest = syncs[0] if syncs else None
    return {
        "latest": latest,
        "syncs": syncs,
        "polling": latest is not None and latest.in_progress,
    }


@school_admin_view
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
@never_cache
def wonde_home(request, *, school):
    nightly_ensure(school=school)
    connection = WondeConnection.objects.filter(school=school).first()
    form = WondeConnectForm(
        request.POST or None,
        initial={"wonde_school_id": connection.wonde_school_id if connection else ""},
    )
    if request.method == "POST" and form.is_valid():
        connection_save(
            school=school,
            user=request.user,
            token=form.cleaned_data["token"],
            wonde_school_id=form.cleaned_data["wonde_school_id"],
        )
        messages.success(
            request,
            _(
                "Saved. We're fetching your school's data from Wonde now: this page shows how far "
                "it has got."
            ),
        )
        return redirect("teacher_portal:wonde_home")
    groups_form = WondeGroupsForm(
        initial={"groups_from": connection.groups_from if connection else ""}
    )
    return render(
        request,
        "teacher_portal/wonde.html",
        {
            "connection": connection,
            "form": form,
            "groups_form": groups_form,
            **_status_context(school),
        },
    )


@school_admin_view
@require_POST
def wonde_groups(request, *, school):
    """Choose whether classes here come from Wonde classes, registration groups or both."""
    if not WondeConnection.objects.filter(school=school).exists():
        messages.error(request, _("Connect to Wonde first: paste your token and school id."))
        return redirect("teacher_portal:wonde_home")
    form = WondeGroupsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where your classes come from."))
        return redirect("teacher_portal:wonde_home")
    sync = groups_from_save(
        school=school, user=request.user, groups_from=form.cleaned_data["groups_from"]
    )
    if sync is None:
        messages.info(request, _("That is already where your classes come from."))
    else:
        messages.success(
            request,
            _(
                "Saved. We're fetching from Wonde again: check the preview of your new classes "
                "before it is applied. Nightly syncs wait until then."
            ),
        )
    return redirect("teacher_portal:wonde_home")


@school_admin_view
@require_GET
@never_cache
def wonde_status(request, *, school):
    """The sync under way and the change log (what the page refreshes while a sync runs)."""
    return render(request, "teacher_portal/includes/wonde_status.html", _status_context(school))


@school_admin_view
@require_POST
def wonde_sync_now(request, *, school):
    if not WondeConnection.objects.filter(school=school).exists():
        messages.error(request, _("Connect to Wonde first: paste your token and school id."))
        return redirect("teacher_portal:wonde_home")
    sync = sync_request(school=school, user=request.user)
    if sync.requested_by_id == request.user.pk and sync.started_at is None:
        messages.success(request, _("Sync queued: this page shows how far it has got."))
    else:
        messages.info(
            request, _("A sync is already under way: this page shows how far it has got.")
        )
    return redirect("teacher_portal:wonde_home")


@school_admin_view
@require_POST
def wonde_disconnect(request, *, school):
    connection_remove(school=school)
    messages.success(
        request,
        _(
            "Disconnected from Wonde: the token is deleted and nightly syncs have stopped. Your "
            "pupils and classes stay as they are."
        ),
    )
    return redirect("teacher_portal:wonde_home")


def _gone(request):
    messages.error(
        request,
        _(
            "That preview is no longer available. Nothing was changed: press “Sync now” to "
            "fetch a fresh one."
        ),
    )
    return redirect("teacher_portal:wonde_home")


@school_admin_view
@require_GET
@never_cache
def wonde_preview(request, pk, *, school):
    if not WondeSync.objects.filter(pk=pk, school=school).exists():
        raise Http404  # another school's sync is not there for this admin
    try:
        sync = preview_get(school=school, sync_id=pk)
        plan = preview_plan(sync=sync)
    except AlreadyApplied:
        messages.info(request, _("This sync has already been applied: nothing more to do."))
        return redirect("teacher_portal:wonde_home")
    except (PreviewGone, WondeConnection.DoesNotExist):
        return _gone(request)
    except OneRosterFileError as error:
        messages.error(request, str(error))
        return redirect("teacher_portal:wonde_home")
    for problem in plan.problems:  # the planner names OneRoster files: say which Wonde list
        for filename, label in TABLE_LABELS.items():
            problem.message = problem.message.replace(filename, str(label))
        problem.file = TABLE_LABELS.get(problem.file, problem.file)
    return render(
        request,
        "teacher_portal/wonde_preview.html",
        {
            "plan": plan,
            "sync": sync,
            "school_name": sync.data.get("name", ""),
            "groups_from": WondeConnection.GroupsFrom(
                sync.data.get("groups_from") or WondeConnection.GroupsFrom.CLASSES
            ).label,
        },
    )


@school_admin_view
@require_POST
def wonde_apply(request, *, school):
    try:
        pk = int(request.POST.get("sync", ""))
    except ValueError:
        return _gone(request)
    confirmed = {value for value in request.POST.getlist("confirm") if value}
    try:
        result = preview_apply(school=school, sync_id=pk, confirmed=confirmed)
    except AlreadyApplied:
        messages.info(request, _("This sync has already been applied: nothing more to do."))
        return redirect("teacher_portal:wonde_home")
    except PreviewGone:
        return _gone(request)
    except OneRosterFileError as error:
        messages.error(request, str(error) + " " + _("Nothing was changed."))
        return redirect("teacher_portal:wonde_home")
    except IntegrityError:
        messages.error(
            request,
            _(
                "Some names from Wonde clash with pupils or classes already in Streamwise, so "
                "nothing was changed. Rename one of them, then press “Sync now”."
            ),
        )
        return redirect("teacher_portal:wonde_home")
    return render(request, "teacher_portal/oneroster_done.html", {"result": result})
