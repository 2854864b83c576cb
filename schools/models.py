"""Schools, the staff who work in them, their classes and their pupils.

Pupil data is kept to the minimum a lesson needs: a display name, a year group and classes.
There is no pupil email address and no date of birth anywhere in Streamwise.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YearGroup(models.IntegerChoices):
    RECEPTION = 0, _("Reception")
    Y1 = 1, _("Year 1")
    Y2 = 2, _("Year 2")
    Y3 = 3, _("Year 3")
    Y4 = 4, _("Year 4")
    Y5 = 5, _("Year 5")
    Y6 = 6, _("Year 6")
    Y7 = 7, _("Year 7")
    Y8 = 8, _("Year 8")
    Y9 = 9, _("Year 9")
    Y10 = 10, _("Year 10")
    Y11 = 11, _("Year 11")


class AgeBand(models.TextChoices):
    AGES_4_7 = "4-7", _("Ages 4–7")
    AGES_8_10 = "8-10", _("Ages 8–10")
    AGES_11_13 = "11-13", _("Ages 11–13")
    AGES_14_16 = "14-16", _("Ages 14–16")

    @classmethod
    def for_year_group(cls, year_group: int) -> AgeBand:
        """The age band a year group is taught in (Reception–Y2, Y3–Y5, Y6–Y8, Y9–Y11)."""
        if year_group <= 2:
            return cls.AGES_4_7
        if year_group <= 5:
            return cls.AGES_8_10
        if year_group <= 8:
            return cls.AGES_11_13
        return cls.AGES_14_16

    @property
    def uses_picture_password(self) -> bool:
        return self in (AgeBand.AGES_4_7, AgeBand.AGES_8_10)


class StaffRole(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    DSL = "dsl", _("Designated Safeguarding Lead")
    DEPUTY_DSL = "deputy_dsl", _("Deputy DSL")
    SCHOOL_ADMIN = "school_admin", _("School admin")


SAFEGUARDING_ROLES = (StaffRole.DSL, StaffRole.DEPUTY_DSL)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    qr_cards_sign_in_alone = models.BooleanField(
        _("a QR card alone signs a pupil in"),
        default=False,
        help_text=_(
            "On: scanning a pupil's QR login card signs them in. Off: scanning it fills in the "
            "class and name, and the pupil still uses their pictures or password."
        ),
    )
    trust = models.ForeignKey(
        "schools.Trust",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="schools",
        verbose_name=_("trust"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self):
        return self.name


class StaffMembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class StaffMembership(models.Model):
    """One role a staff member holds in one school. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_memberships")
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StaffMembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="unique_staff_role")
        ]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.school}"


# Letters and digits that cannot be confused when read aloud or copied from a board.
CLASS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CLASS_CODE_LENGTH = 8


def generate_class_code() -> str:
    """An 8-character code: 31**8 (about 8.5e11) possibilities, so guessing one is pointless."""
    return "".join(secrets.choice(CLASS_CODE_ALPHABET) for _ in range(CLASS_CODE_LENGTH))


def normalise_class_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


class TeachingGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def visible_to(self, user):
        """Classes a user may see: their school's for admins and DSLs, their own for teachers."""
        from .permissions import roles_by_school

        if not user.is_authenticated:
            return self.none()
        pupil = getattr(user, "pupil", None)
        if pupil is not None:
            return self.filter(pupils=pupil)
        condition = Q(pk__in=[])
        for school_id, roles in roles_by_school(user).items():
            if roles & {StaffRole.SCHOOL_ADMIN, StaffRole.DSL, StaffRole.DEPUTY_DSL}:
                condition |= Q(school_id=school_id)
            elif StaffRole.TEACHER in roles:
                condition |= Q(school_id=school_id, teachers=user)
        return self.filter(condition).distinct()


class TeachingGroup(models.Model):
    """A class (teaching group) of pupils. Called "class" everywhere a user can see it."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(_("name"), max_length=100)
    year_group = models.PositiveSmallIntegerField(_("year group"), choices=YearGroup.choices)
    code = models.CharField(
        _("class code"),
        max_length=CLASS_CODE_LENGTH,
        unique=True,
        default=generate_class_code,
        help_text=_("Pupils type this to log in. Keep it to your class."),
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teaching_groups", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = TeachingGroupQuerySet.as_manager()

    class Meta:
        ordering = ["year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_class_name_per_school")
        ]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("teacher_portal:class_detail", args=[self.pk])

    @property
    def age_band(self) -> AgeBand:
        return AgeBand.for_year_group(self.year_group)


class PupilQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def visible_to(self, user):
        """Pupils a user may see.

        School admins, DSLs and deputy DSLs see every pupil of their school; teachers see the
        pupils of the classes they teach; a pupil sees only themself; everyone else, nobody.
        """
        from .permissions import roles_by_school

        if not user.is_authenticated:
            return self.none()
        pupil = getattr(user, "pupil", None)
        if pupil is not None:
            return self.filter(pk=pupil.pk)
        condition = Q(pk__in=[])
        for school_id, roles in roles_by_school(user).items():
            if roles & {StaffRole.SCHOOL_ADMIN, StaffRole.DSL, StaffRole.DEPUTY_DSL}:
                condition |= Q(school_id=school_id)
            elif StaffRole.TEACHER in roles:
                condition |= Q(
                    school_id=school_id,
                    teaching_groups__teachers=user,
                    teaching_groups__archived_at__isnull=True,
                )
        return self.filter(condition).distinct()


class Pupil(models.Model):
    """A child. Only what teaching needs: a display name, a year group and classes."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupils")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pupil"
    )
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        help_text=_("How the pupil appears on screen, e.g. a first name and an initial."),
    )
    year_group = models.PositiveSmallIntegerField(_("year group"), choices=YearGroup.choices)
    teaching_groups = models.ManyToManyField(
        TeachingGroup, related_name="pupils", blank=True, verbose_name=_("classes")
    )
    # Picture passwords stay readable so a teacher can reprint a login card: with 729 possible
    # sequences their strength comes from the lockout below, not from secrecy of storage.
    picture_password = models.CharField(max_length=100, blank=True)
    password_hash = models.CharField(max_length=200, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "display_name"], name="unique_pupil_name_per_school"
            )
        ]
        verbose_name = _("pupil")
        verbose_name_plural = _("pupils")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("teacher_portal:pupil_detail", args=[self.pk])

    @property
    def age_band(self) -> AgeBand:
        return AgeBand.for_year_group(self.year_group)

    @property
    def uses_picture_password(self) -> bool:
        return self.age_band.uses_picture_password

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class PupilCardTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(
            revoked_at__isnull=True,
            pupil__archived_at__isnull=True,
            teaching_group__archived_at__isnull=True,
        )


class PupilCardToken(models.Model):
    """The secret behind the QR code on one printed login card (schools.cards makes them).

    Only a hash of the token is kept. Printing a new card for the pupil and class revokes the
    old one; so does resetting the pupil's login.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="card_tokens")
    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, related_name="card_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PupilCardTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("QR login card")
        verbose_name_plural = _("QR login cards")

    def __str__(self):
        return f"QR card {self.pk}"


from .oneroster_models import MisLink, RosterUpload  # noqa: E402,F401  (OneRoster sync)
from .sso_models import SchoolSignIn, SignInKind  # noqa: E402,F401  (staff single sign-on)
from .trust_models import Trust, TrustMembership, TrustRole  # noqa: E402,F401  (trusts)
from .wonde_models import WondeConnection, WondeSync  # noqa: E402,F401  (Wonde sync)
