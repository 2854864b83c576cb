"""Concerns, their append-only chronology, flags, notifications and the access log.

A concern's record is never edited or deleted: what was raised stays as it was raised, and
everything that happens afterwards is a new chronology entry (a correction is an entry that
points at the one it corrects). The models refuse updates and deletes themselves, and the
database refuses them too (triggers added in migration 0002).

Every read of concern data goes through a QuerySet method here (`visible_to`), so there is one
place that decides who sees what.
"""

from __future__ import annotations

import uuid
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


# --- Flags from free-text screening ---------------------------------------------------------


class FlagStatus(models.TextChoices):
    NEEDS_REVIEW = "needs_review", _("Needs review")
    PROMOTED = "promoted", _("Made into a concern")
    DISMISSED = "dismissed", _("Dismissed")


class FlagQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset(
        {
            "status",
            "resolved_by",
            "resolved_at",
            "resolution_reason",
            # Notify: escalation of flags nobody looks at.
            "opened_at",
            "escalated_at",
            "escalation_count",
        }
    )

    def visible_to(self, user):
        """Flags for the schools where the user is DSL or deputy DSL; nobody else sees them."""
        return self.filter(school_id__in=lead_school_ids(user))

    def needs_review(self):
        return self.filter(status=FlagStatus.NEEDS_REVIEW)


class Flag(AppendOnlyModel):
    """Something a pupil typed that matched the school's screening phrases, for a DSL to review.

    A flag has no effect a pupil could notice. A DSL promotes it to a concern or dismisses it
    with a reason.
    """

    MUTABLE_FIELDS = FlagQuerySet.mutable_fields

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("where it was written"), max_length=200)
    source_key = models.CharField(max_length=200, blank=True, editable=False)
    text_excerpt = models.TextField(_("what the pupil wrote"))
    reason = models.CharField(_("why it was flagged"), max_length=500)
    matched_phrases = models.JSONField(_("matched phrases"), default=list, blank=True)
    # Issue 11 (detect): what the disclosure detector found, for the DSL. `strength` runs from
    # 1 (faint) to 5 (strongest); 0 for flags raised before the detector. `explanation` says in
    # words why it was flagged ("Mentions images + a threat or demand."); `concepts` names the
    # detector's concepts found.
    strength = models.PositiveSmallIntegerField(_("strength"), default=0)
    explanation = models.CharField(_("why, in words"), max_length=500, blank=True)
    concepts = models.JSONField(_("concepts found"), default=list, blank=True)
    created_at = models.DateTimeField(_("flagged at"), default=timezone.now, editable=False)

    status = models.CharField(
        max_length=20, choices=FlagStatus.choices, default=FlagStatus.NEEDS_REVIEW
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(_("reason"), blank=True)
    # Notify: a flag nobody opens or reviews in time escalates like a concern (nullable, so
    # adding them leaves the table and its append-only triggers as they are on SQLite).
    opened_at = models.DateTimeField(
        _("first opened by a safeguarding lead"), null=True, blank=True
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalation_count = models.PositiveIntegerField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "source_key"],
                condition=~Q(source_key=""),
                name="unique_flag_per_source",
            )
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self):
        return _("Flag %(number)s") % {"number": self.pk}

    def get_absolute_url(self):
        return reverse("safeguarding:flag", args=[self.pk])

    @property
    def is_reviewed(self) -> bool:
        return self.status != FlagStatus.NEEDS_REVIEW

    @property
    def escalation_due_at(self):
        from .. import conf

        return self.created_at + timedelta(minutes=conf.escalate_after_minutes())


# --- Notifications --------------------------------------------------------------------------


class AlertKind(models.TextChoices):
    NEW_CONCERN = "new_concern", _("New concern")
    ESCALATION = "escalation", _("Not acknowledged in time")
    NEW_FLAG = "new_flag", _("Needs review")
    ACTION_DUE = "action_due", _("Your action is due")  # casework
    # Triage
    ASSIGNED = "assigned", _("Assigned to you")


class AlertQuerySet(models.QuerySet):
    def for_user(self, user):
        """A lead's alerts, for the schools where they are still a lead."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, school_id__in=lead_school_ids(user))

    def unread(self):
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    """An in-app alert for a DSL or deputy DSL, shown in the safeguarding area."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"

    def get_absolute_url(self):
        if self.concern_id:
            return reverse("safeguarding:case", args=[self.concern_id])
        return reverse("safeguarding:flag", args=[self.flag_id])


class DeliveryKind(models.TextChoices):
    NEW_CONCERN = "new_concern", _("New concern, to a DSL or deputy")
    NEW_FLAG = "new_flag", _("Something to review, to a DSL or deputy")
    ESCALATION_LEAD = "escalation_lead", _("Escalation, to a DSL or deputy")
    ESCALATION_ADMIN = "escalation_admin", _("Escalation, to a school admin")
    ESCALATION_HEAD = "escalation_head", _("Escalation, to the head teacher")
    # casework: the reminder to the owner of an action on a case that has come due
    ACTION_DUE = "action_due", _("Action due, to its owner")
    # Triage
    ASSIGNED = "assigned", _("Case assigned, to the DSL or deputy")


ESCALATION_KINDS = (
    DeliveryKind.ESCALATION_LEAD,
    DeliveryKind.ESCALATION_ADMIN,
    DeliveryKind.ESCALATION_HEAD,
)


class DeliveryQuerySet(models.QuerySet):
    def unsent(self):
        """Emails still waiting to be sent. An email whose attempt may have reached the mail
        server (`in_doubt_at`) is not waiting: it is never sent again."""
        return self.filter(sent_at__isnull=True, in_doubt_at__isnull=True)

    def for_schools(self, school_ids):
        return self.filter(Q(concern__school_id__in=school_ids) | Q(flag__school_id__in=school_ids))


class Delivery(models.Model):
    """One notification email to one person about one concern or one flag, kept until the
    mail server has accepted it.

    A failed attempt is retried with a growing wait (see `conf.email_retry_*`), for as long as
    it takes. `token` names the one task allowed to send it, so a retry scheduled twice (by the
    sweeper and by the task itself) can never send it twice. The database allows one delivery
    per (concern or flag, recipient, kind, escalation round), so nothing can queue it twice.

    At most once: `transmit_started_at` is written (and committed) just before the message is
    handed to the mail server. An attempt that started and never recorded a clear outcome (a
    worker killed mid-send) may have been accepted, so it is marked `in_doubt_at` and never
    sent again; the in-app alert and the escalation still reach the leads.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    concern = models.ForeignKey(
        Concern, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # 0 for the first notice; escalations count 1, 2, … as they repeat.
    round = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    token = models.UUIDField(default=uuid.uuid4)
    transmit_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    in_doubt_at = models.DateTimeField(null=True, blank=True)
    first_failed_at = models.DateTimeField(null=True, blank=True)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(concern__isnull=False, flag__isnull=True)
                | Q(concern__isnull=True, flag__isnull=False),
                name="delivery_concern_or_flag",
            ),
            models.UniqueConstraint(
                fields=["concern", "recipient", "kind", "round"],
                condition=Q(concern__isnull=False),
                name="unique_delivery_per_concern",
            ),
            models.UniqueConstraint(
                fields=["flag", "recipient", "kind", "round"],
                condition=Q(flag__isnull=False),
                name="unique_delivery_per_flag",
            ),
        ]
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def subject(self) -> Concern | Flag:
        return self.concern if self.concern_id else self.flag

    @property
    def school(self):
        return self.subject.school


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


# --- Models kept in their own modules -----------------------------------------------------------
# Later parts of the record (actions, attachments, the child's details, transfers…) live in
# modules of this package, each imported below so that Django finds their models.
from .casework import *  # noqa: E402,F403
from .child import *  # noqa: E402,F403
from .school_settings import *  # noqa: E402,F403
from .transfer import *  # noqa: E402,F403
from .workers import *  # noqa: E402,F403
