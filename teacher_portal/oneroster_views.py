"""School admin: import from the school's MIS as OneRoster CSV files (schools.oneroster).

Upload a zip → see what the sync would change (nothing is saved but the file, privately) →
apply it. The upload's random key lives in the session; applying re-reads the kept file and
plans again, so what is applied is checked against the school as it is at that moment.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schools.oneroster.apply import (
    AlreadyApplied,
    UploadGone,
    upload_apply,
    upload_get,
    upload_keep,
    upload_plan,
)
from schools.oneroster.reader import OneRosterFileError, max_bytes, read_bundle, too_big_message
from schools.oneroster.sync import plan_sync

from .forms import PortalForm
from .permissions import school_admin_view

SESSION_KEY = "oneroster_upload"


class OneRosterUploadForm(PortalForm):
    file = django_forms.FileField(
        label=gettext_lazy("OneRoster zip file"),
        help_text=gettext_lazy(
            "The zip of OneRoster 1.1 or 1.2 CSV files (manifest, orgs, classes, users, "
            "enrollments…) that your MIS exports. Upload it as it is: don't unzip it."
        ),
        widget=django_forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise django_forms.ValidationError(too_big_message(upload.size))
        return upload


@school_admin_view
@require_http_methods(["GET", "POST"])
@never_cache
def oneroster_upload(request, *, school):
    form = OneRosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan_sync(school=school, bundle=read_bundle(data))
        except OneRosterFileError as error:
            form.add_error("file", str(error))
        else:
            kept = upload_keep(school=school, user=request.user, filename=upload.name, data=data)
            request.session[SESSION_KEY] = kept.key
            return redirect("teacher_portal:oneroster_preview")
    return render(request, "teacher_portal/oneroster_upload.html", {"form": form})


def _gone(request):
    request.session.pop(SESSION_KEY, None)
    messages.error(
        request,
        _("That preview has expired. Nothing was changed: please upload the file again."),
    )
    return redirect("teacher_portal:oneroster_upload")


@school_admin_view
@never_cache
def oneroster_preview(request, *, school):
    key = request.session.get(SESSION_KEY, "")
    if not key:
        return redirect("teacher_portal:oneroster_upload")
    try:
        upload = upload_get(school=school, user=request.user, key=key)
        plan = upload_plan(upload=upload)
    except (UploadGone, AlreadyApplied):
        return _gone(request)
    except OneRosterFileError as error:  # the school changed since the upload
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(error))
        return redirect("teacher_portal:oneroster_upload")
    return render(
        request,
        "teacher_portal/oneroster_preview.html",
        {"plan": plan, "upload": upload, "key": key},
    )


@school_admin_view
@require_POST
def oneroster_apply(request, *, school):
    key = request.POST.get("key", "")
    try:
        result = upload_apply(school=school, user=request.user, key=key)
    except AlreadyApplied:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("This file has already been applied: nothing more to do."))
        return redirect("teacher_portal:oneroster_upload")
    except UploadGone:
        return _gone(request)
    except OneRosterFileError as error:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, str(error) + " " + _("Nothing was changed."))
        return redirect("teacher_portal:oneroster_upload")
    except IntegrityError:
        # Say, two pupils swapping names, or someone adding a class of the same name meanwhile.
        messages.error(
            request,
            _(
                "Some names in the file clash with pupils or classes in Streamwise, so nothing "
                "was changed. Upload the file again to see the clash in the preview, or rename "
                "one of them."
            ),
        )
        return redirect("teacher_portal:oneroster_preview")
    request.session.pop(SESSION_KEY, None)
    return render(request, "teacher_portal/oneroster_done.html", {"result": result})
