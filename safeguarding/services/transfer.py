"""Sending a pupil's child-protection file to their next school, and importing one received.

The file is sealed when it is sent: a PDF for people (WeasyPrint renders the same HTML as the
printable export), a JSON document for machines, and a manifest holding the SHA-256 hash and
size of both. The three are stored with the transfer and never rebuilt, so what the receiving
school downloads is exactly what was sent. A receiving school that runs Streamwise uploads the
JSON and the manifest; the hashes are checked before anything is written.

The one-time link carries a random token (256 bits); only its hash is stored. The page also asks
for a short code the DSL passes on separately; five wrong codes close the link. Confirming
receipt closes it too, and writes an entry in the chronology of every case sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from schools.models import Pupil, School

from ..models import (
    AccessAction,
    ChildDetails,
    ChildDetailsSource,
    ChronologyEntry,
    Concern,
    ConcernPupilLink,
    EntryKind,
    ImportedRecord,
    RecordTransfer,
)
from .access_log import access_log_record
from .child import DETAIL_FIELDS, child_details_update
from .common import _display_name, _entry_add, _lock, _require_lead

FORMAT = "streamwise.child-protection-file"
MANIFEST_FORMAT = "streamwise.child-protection-file.manifest"
FORMAT_VERSION = 1
LINK_LIFETIME = timedelta(days=30)
MAX_CODE_FAILURES = 5
SCHOOL_DAYS_EXPECTED = 5
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def file_names(reference: str) -> dict[str, str]:
    """The files' names: the transfer's reference only, never anything about the child."""
    stem = f"child-protection-file-{reference}"
    return {"pdf": f"{stem}.pdf", "json": f"{stem}.json", "manifest": f"{stem}.manifest.json"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def token_hash(token: str) -> str:
    return sha256(token.encode())


def _code_hash(code: str, token: str) -> str:
    return salted_hmac(
        "streamwise.transfer.code", f"{token}:{code}", algorithm="sha256"
    ).hexdigest()


def school_days_between(start: date, end: date) -> int:
    """Weekdays after `start` up to and including `end` (school holidays are not known here)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


def transfer_is_late(transfer: RecordTransfer) -> bool:
    """Not confirmed within the 5 school days Keeping Children Safe in Education expects."""
    sent = timezone.localdate(transfer.sent_at)
    return (
        not transfer.is_confirmed
        and school_days_between(sent, timezone.localdate()) > SCHOOL_DAYS_EXPECTED
    )


# --- Building the file ---------------------------------------------------------------------------


def _cases(pupil: Pupil) -> list[Concern]:
    """The cases about this pupil (not other children's cases the pupil is linked to)."""
    from django.db.models import Prefetch

    return list(
        Concern.objects.filter(pupil=pupil)
        .select_related("pupil", "school", "raised_by", "acknowledged_by")
        .prefetch_related(
            "categories",
            Prefetch("links", queryset=ConcernPupilLink.objects.select_related("pupil")),
            Prefetch(
                "entries",
                queryset=ChronologyEntry.objects.select_related(
                    "author", "corrects"
                ).prefetch_related("corrections"),
            ),
        )
        .order_by("created_at")
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _child_json(pupil: Pupil, details: ChildDetails | None) -> dict:
    child = {"display_name": pupil.display_name, "year_group": pupil.year_group}
    for name in DETAIL_FIELDS:
        value = getattr(details, name) if details else None
        child[name] = _iso(value) if isinstance(value, date) else value
    return child


def _case_json(concern: Concern) -> dict:
    return {
        "number": concern.pk,
        "raised_at": _iso(concern.created_at),
        "source": concern.get_source_display(),
        "raised_by": "" if concern.source == "pupil" else _display_name(concern.raised_by),
        "status": concern.get_status_display(),
        "categories": [category.name for category in concern.categories.all()],
        "immediate_danger": concern.immediate_danger,
        "occurred_at": _iso(concern.occurred_at),
        "location": concern.location,
        "what_happened": concern.what_happened,
        "feeling": concern.get_feeling_display(),
        "entries": [
            {
                "number": entry.number,
                "kind": entry.kind,
                "kind_label": entry.get_kind_display(),
                "recorded_at": _iso(entry.created_at),
                "by": _display_name(entry.author),
                "text": entry.text,
                "reason": entry.reason,
                "agency": entry.agency_label if entry.agency else "",
                "reference": entry.reference,
                "event_date": _iso(entry.event_date),
                "corrects": entry.corrects.number if entry.corrects_id else None,
            }
            for entry in concern.entries.all()
        ],
    }


def _no_fetching(url, *args, **kwargs):
    """The PDF is made offline from our own template: WeasyPrint may fetch nothing at all."""
    raise ValueError("Sealed files load no external resources.")


@dataclass(frozen=True)
class SealedFile:
    pdf: bytes
    json: bytes
    manifest: bytes


def _seal(
    *, reference: str, pupil: Pupil, destination: str, user, sent_at, details, cases
) -> SealedFile:
    import weasyprint

    document = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "transfer": {
            "reference": reference,
            "sent_at": _iso(sent_at),
            "from_school": pupil.school.name,
            "to_school": destination,
            "sent_by": _display_name(user),
        },
        "child": _child_json(pupil, details),
        "cases": [_case_json(concern) for concern in cases],
    }
    json_bytes = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode()
    html = render_to_string(
        "safeguarding/transfer_pdf.html",
        {
            "reference": reference,
            "pupil": pupil,
            "school": pupil.school,
            "child": details,
            "concerns": cases,
            "destination": destination,
            "sent_at": sent_at,
            "sent_by": _display_name(user),
        },
    )
    pdf_bytes = weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    names = file_names(reference)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": FORMAT_VERSION,
        "transfer": reference,
        "algorithm": "sha256",
        "files": [
            {"name": names["json"], "sha256": sha256(json_bytes), "bytes": len(json_bytes)},
            {"name": names["pdf"], "sha256": sha256(pdf_bytes), "bytes": len(pdf_bytes)},
        ],
    }
    manifest_bytes = json.dumps(manifest, indent=2).encode()
    return SealedFile(pdf=pdf_bytes, json=json_bytes, manifest=manifest_bytes)


@dataclass(frozen=True)
class SentTransfer:
    """A new transfer and the secrets to pass on: shown once, never stored."""

    transfer: RecordTransfer
    token: str
    code: str


@transaction.atomic
def transfer_send(*, pupil: Pupil, user, destination_school: str) -> SentTransfer:
    """Seal the pupil's child-protection file and open a one-time link for the new school.

    In one transaction: the transfer with its three files, a "file sent" entry (with the date
    sent) in the chronology of every case about the pupil, and an access log entry. The token
    and code are returned once for the DSL to pass on; only their hashes are kept.
    """
    _require_lead(user, pupil.school)
    destination = (destination_school or "").strip()
    if not destination:
        raise ValidationError({"destination_school": _("Name the school the pupil is moving to.")})
    if len(destination) > 200:
        raise ValidationError(
            {"destination_school": _("Please keep the school's name under 200 characters.")}
        )
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    details = ChildDetails.objects.current_for(pupil)
    cases = _cases(pupil)
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    reference = "T" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(9))
    sent_at = timezone.now()
    sealed = _seal(
        reference=reference,
        pupil=pupil,
        destination=destination,
        user=user,
        sent_at=sent_at,
        details=details,
        cases=cases,
    )
    transfer = RecordTransfer.objects.create(
        reference=reference,
        school=pupil.school,
        pupil=pupil,
        destination_school=destination,
        sent_by=user,
        sent_at=sent_at,
        expires_at=sent_at + LINK_LIFETIME,
        token_hash=token_hash(token),
        code_hash=_code_hash(code, token),
        pdf=sealed.pdf,
        json=sealed.json,
        manifest=sealed.manifest,
        manifest_sha256=sha256(sealed.manifest),
    )
    for concern in cases:
        _entry_add(
            concern=_lock(concern),
            kind=EntryKind.TRANSFER_SENT,
            author=user,
            text=_(
                "Child-protection file sent to %(school)s (transfer %(reference)s), "
                "separately from the main pupil file. Waiting for the new school to confirm "
                "receipt."
            )
            % {"school": destination, "reference": reference},
            event_date=timezone.localdate(sent_at),
        )
    access_log_record(
        user=user,
        action=AccessAction.TRANSFER_SEND,
        pupil=pupil,
        detail=f"transfer {transfer.pk}",
    )
    return SentTransfer(transfer=transfer, token=token, code=code)


# --- The receiving school's one-time link --------------------------------------------------------


class LinkClosed(Exception):
    """The link was used (receipt confirmed), has expired, or was closed by wrong codes."""

    def __init__(self, transfer: RecordTransfer, why: str):
        super().__init__(why)
        self.transfer = transfer
        self.why = why


def transfer_for_token(token: str) -> RecordTransfer | None:
    """The transfer a link's token opens, or None (an unknown or malformed token)."""
    if not token or len(token) > 100:
        return None
    return RecordTransfer.objects.filter(token_hash=token_hash(token)).first()


def transfer_check_open(transfer: RecordTransfer) -> None:
    """Raise LinkClosed when the link may no longer be used, saying why."""
    if transfer.is_confirmed:
        raise LinkClosed(transfer, "confirmed")
    if transfer.code_failures >= MAX_CODE_FAILURES:
        raise LinkClosed(transfer, "locked")
    if transfer.is_expired:
        raise LinkClosed(transfer, "expired")


@transaction.atomic
def transfer_code_check(*, transfer: RecordTransfer, token: str, code: str) -> bool:
    """Check the code passed on with the link. Wrong codes are counted; the fifth closes it."""
    transfer = RecordTransfer.objects.select_for_update().get(pk=transfer.pk)
    transfer_check_open(transfer)
    given = "".join((code or "").split()).upper()[: CODE_LENGTH * 2]
    if hmac.compare_digest(_code_hash(given, token), transfer.code_hash):
        if transfer.first_opened_at is None:
            transfer.first_opened_at = timezone.now()
            transfer.save(update_fields=["first_opened_at"])
        return True
    transfer.code_failures += 1
    transfer.save(update_fields=["code_failures"])
    return False


@transaction.atomic
def transfer_confirm(*, transfer: RecordTransfer, name: str, school_name: str) -> RecordTransfer:
    """The receiving school confirms receipt: recorded, with an entry in the chronology of every
    case sent, and the link closes for good. Confirming twice raises LinkClosed."""
    name, school_name = (name or "").strip(), (school_name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Please give your name, so the sending school knows who has the file.")
    if not school_name:
        errors["school_name"] = _("Please give your school's name.")
    if len(name) > 200 or len(school_name) > 200:
        errors.setdefault("name", _("Please keep names under 200 characters."))
    if errors:
        raise ValidationError(errors)
    transfer = RecordTransfer.objects.select_for_update().get(pk=transfer.pk)
    transfer_check_open(transfer)
    transfer.confirmed_at = timezone.now()
    transfer.confirmed_name, transfer.confirmed_school = name, school_name
    transfer.save(update_fields=["confirmed_at", "confirmed_name", "confirmed_school"])
    for concern in Concern.objects.filter(pupil_id=transfer.pupil_id).order_by("pk"):
        if not concern.entries.filter(
            kind=EntryKind.TRANSFER_SENT, text__contains=transfer.reference
        ).exists():
            continue
        _entry_add(
            concern=_lock(concern),
            kind=EntryKind.TRANSFER_CONFIRMED,
            author=None,
            text=_("%(name)s at %(school)s confirmed receipt of transfer %(reference)s.")
            % {"name": name, "school": school_name, "reference": transfer.reference},
            event_date=timezone.localdate(transfer.confirmed_at),
        )
    return transfer


# --- Importing a file received from another school -----------------------------------------------


def _load_json(data: bytes, *, field: str, what: str) -> dict:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError(
            {field: _("This is not the %(what)s file.") % {"what": what}}
        ) from None
    if not isinstance(value, dict):
        raise ValidationError(
            {field: _("This is not the %(what)s file.") % {"what": what}}
        ) from None
    return value


def transfer_file_verify(*, json_bytes: bytes, manifest_bytes: bytes) -> dict:
    """Check a received JSON file against its manifest; return the parsed file.

    A ValidationError says plainly what is wrong: not the right files, or a hash that does not
    match (the file was changed or damaged after it was sealed).
    """
    for data, field in ((json_bytes, "json_file"), (manifest_bytes, "manifest_file")):
        if len(data) > MAX_IMPORT_BYTES:
            raise ValidationError({field: _("This file is too large to be a Streamwise file.")})
    manifest = _load_json(manifest_bytes, field="manifest_file", what=_("manifest"))
    if manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("files"), list):
        raise ValidationError({"manifest_file": _("This is not a Streamwise manifest file.")})
    document = _load_json(json_bytes, field="json_file", what=_("JSON"))
    if document.get("format") != FORMAT:
        raise ValidationError(
            {"json_file": _("This is not a Streamwise child-protection file (JSON).")}
        )
    reference = str(document.get("transfer", {}).get("reference", ""))
    expected = file_names(reference)["json"] if reference else None
    listed = [
        item
        for item in manifest["files"]
        if isinstance(item, dict) and item.get("name") == expected
    ]
    if manifest.get("transfer") != reference or not listed:
        raise ValidationError(
            {"manifest_file": _("This manifest belongs to a different transfer.")}
        )
    if not hmac.compare_digest(str(listed[0].get("sha256", "")), sha256(json_bytes)):
        raise ValidationError(
            {
                "json_file": _(
                    "The file does not match its manifest: it has been changed or damaged since "
                    "it was sent. Nothing was imported. Ask the sending school for the file again."
                )
            }
        )
    if not isinstance(document.get("child"), dict) or not isinstance(document.get("cases"), list):
        raise ValidationError({"json_file": _("The file is incomplete.")})
    return document


def _unique_display_name(school: School, wanted: str) -> str:
    base = (wanted or _("New pupil")).strip()[:50]
    name, number = base, 2
    while Pupil.objects.filter(school=school, display_name=name).exists():
        name, number = f"{base} ({number})", number + 1
    return name


@transaction.atomic
def record_import(
    *,
    school: School,
    user,
    json_bytes: bytes,
    manifest_bytes: bytes,
    pupil: Pupil | None = None,
) -> ImportedRecord:
    """Import a child-protection file sent by another school running Streamwise.

    The manifest's hash is checked first (`transfer_file_verify`); a changed file imports
    nothing. The file is kept as received, as history on the pupil's record. `pupil` is an
    existing pupil of the school; without one a pupil record is created from the file (no
    class yet: the school admin adds them to one). The child's details fill the safeguarding
    record when it has none yet. Importing the same file twice returns the first import.
    """
    from schools.services import pupil_create

    _require_lead(user, school)
    document = transfer_file_verify(json_bytes=json_bytes, manifest_bytes=manifest_bytes)
    json_hash = sha256(json_bytes)
    existing = ImportedRecord.objects.filter(school=school, json_sha256=json_hash).first()
    if existing is not None:
        return existing
    if pupil is not None and pupil.school_id != school.pk:
        raise ValidationError({"pupil": _("Choose a pupil of your school.")})
    child = document["child"]
    if pupil is None:
        try:
            year_group = int(child.get("year_group"))
        except (TypeError, ValueError):
            year_group = 7
        year_group = min(max(year_group, 1), 13)
        pupil = pupil_create(
            school=school,
            display_name=_unique_display_name(school, str(child.get("display_name") or "")),
            year_group=year_group,
        ).pupil
    try:
        with transaction.atomic():
            record = ImportedRecord.objects.create(
                school=school,
                pupil=pupil,
                from_school=str(document["transfer"].get("from_school", ""))[:200],
                imported_by=user,
                payload=document,
                json_sha256=json_hash,
                manifest_sha256=sha256(manifest_bytes),
            )
    except IntegrityError:
        return ImportedRecord.objects.get(school=school, json_sha256=json_hash)
    if ChildDetails.objects.current_for(pupil) is None:
        changes = {}
        for name in DETAIL_FIELDS:
            value = child.get(name)
            if name in ("date_of_birth", "leaving_date") and value:
                try:
                    value = date.fromisoformat(value)
                except (TypeError, ValueError):
                    value = None
            if value not in (None, ""):
                changes[name] = value
        try:
            with transaction.atomic():
                child_details_update(
                    pupil=pupil, user=user, source=ChildDetailsSource.IMPORT, **changes
                )
        except (ValidationError, TypeError):
            pass  # the record keeps the file as received; the DSL enters the details
    access_log_record(
        user=user, action=AccessAction.IMPORT_RECORD, pupil=pupil, detail=f"import {record.pk}"
    )
    return record
