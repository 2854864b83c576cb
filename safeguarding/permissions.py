"""Access to the safeguarding area: DSLs and deputy DSLs only, and only after MFA."""

from functools import wraps
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from schools.middleware import SESSION_KEY as SCHOOL_IN_USE_KEY
from schools.models import SAFEGUARDING_ROLES, Pupil, School
from schools.permissions import all_roles_by_school, is_safeguarding_lead, school_in_use_id
from schools.sso import PROVIDER_MFA_METHOD

from .models import AccessAction, Concern, Flag, lead_school_ids
from .services import access_log_record


def session_used_mfa(request) -> bool:
    """True when this login session was confirmed with a second factor: Streamwise's own, or
    (schools.sso) a school's trusted sign-in provider's that the id token said was used."""
    return any(
        record.get("method") in ("mfa", PROVIDER_MFA_METHOD)
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
        if not session_used_mfa(request) and not is_mfa_enabled(user):
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
        response = view(request, *args, **kwargs)
        # Safeguarding pages must not linger in a shared browser's cache or history.
        add_never_cache_headers(response)
        return response

    return wrapped


def record_pupils(user):
    """Pupils whose safeguarding record a user may open: every pupil, archived or not, of the
    schools where they are a lead. (Teaching a pupil gives no access to their record.)"""
    return Pupil.objects.filter(school_id__in=lead_school_ids(user))


def hidden_from_non_leads(view):
    """Answer 404 to anyone but a safeguarding lead, so guessing a case URL reveals nothing.

    The attempt is written to the access log (the DSLs see who tried), then `dsl_required`
    applies to leads as everywhere else in the area.
    """
    guarded = dsl_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        switched = _open_in_its_school(request, **kwargs)
        if switched is not None:
            return switched
        if user.is_authenticated and not is_safeguarding_lead(user):
            record_denied_access(request, **kwargs)
            raise Http404
        return guarded(request, *args, **kwargs)

    return wrapped


def _record_school_id(*, concern_id=None, pupil_id=None, flag_id=None, **kwargs) -> int | None:
    for model, pk in ((Concern, concern_id), (Flag, flag_id), (Pupil, pupil_id)):
        if pk is not None:
            return model.objects.filter(pk=pk).values_list("school_id", flat=True).first()
    return None


def _open_in_its_school(request, **kwargs):
    """A lead who works in several schools opens a record of another of their schools — the
    link in a DSL's email, say — while a different school is in use: switch them to the
    record's school and open the same address again, rather than answer "not found".

    Only on GET (a form is always posted from a page of the school in use), and only to a school
    where the person is a safeguarding lead; anyone else goes on to the usual 404.
    """
    user = request.user
    if request.method != "GET" or not user.is_authenticated:
        return None
    if len(all_roles_by_school(user)) < 2:  # one school (cached): nothing to switch, no query
        return None
    school_id = _record_school_id(**kwargs)
    if school_id is None or school_id == school_in_use_id(user):
        return None
    if not all_roles_by_school(user).get(school_id, set()) & set(SAFEGUARDING_ROLES):
        return None
    request.session[SCHOOL_IN_USE_KEY] = school_id
    name = School.objects.filter(pk=school_id).values_list("name", flat=True).first()
    messages.info(
        request,
        _("This record belongs to %(school)s, so you are now working in %(school)s.")
        % {"school": name},
    )
    return redirect(request.get_full_path())


def record_denied_access(request, *, concern_id=None, pupil_id=None, flag_id=None, **kwargs):
    """Log an attempt to open a safeguarding record without access (the path holds ids only)."""
    access_log_record(
        user=request.user,
        action=AccessAction.DENIED,
        concern=Concern.objects.filter(pk=concern_id).first() if concern_id else None,
        pupil=Pupil.objects.filter(pk=pupil_id).first() if pupil_id else None,
        flag=Flag.objects.filter(pk=flag_id).first() if flag_id else None,
        detail=request.path,
    )
