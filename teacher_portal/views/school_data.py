"""School admins bring data in and let systems read it: the roster import, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .. import forms
from ..models import ApiToken
from ..permissions import school_admin_view
from ..roster import RosterExpired, RosterFileError, roster_preview, roster_sign, roster_unsign
from ..services import api_token_create, api_token_revoke, roster_import
from .common import confirm_page

# --- School admin: roster import --------------------------------------------------------------


@school_admin_view
@require_http_methods(["GET", "POST"])
def roster_upload(request, *, school):
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = roster_preview(school=school, data=upload.read())
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            return render(
                request,
                "teacher_portal/roster_preview.html",
                {
                    "preview": preview,
                    "filename": upload.name,
                    "token": roster_sign(school=school, user=request.user, preview=preview),
                },
            )
    return render(request, "teacher_portal/roster_upload.html", {"form": form, "school": school})


@school_admin_view
@require_POST
def roster_confirm(request, *, school):
    try:
        entries = roster_unsign(
            school=school, user=request.user, token=request.POST.get("token", "")
        )
    except RosterExpired:
        messages.error(
            request,
            _("That preview has expired. Nothing was added: please upload the file again."),
        )
        return redirect("teacher_portal:roster_upload")
    try:
        result = roster_import(school=school, entries=entries)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone added some of these pupils at the same moment, so nothing was added. "
                "Upload the file again to see what is left to add."
            ),
        )
        return redirect("teacher_portal:roster_upload")
    return render(request, "teacher_portal/roster_done.html", {"result": result})


@school_admin_view
def roster_template(request, *, school):
    """An example CSV to fill in."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="streamwise-pupils.csv"'
    response.write(_("Name,Year group,Class\r\nIsla M,Year 4,Kestrels\r\nJack T,Y4,Kestrels\r\n"))
    return response


# --- School admin: API tokens -----------------------------------------------------------------


@school_admin_view
@require_http_methods(["GET", "POST"])
@never_cache
def api_tokens(request, *, school):
    form = forms.ApiTokenForm(request.POST or None)
    new_secret = ""
    if request.method == "POST" and form.is_valid():
        _token, new_secret = api_token_create(
            school=school, name=form.cleaned_data["name"], created_by=request.user
        )
        form = forms.ApiTokenForm()
    tokens = ApiToken.objects.for_school(school).select_related("created_by")
    return render(
        request,
        "teacher_portal/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_secret": new_secret,
            "openapi_url": request.build_absolute_uri(reverse("streamwise_api:openapi-json")),
        },
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request, pk, *, school):
    token = get_object_or_404(ApiToken.objects.for_school(school).active(), pk=pk)
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("teacher_portal:api_tokens")
    return confirm_page(
        request,
        title=_("Revoke token “%(name)s”?") % {"name": token.name},
        message=_("Anything using it will stop working straight away. This cannot be undone."),
        submit=_("Revoke token"),
        cancel_url=reverse("teacher_portal:api_tokens"),
    )
