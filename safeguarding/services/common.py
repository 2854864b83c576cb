"""Helpers shared by the safeguarding services: validation, leads, row locks, the chronology."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from schools.models import SAFEGUARDING_ROLES, School
from schools.permissions import is_safeguarding_lead

from .. import conf
from ..models import (
    ChronologyEntry,
    Concern,
    EntryKind,
)

logger = logging.getLogger("streamwise.safeguarding")

FLAG_EXCERPT_MAX_CHARS = 2000
# How long one attempt to send an email may hold its delivery before another may try.
DELIVERY_CLAIM = timedelta(minutes=5)
# A delivery whose retry is this late is taken to have lost its task (a worker killed
# mid-task) and is given a new one by `deliveries_requeue_stale`.
DELIVERY_STALE_AFTER = timedelta(minutes=5)
ACCESS_LOG_GENESIS = "0" * 64

DSL_ENTRY_KINDS = (
    EntryKind.NOTE,
    EntryKind.ACTION,
    EntryKind.DECISION,
    EntryKind.REFERRAL,
    EntryKind.PARENT_CONTACT,
    EntryKind.OUTCOME,
    EntryKind.CORRECTION,
)


# --- Helpers ----------------------------------------------------------------------------------


def text_too_long_message(*, limit: int, length: int) -> str:
    return _(
        "This is too long to save: %(length)s characters, and the most is %(limit)s. Please "
        "shorten it; nothing has been saved yet."
    ) % {"length": f"{length:,}", "limit": f"{limit:,}"}


def _check_length(value: str, *, field_name: str, limit: int | None = None) -> None:
    limit = limit or conf.text_max_chars()
    if value and len(value) > limit:
        raise ValidationError({field_name: text_too_long_message(limit=limit, length=len(value))})


def _users_with_roles(school: School, *roles: str) -> list:
    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_memberships__school=school,
            staff_memberships__role__in=roles,
        )
        .distinct()
        .order_by("pk")
    )


def safeguarding_leads(*, school: School) -> list:
    """The school's DSLs and deputy DSLs: everyone told about a new concern."""
    return _users_with_roles(school, *SAFEGUARDING_ROLES)


def _require_lead(user, school: School) -> None:
    if not is_safeguarding_lead(user, school=school):
        raise PermissionDenied(_("Only the school's safeguarding leads can do this."))


def _lock(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _entry_add(*, concern: Concern, kind: str, author, **fields) -> ChronologyEntry:
    """Append an entry (the caller holds the concern's row lock, so numbers never clash)."""
    last = ChronologyEntry.objects.filter(concern=concern).aggregate(last=Max("number"))["last"]
    return ChronologyEntry.objects.create(
        concern=concern, number=(last or 0) + 1, kind=kind, author=author, **fields
    )


def _concern_save(concern: Concern, *fields: str) -> None:
    concern.updated_at = timezone.now()
    concern.save(update_fields=[*fields, "updated_at"])


def _display_name(user) -> str:
    if user is None:
        return _("Streamwise")
    return user.get_full_name() or user.email or user.get_username()


def save_once(record, *, key: dict | None):
    """Save a new row that a unique key makes single (a submission id, a source key), and
    return it; when a double submit saved the same key first, return that row instead.

    `key` names the unique lookup (e.g. {"raised_by": user, "idempotency_key": id}); with no
    key (None) there is no race to lose and an IntegrityError is a real error.
    """
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        if key is None:
            raise
        return type(record).objects.get(**key)
    return record
