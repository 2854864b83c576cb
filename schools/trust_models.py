"""Trusts: a multi-academy trust groups schools, and its central team sees across them.

A trust admin holds a `TrustMembership`. It gives figures and counts about the trust's schools
(completion, overdue work, how many concerns) and the right to set work for a year group in
every school at once — never a pupil's name or a concern's contents: those stay with each
school's own staff, and a trust admin sees them only through a role in that school.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    """A group of schools run together (a multi-academy trust, a federation)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trust")
        verbose_name_plural = _("trusts")

    def __str__(self):
        return self.name


class TrustRole(models.TextChoices):
    TRUST_ADMIN = "trust_admin", _("Trust admin")


class TrustMembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class TrustMembership(models.Model):
    """One role a person holds in a trust (today: trust admin)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trust_memberships"
    )
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=20, choices=TrustRole.choices, default=TrustRole.TRUST_ADMIN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrustMembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "trust", "role"], name="unique_trust_role")
        ]
        verbose_name = _("trust role")
        verbose_name_plural = _("trust roles")

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} of {self.trust}"
