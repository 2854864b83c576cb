"""Staff single sign-on: Microsoft 365, Google Workspace and other OpenID Connect providers.

Rules (all checked on every sign-in, not only the first):

- Nobody signs up through a provider: the staff account must already exist.
- The provider's token must come from an organisation a school has linked (Microsoft tenant
  `tid`, Google Workspace domain `hd`, or an OpenID Connect issuer and claim), and the account
  must be staff at one of the schools that linked it: no match across schools.
- The account is found by a verified email address (the provider's `email_verified`, or for
  Microsoft the school's own tenant, whose IT sets its people's addresses).
- Pupils never sign in this way.
- DSLs and deputies still pass Streamwise's second step (TOTP) unless the school trusts its
  provider's two-step verification AND the id token says it was used (`amr`).
"""

from __future__ import annotations

import logging

from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth import get_user_model
from django.shortcuts import render
from django.utils.translation import gettext as _

from .sso_models import SchoolSignIn, SignInKind

logger = logging.getLogger(__name__)

# What a session's authentication record says after a trusted provider's two-step check.
PROVIDER_MFA_METHOD = "identity_provider_mfa"
_STATE_KEY = "streamwise_provider_mfa"
# `amr` values (RFC 8176) that show a second factor was checked.
MFA_AMR_VALUES = frozenset({"mfa", "otp", "hwk", "sms", "tel", "fido"})


def provider_kind(provider_id: str) -> str:
    if provider_id in (SignInKind.MICROSOFT, SignInKind.GOOGLE):
        return provider_id
    return SignInKind.OPENID_CONNECT


def identity_claims(sociallogin) -> dict:
    """The id token's claims (Google keeps the id token itself as its account data)."""
    data = sociallogin.account.extra_data or {}
    if sociallogin.account.provider == SignInKind.GOOGLE:
        return data
    claims = data.get("id_token")
    return claims if isinstance(claims, dict) else {}


def provider_says_mfa(claims: dict) -> bool:
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    return any(str(value).lower() in MFA_AMR_VALUES for value in amr)


def link_matches(link: SchoolSignIn, claims: dict) -> bool:
    if link.kind == SignInKind.OPENID_CONNECT and claims.get("iss") != link.issuer:
        return False
    claim = link.claim_name
    if not claim:
        return bool(link.issuer)
    value = str(claims.get(claim) or "").strip()
    return bool(value) and value.lower() == link.tenant.strip().lower()


def verified_email(sociallogin, kind: str) -> str | None:
    if kind == SignInKind.MICROSOFT:
        # Graph's mail (or sign-in name) of an account in the school's own tenant: set by the
        # school's IT, and the tenant has been checked before this is used. (The provider's
        # data, never the local user's: a saved link's user is not the provider's word.)
        data = sociallogin.account.extra_data or {}
        return str(data.get("mail") or data.get("userPrincipalName") or "").strip() or None
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip()
    return None


def refuse(request, provider_name: str, reason: str):
    """Stop the sign-in with a kind page saying what to do."""
    messages = {
        "not_linked": _(
            "This %(provider)s account belongs to an organisation that no school on Streamwise "
            "has linked. Ask your school's Streamwise admin to link your school, or sign in "
            "with your email address and password."
        ),
        "unverified": _(
            "%(provider)s didn't confirm this account's email address, so Streamwise can't "
            "tell whose account it is. Sign in with your email address and password."
        ),
        "no_account": _(
            "This %(provider)s account isn't linked to a Streamwise account at your school. "
            "Ask your school's Streamwise admin."
        ),
    }
    logger.info("Single sign-on refused (%s, %s)", provider_name, reason)
    response = render(
        request,
        "schools/sso_refused.html",
        {"provider_name": provider_name, "message": messages[reason] % {"provider": provider_name}},
        status=403,
    )
    raise ImmediateHttpResponse(response)


class SchoolSignInAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        provider_id = sociallogin.account.provider
        provider_name = sociallogin.account.get_provider(request).name
        kind = provider_kind(provider_id)
        claims = identity_claims(sociallogin)
        links = [
            link
            for link in SchoolSignIn.objects.filter(provider=provider_id).select_related("school")
            if link.kind == kind and link_matches(link, claims)
        ]
        if not links:
            refuse(request, provider_name, "not_linked")
        email = verified_email(sociallogin, kind)
        if not email:
            refuse(request, provider_name, "unverified")
        users = list(
            get_user_model()
            .objects.filter(
                email__iexact=email,
                is_active=True,
                pupil__isnull=True,
                staff_memberships__school__in=[link.school_id for link in links],
            )
            .distinct()[:2]
        )
        if len(users) != 1:
            refuse(request, provider_name, "no_account")
        user = users[0]
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Adding a provider to one's own account (allauth connects it): one's own only.
            if user.pk != request.user.pk:
                refuse(request, provider_name, "no_account")
            return
        if sociallogin.is_existing:
            if sociallogin.user.pk != user.pk:
                refuse(request, provider_name, "no_account")
        else:
            sociallogin.connect(request, user)
        user_schools = set(user.staff_memberships.values_list("school_id", flat=True))
        # Every school of theirs that linked this organisation must trust it (a lead at one
        # school is not let off by another school's choice).
        trusted = all(link.trust_provider_mfa for link in links if link.school_id in user_schools)
        sociallogin.state[_STATE_KEY] = bool(trusted and provider_says_mfa(claims))


class SchoolMFAStage(AuthenticateStage):
    """allauth's second step, passed over only after a trusted provider's own second step."""

    def handle(self):
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if (
            sociallogin is not None
            and self.login.user is not None
            and sociallogin.state.get(_STATE_KEY) is True
        ):
            record_authentication(
                self.request,
                self.login.user,
                PROVIDER_MFA_METHOD,
                provider=sociallogin.account.provider,
            )
            return None, True
        return super().handle()
