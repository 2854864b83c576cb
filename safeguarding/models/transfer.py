"""Records that follow the child: a sealed child-protection file sent to the next school, and
files received from another school imported as history.

A transfer keeps its three files (PDF, JSON, manifest with SHA-256 hashes) exactly as they were
sealed when the DSL sent them. The receiving school opens them through a one-time link: the
URL holds a long random token (its hash is stored, never the token) and the page asks for a
short code passed on separately. Confirming receipt closes the link for good.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School

from . import AppendOnlyModel, AppendOnlyQuerySet, lead_school_ids

__all__ = ["RecordTransfer", "ImportedRecord"]


class RecordTransferQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset(
        {"code_failures", "confirmed_at", "confirmed_name", "confirmed_school", "first_opened_at"}
    )

    def visible_to(self, user):
        """Transfers sent by the schools where the user is DSL or deputy DSL."""
        return self.filter(school_id__in=lead_school_ids(user))

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)


class RecordTransfer(AppendOnlyModel):
    """A pupil's child-protection file, sealed and sent to their next school."""

    MUTABLE_FIELDS = RecordTransferQuerySet.mutable_fields

    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    destination_school = models.CharField(_("receiving school"), max_length=200)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    code_hash = models.CharField(max_length=128, editable=False)
    code_failures = models.PositiveSmallIntegerField(default=0)
    pdf = models.BinaryField(editable=False)
    json = models.BinaryField(editable=False)
    manifest = models.BinaryField(editable=False)
    manifest_sha256 = models.CharField(max_length=64, editable=False)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    confirmed_name = models.CharField(_("confirmed by"), max_length=200, blank=True)
    confirmed_school = models.CharField(_("at school"), max_length=200, blank=True)

    objects = RecordTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("record transfer")
        verbose_name_plural = _("record transfers")

    def __str__(self):
        return _("Transfer %(reference)s") % {"reference": self.reference}

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at


class ImportedRecordQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(school_id__in=lead_school_ids(user))


class ImportedRecord(AppendOnlyModel):
    """A child-protection file received from another school and imported, after its manifest
    hashes were checked, as history on the pupil's record. Kept exactly as received."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    from_school = models.CharField(_("from school"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now, editable=False)
    payload = models.JSONField()
    json_sha256 = models.CharField(max_length=64)
    manifest_sha256 = models.CharField(max_length=64)

    objects = ImportedRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "json_sha256"], name="unique_import_per_school"
            )
        ]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self):
        return _("Imported record %(number)s") % {"number": self.pk}

    @property
    def cases(self) -> list[dict]:
        return self.payload.get("cases", [])
