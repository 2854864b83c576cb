"""The access log: who viewed, searched or exported safeguarding records (a hash chain)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School

from . import AppendOnlyModel, AppendOnlyQuerySet, Concern, lead_school_ids
from .flags import Flag

__all__ = [
    "AccessAction",
    "AccessLogEntryQuerySet",
    "AccessLogEntry",
    "AccessLogHead",
]


# --- Access log ------------------------------------------------------------------------------


class AccessAction(models.TextChoices):
    VIEW_CASE = "view_case", _("Viewed the case")
    VIEW_PUPIL_RECORD = "view_pupil", _("Viewed the pupil's record")
    VIEW_FLAG = "view_flag", _("Viewed a flag")
    SEARCH = "search", _("Searched")
    EXPORT_CASE = "export_case", _("Exported the case")
    EXPORT_PUPIL_RECORD = "export_pupil", _("Exported the pupil's record")
    DENIED = "denied", _("Tried to open it without access")
    # Records that follow the child (transfer part of issue 11)
    VIEW_CHILD_DETAILS = "view_child", _("Viewed the child's details")
    TRANSFER_SEND = "transfer_send", _("Sent the file to a new school")
    TRANSFER_DOWNLOAD = "transfer_get", _("Downloaded a transferred file")
    IMPORT_RECORD = "import_record", _("Imported a file from another school")
    VIEW_ATTACHMENT = "view_attachment", _("Opened an attachment")  # casework


class AccessLogEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        """Access records of the schools where the user is DSL or deputy DSL."""
        return self.filter(school_id__in=lead_school_ids(user))


class AccessLogEntry(AppendOnlyModel):
    """Who looked at, searched or exported safeguarding records, and when.

    Entries form a chain: each one's `entry_hash` is an HMAC over its own fields and the hash
    of the entry before it, so changing, removing or reordering any entry breaks every hash
    after it (`manage.py verify_access_log`).
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_label = models.CharField(max_length=300)
    superuser = models.BooleanField(default=False)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="access_log"
    )
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")

    def __str__(self):
        return f"#{self.seq} {self.user_label} {self.action}"


class AccessLogHead(models.Model):
    """The newest link of the access log chain (one row). Appending locks it, so entries are
    written one at a time, and it lets verification notice entries cut from the end."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log head")
        verbose_name_plural = _("access log head")

    def __str__(self):
        return f"#{self.seq}"
