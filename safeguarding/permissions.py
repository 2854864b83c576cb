"""Access to the safeguarding area: DSLs and deputy DSLs only, and only after MFA."""

from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from schools.permissions import is_safeguarding_lead


def session_used_mfa(request) -> bool:
    """True when this login session was confirmed with a second factor."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def dsl_required(view):
    """Let a DSL or deputy DSL in only once MFA is set up and was used for this session.

    Enforced here, on every view of the area, rather than trusted to a login convention.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_safeguarding_lead(user):
            raise PermissionDenied(_("This area is for the school's safeguarding leads."))
        if not is_mfa_enabled(user):
            messages.warning(
                request,
                _(
                    "Safeguarding records need two-step verification. Set up an authenticator "
                    "app to continue."
                ),
            )
            return redirect(
                reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
            )
        if not session_used_mfa(request):
            messages.info(request, _("Please confirm it's you with your authenticator app."))
            return redirect(
                reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()})
            )
        return view(request, *args, **kwargs)

    return wrapped
