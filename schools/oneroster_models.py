"""What a OneRoster sync keeps between runs (see schools.oneroster).

`MisLink` remembers which pupil or class a OneRoster sourcedId stands for, so the next term's
file matches the same people and classes. `RosterUpload` keeps an uploaded zip, privately in the
database, between its preview and its apply; once applied, the file is dropped and the row stays
as a record of who synced what and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MisLink(models.Model):
    """One MIS record (a OneRoster sourcedId) linked to a pupil or a class of a school."""

    SOURCE_ONEROSTER = "oneroster"
    SOURCE_WONDE = "wonde"  # a Wonde id (schools.wonde)

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=20, default=SOURCE_ONEROSTER)
    sourced_id = models.CharField(max_length=255)
    pupil = models.OneToOneField(
        "schools.Pupil", null=True, blank=True, on_delete=models.CASCADE, related_name="mis_link"
    )
    teaching_group = models.OneToOneField(
        "schools.TeachingGroup",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="mis_link",
    )
    # The MIS's own identifier for a pupil when the source gave one (OneRoster users.csv
    # `identifier`: a UPN or the MIS record id in SDS and Xporter exports). A school that moves
    # from OneRoster to Wonde is matched on it (schools.wonde.matching).
    identifier = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "source", "sourced_id"], name="unique_mis_link"
            ),
            models.CheckConstraint(
                condition=Q(pupil__isnull=True) ^ Q(teaching_group__isnull=True),
                name="mis_link_pupil_or_class",
            ),
        ]
        verbose_name = _("MIS link")
        verbose_name_plural = _("MIS links")

    def __str__(self):
        return f"{self.source}:{self.sourced_id}"


class RosterUpload(models.Model):
    """An uploaded OneRoster zip waiting to be applied (or the record that it was)."""

    key = models.CharField(max_length=64, unique=True)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")

    def __str__(self):
        return self.filename
