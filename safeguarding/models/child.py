"""What the DSL needs to know about the child, held only in the safeguarding record.

The details are versioned: every change is a new `ChildDetails` row (who, when, from where) and
the newest row is the current one. Nothing is overwritten, so the record shows what was known
at any time. Only the school's DSLs and deputies read them (`visible_to`); nothing here is
shown outside the safeguarding area.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import Pupil, School

from . import AppendOnlyModel, AppendOnlyQuerySet, lead_school_ids

__all__ = ["ChildDetails", "ChildDetailsSource", "RetentionPolicy", "LegalHold"]


class ChildDetailsSource(models.TextChoices):
    DSL = "dsl", _("Entered by a safeguarding lead")
    SYNC = "sync", _("Roster sync")
    IMPORT = "import", _("Imported with a transferred file")


class ChildDetailsQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        """Details of pupils of the schools where the user is DSL or deputy DSL."""
        return self.filter(school_id__in=lead_school_ids(user))

    def current_for(self, pupil: Pupil) -> ChildDetails | None:
        return self.filter(pupil=pupil).order_by("-version").first()


class ChildDetails(AppendOnlyModel):
    """One version of a child's safeguarding details. The newest version is the current one."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    upn = models.CharField(_("UPN (unique pupil number)"), max_length=13, blank=True)
    child_protection_plan = models.BooleanField(_("child protection plan"), default=False)
    child_in_need = models.BooleanField(_("child in need"), default=False)
    looked_after = models.BooleanField(_("looked-after child"), default=False)
    send = models.BooleanField(_("special educational needs or disability (SEND)"), default=False)
    #: A list of {"name", "relationship", "phone", "email", "notes"}: parents and carers.
    carers = models.JSONField(_("parents and carers"), default=list, blank=True)
    leaving_date = models.DateField(_("leaving date"), null=True, blank=True)
    destination_school = models.CharField(_("destination school"), max_length=200, blank=True)
    source = models.CharField(
        max_length=10, choices=ChildDetailsSource.choices, default=ChildDetailsSource.DSL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a roster sync."),
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ChildDetailsQuerySet.as_manager()

    class Meta:
        ordering = ["pupil", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "version"], name="unique_child_details_version"
            )
        ]
        verbose_name = _("child's safeguarding details")
        verbose_name_plural = _("children's safeguarding details")

    def __str__(self):
        return f"{self.pupil_id} v{self.version}"

    @property
    def statuses(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("child_protection_plan", "child_in_need", "looked_after", "send")
            if getattr(self, name)
        ]

    @property
    def twenty_fifth_birthday(self) -> date | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        try:
            return born.replace(year=born.year + 25)
        except ValueError:  # born on 29 February
            return born.replace(year=born.year + 25, day=28)


class RetentionPolicy(models.Model):
    """How long a school keeps a leaver's safeguarding record when their date of birth is not
    known: this many years after the leaving date. With a date of birth, the record is kept
    until the pupil's 25th birthday whatever this says."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    years_after_leaving = models.PositiveSmallIntegerField(
        _("years to keep after leaving, when the date of birth is not known"),
        default=20,
        help_text=_(
            "20 years keeps the record past the 25th birthday of any primary-age leaver. A "
            "secondary school may choose fewer."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self):
        return str(self.school)


class LegalHoldQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset({"lifted_at", "lifted_by", "lift_reason"})

    def visible_to(self, user):
        return self.filter(school_id__in=lead_school_ids(user))

    def active(self):
        return self.filter(lifted_at__isnull=True)


class LegalHold(AppendOnlyModel):
    """A legal hold on a pupil's safeguarding record: while it is in place nothing of the
    record may be deleted, whatever its retention date (an inquiry, a court case)."""

    MUTABLE_FIELDS = LegalHoldQuerySet.mutable_fields

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now, editable=False)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self):
        return f"{self.pupil_id}: {self.placed_at:%Y-%m-%d}"
