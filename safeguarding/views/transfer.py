"""Sending a child-protection file to the next school, the receiving school's one-time link,
and importing a received file.

The receipt pages are open to anyone holding the link (the receiving DSL may have no Streamwise
account): the token in the URL finds the transfer, the code passed on separately unlocks it for
this browser session, and confirming receipt closes the link. The token is never logged.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..models import AccessAction, RecordTransfer
from ..permissions import dsl_required, hidden_from_non_leads, record_pupils
from ..services.transfer import file_names
from ..transfer_forms import CodeForm, ConfirmReceiptForm, ImportForm, TransferForm
from .cases import _pupil_or_404
from .child import _lead_school
from .common import _area_context, _see_other

SECRETS_KEY = "sw_transfer_secrets"
GRANT_KEY = "sw_receipt_granted"
DONE_KEY = "sw_receipt_done"


def _link(request, token: str) -> str:
    return request.build_absolute_uri(reverse("safeguarding:receive", args=[token]))


@hidden_from_non_leads
def transfer_new(request, pupil_id):
    """The DSL sends the pupil's child-protection file to their new school."""
    pupil = _pupil_or_404(request, pupil_id)
    details = services.child_details_current(pupil=pupil)
    if request.method == "POST":
        form = TransferForm(request.POST)
        if form.is_valid():
            try:
                sent = services.transfer_send(
                    pupil=pupil,
                    user=request.user,
                    destination_school=form.cleaned_data["destination_school"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                # The link and code are shown to the sender in this session only; the database
                # holds their hashes.
                secrets_by_id = request.session.get(SECRETS_KEY, {})
                secrets_by_id[str(sent.transfer.pk)] = [sent.token, sent.code]
                request.session[SECRETS_KEY] = secrets_by_id
                messages.success(request, _("The file is sealed and ready for the new school."))
                return _see_other(reverse("safeguarding:transfer", args=[sent.transfer.pk]))
    else:
        form = TransferForm(
            initial={"destination_school": details.destination_school if details else ""}
        )
    return render(
        request,
        "safeguarding/transfer_new.html",
        {**_area_context(request), "pupil": pupil, "child": details, "form": form},
    )


def _transfers(request):
    return (
        RecordTransfer.objects.visible_to(request.user)
        .select_related("pupil", "sent_by")
        .defer("pdf", "json", "manifest")
    )


@hidden_from_non_leads
def transfer_detail(request, transfer_id):
    transfer = _transfers(request).filter(pk=transfer_id).first()
    if transfer is None:
        raise Http404
    services.access_log_record(
        user=request.user,
        action=AccessAction.VIEW_PUPIL_RECORD,
        pupil=transfer.pupil,
        detail=f"transfer {transfer.pk}",
    )
    secret = request.session.get(SECRETS_KEY, {}).get(str(transfer.pk))
    return render(
        request,
        "safeguarding/transfer.html",
        {
            **_area_context(request),
            "transfer": transfer,
            "late": services.transfer_is_late(transfer),
            "link": _link(request, secret[0]) if secret and not transfer.is_confirmed else "",
            "code": secret[1] if secret and not transfer.is_confirmed else "",
        },
    )


@dsl_required
def transfer_list(request):
    """Files sent to other schools: those not yet confirmed first, late ones marked."""
    transfers = list(_transfers(request).order_by("confirmed_at", "-sent_at")[:200])
    rows = [{"transfer": t, "late": services.transfer_is_late(t)} for t in transfers]
    return render(
        request,
        "safeguarding/transfers.html",
        {
            **_area_context(request),
            "waiting": [row for row in rows if not row["transfer"].is_confirmed],
            "confirmed": [row for row in rows if row["transfer"].is_confirmed],
        },
    )


# --- The receiving school -------------------------------------------------------------------------


def _receipt_page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    # The token must not leave in a Referer to another site ("no-referrer" would make the
    # browser send "Origin: null" with the code form, which CSRF protection refuses).
    response["Referrer-Policy"] = "same-origin"
    return response


def _transfer_or_404(token):
    transfer = services.transfer_for_token(token)
    if transfer is None:
        raise Http404
    return transfer


def _granted(request, transfer) -> bool:
    return transfer.pk in request.session.get(GRANT_KEY, [])


def _closed(request, error: services.LinkClosed):
    return _receipt_page(
        request,
        "safeguarding/receive_closed.html",
        {"why": error.why, "transfer": error.transfer},
        410,
    )


def receive(request, token):
    """The one-time link: ask for the code, then offer the files and the receipt."""
    transfer = _transfer_or_404(token)
    done = request.session.get(DONE_KEY, [])
    if transfer.pk in done and transfer.is_confirmed:
        request.session[DONE_KEY] = [pk for pk in done if pk != transfer.pk]
        return _receipt_page(request, "safeguarding/receive_done.html", {"transfer": transfer})
    try:
        services.transfer_check_open(transfer)
    except services.LinkClosed as error:
        return _closed(request, error)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            right = services.transfer_code_check(
                transfer=transfer, token=token, code=form.cleaned_data["code"]
            )
        except services.LinkClosed as error:
            return _closed(request, error)
        if right:
            request.session.cycle_key()
            request.session[GRANT_KEY] = [*request.session.get(GRANT_KEY, []), transfer.pk]
            return _see_other(request.path)
        form.add_error("code", _("That code is not right. Please check it and try again."))
    granted = _granted(request, transfer)
    return _receipt_page(
        request,
        "safeguarding/receive.html",
        {
            "transfer": transfer,
            "granted": granted,
            "form": form,
            "confirm_form": ConfirmReceiptForm(),
            "token": token,
            "names": file_names(transfer.reference),
        },
    )


def receive_file(request, token, kind):
    """One of the three sealed files, exactly as sent, for a browser that gave the code."""
    transfer = _transfer_or_404(token)
    if kind not in ("pdf", "json", "manifest"):
        raise Http404
    try:
        services.transfer_check_open(transfer)
    except services.LinkClosed as error:
        return _closed(request, error)
    if not _granted(request, transfer):
        return HttpResponseRedirect(reverse("safeguarding:receive", args=[token]))
    data = bytes(getattr(transfer, kind))
    content_type = "application/pdf" if kind == "pdf" else "application/json"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{file_names(transfer.reference)[kind]}"'
    )
    add_never_cache_headers(response)
    if request.user.is_authenticated:
        services.access_log_record(
            user=request.user,
            action=AccessAction.TRANSFER_DOWNLOAD,
            school=None,
            detail=f"transfer {transfer.pk} {kind}",
        )
    return response


@require_POST
def receive_confirm(request, token):
    """The receiving school confirms receipt; the link closes."""
    transfer = _transfer_or_404(token)
    try:
        services.transfer_check_open(transfer)
    except services.LinkClosed as error:
        return _closed(request, error)
    if not _granted(request, transfer):
        return _see_other(reverse("safeguarding:receive", args=[token]))
    form = ConfirmReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_confirm(
                transfer=transfer,
                name=form.cleaned_data["name"],
                school_name=form.cleaned_data["school_name"],
            )
        except services.LinkClosed as error:
            return _closed(request, error)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            request.session[GRANT_KEY] = [
                pk for pk in request.session.get(GRANT_KEY, []) if pk != transfer.pk
            ]
            request.session[DONE_KEY] = [*request.session.get(DONE_KEY, []), transfer.pk]
            return _see_other(reverse("safeguarding:receive", args=[token]))
    return _receipt_page(
        request,
        "safeguarding/receive.html",
        {
            "transfer": transfer,
            "granted": True,
            "form": CodeForm(),
            "confirm_form": form,
            "token": token,
            "names": file_names(transfer.reference),
        },
        status=400,
    )


# --- Importing a received file -------------------------------------------------------------------


@dsl_required
def record_import(request):
    """A DSL imports a child-protection file another Streamwise school sent them."""
    school = _lead_school(request.user)
    pupils = record_pupils(request.user).filter(school=school).order_by("display_name")
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        pupils=pupils,
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_import(
                school=school,
                user=request.user,
                json_bytes=form.cleaned_data["json_file"].read(),
                manifest_bytes=form.cleaned_data["manifest_file"].read(),
                pupil=form.cleaned_data["pupil"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "The file matched its manifest and is on the pupil's record as imported "
                    "history."
                ),
            )
            return _see_other(
                reverse("safeguarding:pupil_record", args=[record.pupil_id]) + "#imported"
            )
    return render(
        request,
        "safeguarding/import.html",
        {**_area_context(request), "form": form, "school": school, "at": timezone.now()},
    )
