"""The DSL's casework on a case: actions with an owner and a due date, attachments kept in
private storage, and links between related children's cases.

Each of these is also written into the case's chronology when it happens (see
`safeguarding.services.casework`), so the chronology stays the one account of the case. The rows
here keep only the workflow state the chronology cannot: whether an action is done and whether
its reminder went out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import AppendOnlyModel, AppendOnlyQuerySet, Concern, lead_school_ids

__all__ = [
    "CaseAction",
    "CaseActionQuerySet",
    "CaseAttachment",
    "CaseLink",
    "CaseRelationship",
]


# --- Actions --------------------------------------------------------------------------------------


class CaseActionQuerySet(AppendOnlyQuerySet):
    mutable_fields = frozenset({"completed_at", "completed_by", "completion_note", "reminded_at"})

    def visible_to(self, user):
        """Actions on the cases of the schools where the user is DSL or deputy DSL."""
        return self.filter(concern__school_id__in=lead_school_ids(user))

    def owned_by(self, user):
        """A lead's own actions ("My actions"), in the schools where they are still a lead."""
        return self.visible_to(user).filter(owner=user)

    def open(self):
        return self.filter(completed_at__isnull=True)

    def overdue_first(self):
        """Soonest due first, so anything overdue is at the top."""
        return self.order_by("due_at", "pk")


class CaseAction(AppendOnlyModel):
    """Something a lead must do on a case by a time ("call parent", "refer to MASH").

    What the action is, who owns it and when it is due are fixed; completing it, and the
    reminder going out, are workflow state (and are written to the chronology as well).
    """

    MUTABLE_FIELDS = CaseActionQuerySet.mutable_fields

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("what needs doing"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who will do it"),
    )
    due_at = models.DateTimeField(_("due"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(_("what was done"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = CaseActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="unique_case_action_submission",
            )
        ]
        indexes = [models.Index(fields=["owner", "completed_at", "due_at"])]
        verbose_name = _("case action")
        verbose_name_plural = _("case actions")

    def __str__(self):
        return _("Action %(number)s on case %(case)s") % {
            "number": self.pk,
            "case": self.concern_id,
        }

    def get_absolute_url(self):
        return reverse("safeguarding:case", args=[self.concern_id]) + f"#action-{self.pk}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_at <= timezone.now()


# --- Attachments ----------------------------------------------------------------------------------


class CaseAttachmentQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(concern__school_id__in=lead_school_ids(user))


class CaseAttachment(AppendOnlyModel):
    """A file kept with a case: a photo of handwritten notes, a screenshot of messages.

    The file lives in the private safeguarding storage under a random name (`stored_name`);
    the name it was uploaded with is kept only as data. Its type was decided from its content.
    It is read only through the permission-checked, access-logged download view.
    """

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="attachments")
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("what it is"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self):
        return _("Attachment %(number)s on case %(case)s") % {
            "number": self.pk,
            "case": self.concern_id,
        }

    def get_absolute_url(self):
        return reverse("safeguarding:attachment", args=[self.concern_id, self.pk])


# --- Links between related children's cases -----------------------------------------------------


class CaseRelationship(models.TextChoices):
    SIBLINGS = "siblings", _("Siblings")
    FAMILY = "family", _("Same family or household")
    SAME_INCIDENT = "same_incident", _("Same incident")
    OTHER = "other", _("Other")


class CaseLinkQuerySet(AppendOnlyQuerySet):
    def visible_to(self, user):
        return self.filter(from_concern__school_id__in=lead_school_ids(user))

    def touching(self, concern):
        """Links of a case, whichever side it was linked from."""
        return self.filter(Q(from_concern=concern) | Q(to_concern=concern))


class CaseLink(AppendOnlyModel):
    """Two cases of one school about related children (siblings, family), shown on both.

    One row per pair: the case it was linked from is `from_concern`.
    """

    from_concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="+")
    to_concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="+")
    relationship = models.CharField(
        _("how they are related"), max_length=20, choices=CaseRelationship.choices
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = CaseLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["from_concern", "to_concern"], name="unique_case_link"),
            models.CheckConstraint(
                condition=~Q(from_concern=models.F("to_concern")), name="case_link_not_self"
            ),
        ]
        verbose_name = _("link between cases")
        verbose_name_plural = _("links between cases")

    def __str__(self):
        return f"{self.from_concern_id} ↔ {self.to_concern_id}"

    def other(self, concern) -> Concern:
        return self.to_concern if self.from_concern_id == concern.pk else self.from_concern
