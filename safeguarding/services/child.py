"""The child's safeguarding details: legal name, date of birth, UPN, statuses, parents and carers,
leaving date and destination. Held only in the safeguarding record, versioned, never overwritten.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import Pupil

from ..models import ChildDetails, ChildDetailsSource
from .common import _require_lead

# The UPN check letter alphabet (DfE "Unique pupil numbers" guidance): 23 letters, no I, O, S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
DETAIL_FIELDS = (
    "legal_name",
    "date_of_birth",
    "upn",
    "child_protection_plan",
    "child_in_need",
    "looked_after",
    "send",
    "carers",
    "leaving_date",
    "destination_school",
)
CARER_KEYS = ("name", "relationship", "phone", "email", "notes")
MAX_CARERS = 6


def upn_check_letter(body: str) -> str:
    """The check letter for the last 12 characters of a UPN (weights 2 to 13, modulo 23).

    A temporary UPN ends in a letter: it counts as its place in the check letter alphabet.
    """
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else UPN_LETTERS.index(char))
    return UPN_LETTERS[total % 23]


def upn_clean(value: str) -> str:
    """A UPN in its stored form (upper case, no spaces), or a ValidationError saying what is
    wrong with it. An empty value is allowed: the UPN is optional."""
    upn = "".join(value.split()).upper()
    if not upn:
        return ""
    if len(upn) != 13:
        raise ValidationError(
            _("A UPN has 13 characters; this one has %(count)s. Please check it.")
            % {"count": len(upn)},
            code="upn_length",
        )
    first, middle, last = upn[0], upn[1:12], upn[12]
    if (
        first not in UPN_LETTERS
        or not middle.isdigit()
        or not (last.isdigit() or last in UPN_LETTERS)
    ):
        raise ValidationError(
            _(
                "A UPN starts with a letter, then has 11 digits, and ends with a digit (or a "
                "letter for a temporary UPN). Please check it."
            ),
            code="upn_format",
        )
    if upn_check_letter(upn[1:]) != first:
        raise ValidationError(
            _("This UPN's check letter does not match its digits: it may have been mistyped."),
            code="upn_check",
        )
    return upn


def _clean_carers(carers) -> list[dict]:
    cleaned = []
    for carer in carers or ():
        row = {key: str(carer.get(key) or "").strip()[:200] for key in CARER_KEYS}
        if any(row.values()):
            if not row["name"]:
                raise ValidationError(
                    {"carers": _("Each parent or carer needs a name (or leave the row empty).")}
                )
            cleaned.append(row)
    if len(cleaned) > MAX_CARERS:
        raise ValidationError(
            {"carers": _("Up to %(max)s parents or carers.") % {"max": MAX_CARERS}}
        )
    return cleaned


def _validate(values: dict) -> dict:
    errors = {}
    try:
        values["upn"] = upn_clean(values.get("upn") or "")
    except ValidationError as error:
        errors["upn"] = error.messages
    born = values.get("date_of_birth")
    today = timezone.localdate()
    if born and (born > today or born.year < today.year - 60):
        errors["date_of_birth"] = [_("Please check the date of birth.")]
    left = values.get("leaving_date")
    if born and left and left < born:
        errors["leaving_date"] = [_("The leaving date is before the date of birth.")]
    values["legal_name"] = (values.get("legal_name") or "").strip()
    values["destination_school"] = (values.get("destination_school") or "").strip()
    if len(values["legal_name"]) > 200:
        errors["legal_name"] = [_("Please keep the name under 200 characters.")]
    if len(values["destination_school"]) > 200:
        errors["destination_school"] = [_("Please keep the school's name under 200 characters.")]
    try:
        values["carers"] = _clean_carers(values.get("carers"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def child_details_current(*, pupil: Pupil) -> ChildDetails | None:
    """The newest version of a child's details, or None when nothing has been recorded."""
    return ChildDetails.objects.current_for(pupil)


@transaction.atomic
def child_details_update(
    *,
    pupil: Pupil,
    user=None,
    source: str = ChildDetailsSource.DSL,
    **changes,
) -> ChildDetails:
    """Record a new version of a child's safeguarding details; return the current version.

    `changes` holds any of `DETAIL_FIELDS`; the fields not given keep their current values, so
    a roster sync can send only what it knows (`user=None, source=ChildDetailsSource.SYNC`,
    e.g. `child_details_update(pupil=p, source="sync", upn="…", date_of_birth=date(…))`).
    A person must be a DSL or deputy DSL of the pupil's school. The UPN is checked (13
    characters, check letter) and dates must make sense: a ValidationError names the fields.
    When nothing changes, no version is written (a double submit is harmless). The previous
    versions stay as they were: the history shows who changed what, and when.
    """
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"Unknown child detail fields: {sorted(unknown)}")
    if user is not None:
        _require_lead(user, pupil.school)
    elif source == ChildDetailsSource.DSL:
        raise ValueError("A change by a safeguarding lead names the lead.")
    # Lock the pupil's row so two saves number their versions one after the other.
    Pupil.objects.select_for_update().filter(pk=pupil.pk).first()
    current = ChildDetails.objects.current_for(pupil)
    values = {name: getattr(current, name) if current else None for name in DETAIL_FIELDS}
    for name in ("child_protection_plan", "child_in_need", "looked_after", "send"):
        values[name] = bool(values[name])
    values["carers"] = list(values["carers"] or [])
    values.update(changes)
    values = _validate(values)
    for name in ("child_protection_plan", "child_in_need", "looked_after", "send"):
        values[name] = bool(values[name])
    for name in ("upn", "legal_name", "destination_school"):
        values[name] = values[name] or ""
    if current is not None and all(getattr(current, n) == values[n] for n in DETAIL_FIELDS):
        return current
    return ChildDetails.objects.create(
        school=pupil.school,
        pupil=pupil,
        version=(current.version + 1) if current else 1,
        source=source,
        recorded_by=user,
        **values,
    )


def child_details_changes(*, pupil: Pupil) -> list[dict]:
    """Each version with the fields it changed from the one before, newest first."""
    versions = list(
        ChildDetails.objects.filter(pupil=pupil).select_related("recorded_by").order_by("version")
    )
    history, before = [], None
    for version in versions:
        changed = [
            str(ChildDetails._meta.get_field(name).verbose_name)
            for name in DETAIL_FIELDS
            if before is None or getattr(before, name) != getattr(version, name)
        ]
        history.append({"version": version, "changed": changed})
        before = version
    return list(reversed(history))


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
