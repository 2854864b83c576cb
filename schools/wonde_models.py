"""What a Wonde sync keeps (see schools.wonde).

`WondeConnection` is one school's link to Wonde: the Wonde school id and the school's API token,
kept encrypted (never shown again in full, never logged). `WondeSync` is one run: queued, running,
waiting for the admin's check (the first sync), applied or failed; the rows are the change log the
admin reads. A sync waiting for a check holds what Wonde sent until it is applied; an applied or
failed sync keeps only its counts and, when it failed, why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WondeConnection(models.Model):
    """A school's Wonde token and school id. Nightly syncs run once the first one is applied."""

    class GroupsFrom(models.TextChoices):
        """Where Streamwise's classes (teaching groups) come from in Wonde."""

        CLASSES = "classes", _("Wonde classes (timetabled classes)")
        REGISTRATION = "registration", _("Registration groups (forms)")
        BOTH = "both", _("Both classes and registration groups")

    school = models.OneToOneField(
        "schools.School", on_delete=models.CASCADE, related_name="wonde_connection"
    )
    wonde_school_id = models.CharField(_("Wonde school id"), max_length=64)
    token_encrypted = models.TextField(editable=False)
    token_hint = models.CharField(max_length=8, editable=False)  # the last 4 characters
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the admin applied the first sync's preview: from then on syncs apply by themselves.
    approved_at = models.DateTimeField(null=True, blank=True)
    # Names the one nightly task allowed to run; an older one scheduled before a reconnect skips.
    schedule_key = models.CharField(max_length=64, blank=True, editable=False)
    next_sync_at = models.DateTimeField(null=True, blank=True)
    # A primary school's "class" in the MIS is often its registration group (form).
    groups_from = models.CharField(
        _("Classes come from"),
        max_length=12,
        choices=GroupsFrom.choices,
        default=GroupsFrom.CLASSES,
    )

    class Meta:
        verbose_name = _("Wonde connection")
        verbose_name_plural = _("Wonde connections")

    def __str__(self):
        return f"Wonde {self.wonde_school_id}"


class WondeSync(models.Model):
    """One sync with Wonde, and the change-log line it leaves."""

    class Trigger(models.TextChoices):
        FIRST = "first", _("First sync")
        MANUAL = "manual", _("Sync now")
        NIGHTLY = "nightly", _("Nightly")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Fetching from Wonde")
        PREVIEW = "preview", _("Ready for you to check")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed: nothing was changed")
        SUPERSEDED = "superseded", _("Not applied (a newer sync replaced it)")

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True, editable=False)  # only while a preview
    summary = models.JSONField(default=dict, blank=True)  # counts of new, moved, leaving…
    message = models.TextField(blank=True)  # why it failed, for the admin

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Wonde sync")
        verbose_name_plural = _("Wonde syncs")

    def __str__(self):
        return f"Wonde sync {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
