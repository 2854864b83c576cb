"""A school's link to its identity provider, for staff single sign-on (see schools.sso)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInKind(models.TextChoices):
    MICROSOFT = "microsoft", _("Microsoft 365 (Entra ID)")
    GOOGLE = "google", _("Google Workspace")
    OPENID_CONNECT = "openid_connect", _("Another OpenID Connect provider")


class SchoolSignIn(models.Model):
    """Which accounts of an identity provider may sign in to this school's staff accounts.

    The deployment registers one app with each provider (settings); this link says which of the
    provider's organisations is this school: a Microsoft tenant (directory) id, a Google
    Workspace domain, or an OpenID Connect issuer with, optionally, a claim naming the school.
    A staff account must already exist in the school: the link never creates one.
    """

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="sign_in_links"
    )
    # The provider as allauth names it: "microsoft", "google", or an OpenID Connect app's id.
    provider = models.CharField(_("sign-in provider"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SignInKind.choices)
    tenant = models.CharField(
        _("tenant id, domain or organisation"),
        max_length=255,
        blank=True,
        help_text=_(
            "Microsoft: your directory (tenant) id. Google: your Workspace domain. Another "
            "provider: the value of the claim below that names your school (optional)."
        ),
    )
    issuer = models.CharField(
        _("issuer"),
        max_length=255,
        blank=True,
        help_text=_("Another provider only: the issuer (iss) its sign-in tokens carry."),
    )
    tenant_claim = models.CharField(
        _("claim naming the school"),
        max_length=64,
        blank=True,
        help_text=_("Another provider only, e.g. tid or hd. Leave empty if the issuer is yours."),
    )
    trust_provider_mfa = models.BooleanField(
        _("trust the provider's two-step verification"),
        default=False,
        help_text=_(
            "When the provider says it checked a second factor, safeguarding leads skip "
            "Streamwise's own code. Otherwise they are always asked for it."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "provider"], name="one_sign_in_link_per_provider"
            )
        ]
        verbose_name = _("single sign-on link")
        verbose_name_plural = _("single sign-on links")

    def __str__(self):
        return f"{self.school} — {self.provider}"

    @property
    def claim_name(self) -> str:
        """The id token claim that must equal `tenant` (none: the issuer alone decides)."""
        if self.kind == SignInKind.MICROSOFT:
            return "tid"
        if self.kind == SignInKind.GOOGLE:
            return "hd"
        return self.tenant_claim
