"""Concerns, their append-only chronology, flags, notifications and the access log.

A concern's record is never edited or deleted: what was raised stays as it was raised, and
everything that happens afterwards is a new chronology entry (a correction is an entry that
points at the one it corrects). The models refuse updates and deletes themselves, and the
database refuses them too (triggers added in migration 0002).

Every read of concern data goes through a QuerySet method here (`visible_to`), so there is one
place that decides who sees what.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.models import SAFEGUARDING_ROLES, Pupil, School


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a safeguarding record."""


def lead_school_ids(user) -> list[int]:
    """The schools where a user is DSL or deputy DSL: the only schools whose safeguarding
    records they may open."""
    from schools.permissions import schools_where

    if not user.is_authenticated:
        return []
    return schools_where(user, *SAFEGUARDING_ROLES)


class AppendOnlyQuerySet(models.QuerySet):
    """A QuerySet whose rows may be added and read, never updated or deleted in bulk."""

    #: Fields a bulk update may change; none by default.
    mutable_fields: frozenset[str] = frozenset()

    def update(self, **kwargs):
        if not set(kwargs) <= self.mutable_fields:
            raise AppendOnlyError(f"{self.model.__name__} records cannot be changed.")
        return super().update(**kwargs)

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} records are never deleted.")

    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A model whose rows are written once. `MUTABLE_FIELDS` lists the state that may change.

    Override `MUTABLE_FIELDS` to allow `save(update_fields=[...])` of workflow state (a status,
    an acknowledgement time); everything else is fixed once the row exists.
    """

    MUTABLE_FIELDS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or not set(update_fields) <= self.MUTABLE_FIELDS:
                raise AppendOnlyError(
                    f"{type(self).__name__} records cannot be changed once written."
                )
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} records are never deleted.")


# --- Per-school configuration -------------------------------------------------------------------

DEFAULT_CATEGORIES = (
    _("Online grooming"),
    _("Sextortion / image-based abuse"),
    _("Live-streaming exposure"),
    _("Inappropriate contact"),
    _("Online bullying"),
    _("Other"),
)


class ConcernCategoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class ConcernCategory(models.Model):
    """A category a concern can be filed under. Each school keeps its own list.

    Categories are archived, never deleted, so old concerns keep theirs.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ConcernCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_category_per_school")
        ]
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")

    def __str__(self):
        return self.name


class ScreeningPhraseList(models.Model):
    """The phrases a school's DSLs want quiz free text screened for, one per line."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="+")
    phrases = models.TextField(_("phrases"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("screening phrase list")
        verbose_name_plural = _("screening phrase lists")

    def __str__(self):
        return str(self.school)

    @property
    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


# --- Concerns -------------------------------------------------------------------------------------


class ConcernSource(models.TextChoices):
    STAFF = "staff", _("Staff member")
    PUPIL = "pupil", _("Pupil, through “Talk to someone”")
    FLAG = "flag", _("Free-text screening, reviewed by a DSL")


class ConcernStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class Feeling(models.TextChoices):
    OK = "ok", _("OK")
    WORRIED = "worried", _("Worried")
    SAD = "sad", _("Sad")
    SCARED = "scared", _("Scared")
    ANGRY = "angry", _("Angry")
    UNSURE = "unsure", _("Not sure")


class TalkAbout(models.TextChoices):
    ONLINE = "online", _("Something online")
    SOMEONE_ONLINE = "someone_online", _("Someone I talk to online")
    PICTURES = "pictures", _("Pictures or videos")
    SCHOOL = "school", _("Something at school")
    HOME = "home", _("Something at home")
    OTHER = "other", _("Something else")


class TalkTo(models.TextChoices):
    TEACHER = "teacher", _("My teacher")
    OTHER_ADULT = "other_adult", _("Another grown-up at school")
    ANYONE = "anyone", _("I don't mind")


class ConcernQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset(
        {"status", "acknowledged_at", "acknowledged_by", "escalated_at", "closed_at", "updated_at"}
        # Triage: who is working on the case (changed only by `concern_assign`).
        | {"assigned_to"}
    )

    def visible_to(self, user):
        """Concerns whose case record a user may open.

        Every concern of the schools where the user is DSL or deputy DSL; nothing for anyone
        else. Teachers, school admins, content editors and superusers get nothing here: a
        teacher sees only the status of their own concerns (`raised_by`).
        """
        return self.filter(school_id__in=lead_school_ids(user))

    def raised_by(self, user):
        """The concerns a user raised: for showing them the status, never the case."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(raised_by=user)

    def unacknowledged(self):
        return self.filter(acknowledged_at__isnull=True)

    def inbox_order(self):
        """Most urgent first (immediate danger, then not yet acknowledged), then newest."""
        return self.order_by(
            "-immediate_danger",
            models.F("acknowledged_at").asc(nulls_first=True),
            "-created_at",
        )


class Concern(AppendOnlyModel):
    """A worry about a child, raised by a member of staff or by the child.

    What was raised is fixed; the status fields follow the chronology and are only changed by
    the services in `safeguarding.services`.
    """

    MUTABLE_FIELDS = ConcernQuerySet.mutable_fields

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(
        Pupil, on_delete=models.PROTECT, related_name="+", verbose_name=_("pupil")
    )
    source = models.CharField(_("raised by"), max_length=10, choices=ConcernSource.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what_happened = models.TextField(
        _("what happened, or what the child said in their own words"), blank=True
    )
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        ConcernCategory, blank=True, related_name="+", verbose_name=_("categories")
    )
    immediate_danger = models.BooleanField(_("child in immediate danger"), default=False)
    told_dsl_in_person = models.BooleanField(_("told a DSL in person"), default=False)
    feeling = models.CharField(_("feeling"), max_length=20, blank=True, choices=Feeling.choices)
    about = models.CharField(_("about"), max_length=20, blank=True, choices=TalkAbout.choices)
    talk_to = models.CharField(
        _("would like to talk to"), max_length=20, blank=True, choices=TalkTo.choices
    )
    flag = models.OneToOneField(
        "Flag", null=True, blank=True, on_delete=models.PROTECT, related_name="concern"
    )
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, editable=False)

    status = models.CharField(
        _("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.NEW
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Triage: the DSL or deputy working on the case (a chronology entry records each change).
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned to"),
    )

    involved_pupils = models.ManyToManyField(
        Pupil, through="ConcernPupilLink", related_name="+", blank=True
    )

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["raised_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_concern_submission",
            )
        ]
        indexes = [models.Index(fields=["school", "status", "created_at"])]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self):
        return _("Concern %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("safeguarding:case", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def escalation_due_at(self):
        from .. import conf

        return self.created_at + timedelta(minutes=conf.escalate_after_minutes())

    @property
    def is_overdue(self) -> bool:
        return not self.is_acknowledged and timezone.now() >= self.escalation_due_at


class ConcernPupilLink(AppendOnlyModel):
    """Another pupil involved in a concern, linked by a DSL (recorded in the chronology too)."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="links")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "pupil"], name="unique_pupil_link")
        ]
        verbose_name = _("linked pupil")
        verbose_name_plural = _("linked pupils")

    def __str__(self):
        return f"{self.pupil} ↔ {self.concern}"


class EntryKind(models.TextChoices):
    RAISED = "raised", _("Concern raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    NOTE = "note", _("Note")
    ACTION = "action", _("Action taken")
    DECISION = "decision", _("Decision")
    REFERRAL = "referral", _("External referral")
    PARENT_CONTACT = "parent_contact", _("Contact with parents or carers")
    OUTCOME = "outcome", _("Outcome")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    PUPIL_LINKED = "pupil_linked", _("Pupil linked")
    CORRECTION = "correction", _("Correction")
    # Records that follow the child (transfer part of issue 11)
    TRANSFER_SENT = "transfer_sent", _("File sent to a new school")
    TRANSFER_CONFIRMED = "transfer_received", _("New school confirmed receipt")
    LEGAL_HOLD = "legal_hold", _("Legal hold")
    # Casework (actions, attachments, links between cases)
    ACTION_ADDED = "action_added", _("Action set")
    ACTION_DONE = "action_done", _("Action completed")
    ACTION_DUE = "action_due", _("Action due")
    ATTACHMENT = "attachment", _("File attached")
    CASE_LINKED = "case_linked", _("Linked to a related case")
    # Triage
    CATEGORIES_CHANGED = "categories", _("Categories changed")
    ASSIGNED = "assigned", _("Assigned")


#: Entries Streamwise writes from a button press or by itself, with no words of anyone's to put
#: right: they are never offered a correction (a new category or assignment replaces them).
SYSTEM_ENTRY_KINDS = frozenset(
    {EntryKind.ACKNOWLEDGED, EntryKind.ESCALATED, EntryKind.CATEGORIES_CHANGED, EntryKind.ASSIGNED}
)


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", _("Children's social care / MASH")
    POLICE = "police", _("Police")
    CEOP = "ceop", _("CEOP")
    LADO = "lado", _("LADO")
    EARLY_HELP = "early_help", _("Early Help")
    OTHER = "other", _("Other")


class ReferralOutcome(models.TextChoices):
    """What came of an external referral (casework)."""

    NO_FURTHER_ACTION = "nfa", _("No further action")
    EARLY_HELP = "early_help", _("Early help")
    SECTION_17 = "section_17", _("Section 17 (child in need)")
    SECTION_47 = "section_47", _("Section 47 (child protection enquiry)")
    OTHER = "other", _("Other")


class ChronologyEntryQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(concern__school_id__in=lead_school_ids(user))


class ChronologyEntry(AppendOnlyModel):
    """One event in a concern's chronology: who did what, when. Written once, never changed."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="entries")
    number = models.PositiveIntegerField(_("entry number"))
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    text = models.TextField(_("details"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    agency = models.CharField(_("agency"), max_length=20, blank=True, choices=Agency.choices)
    agency_name = models.CharField(_("agency name"), max_length=200, blank=True)
    event_date = models.DateField(_("date"), null=True, blank=True)
    reference = models.CharField(_("reference number"), max_length=100, blank=True)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    # Casework: a referral's outcome, recorded with the referral or by a later "outcome" entry
    # that points at the referral (`referral`); neither is a correction.
    outcome = models.CharField(
        _("outcome"), max_length=20, blank=True, choices=ReferralOutcome.choices
    )
    outcome_at = models.DateTimeField(_("outcome decided at"), null=True, blank=True)
    referral = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="outcomes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for entries Streamwise writes itself, such as an escalation."),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    objects = ChronologyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["concern", "number"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "number"], name="unique_entry_number")
        ]
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")

    def __str__(self):
        return f"{self.concern} #{self.number}: {self.get_kind_display()}"

    @property
    def is_correctable(self) -> bool:
        """Whether "Correct this entry" applies: entries people wrote, not system entries."""
        return self.author_id is not None and self.kind not in SYSTEM_ENTRY_KINDS

    @property
    def agency_label(self) -> str:
        if self.agency == Agency.OTHER and self.agency_name:
            return self.agency_name
        return self.get_agency_display()


# --- Models kept in their own modules -----------------------------------------------------------
# Later parts of the record (actions, attachments, the child's details, transfers…) live in
# modules of this package, each imported below so that Django finds their models.
from .access_log import *  # noqa: E402,F403
from .casework import *  # noqa: E402,F403
from .child import *  # noqa: E402,F403
from .flags import *  # noqa: E402,F403
from .notifications import *  # noqa: E402,F403
from .school_settings import *  # noqa: E402,F403
from .transfer import *  # noqa: E402,F403
from .workers import *  # noqa: E402,F403
