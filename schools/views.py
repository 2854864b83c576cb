"""Pupil login: class code → tap your name → picture password (4–10) or password (11+).

The class and the chosen pupil are kept in the session, never in a URL, so class codes and
pupil ids do not end up in server logs or browser history.
"""

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import throttle
from .forms import ClassCodeForm, PupilPasswordForm
from .middleware import SESSION_KEY as SCHOOL_IN_USE_KEY
from .models import Pupil, School, StaffRole, TeachingGroup
from .permissions import (
    all_roles_by_school,
    get_pupil,
    has_role,
    is_safeguarding_lead,
    is_trust_admin,
    staff_required,
)
from .pictures import PICTURES, PICTURES_BY_SLUG, PICTURES_PER_PASSWORD
from .services import PupilLoginResult, pupil_login_check

SESSION_GROUP = "pupil_login_group"
SESSION_PUPIL = "pupil_login_pupil"
SESSION_PICKS = "pupil_login_picks"
THROTTLE_SCOPE = "pupil-login"
PUPIL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home_for_user(request):
    """Where "home" is for whoever is logged in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("/")
    if get_pupil(user) is not None:
        return redirect("learn_home")
    if has_role(user, StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN):
        return redirect("teacher_portal:home")
    if is_safeguarding_lead(user):
        return redirect("safeguarding:home")
    if is_trust_admin(user):
        return redirect("teacher_portal:trust_home")
    if user.has_perm("wagtailadmin.access_admin"):
        return redirect("wagtailadmin_home")
    return render(request, "schools/no_role.html", status=403)


@staff_required
@require_POST
def school_switch(request):
    """Work in another of the person's schools (the switcher in the staff header).

    Only a school the person has a role in can be chosen (another answers 404, as if it did
    not exist). Every page then shows the chosen school, so the person goes back to their
    start page rather than to a page of the school they left, unless the form names a page of
    this site to go to (the trust overview's "open this school's safeguarding" does).
    """
    try:
        school_id = int(request.POST.get("school", ""))
    except ValueError:
        school_id = None
    school = get_object_or_404(School, pk=school_id, pk__in=list(all_roles_by_school(request.user)))
    request.session[SCHOOL_IN_USE_KEY] = school.pk
    messages.success(request, _("You are now working in %(school)s.") % {"school": school.name})
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect("home_for_user")


def _blocked_response(request, wait_seconds=None):
    response = render(
        request, "schools/pupil_login_blocked.html", {"wait_seconds": wait_seconds}, status=429
    )
    if wait_seconds:
        response["Retry-After"] = str(wait_seconds)
    return response


def _login_group(request):
    group_id = request.session.get(SESSION_GROUP)
    if not group_id:
        return None
    return TeachingGroup.objects.active().filter(pk=group_id).select_related("school").first()


def _login_pupil(request, group):
    pupil_id = request.session.get(SESSION_PUPIL)
    if not pupil_id or group is None:
        return None
    return group.pupils.active().filter(pk=pupil_id).first()


@require_http_methods(["GET", "POST"])
def pupil_login_code(request):
    if get_pupil(request.user) is not None:
        return redirect("learn_home")
    form = ClassCodeForm(request.POST or None)
    if request.method == "POST":
        now = time.time()
        wait = throttle.class_code_wait(request, now)
        if wait:
            return _blocked_response(request, wait)
        if throttle.address_is_blocked(request, throttle.CLASS_CODE):
            return _blocked_response(request)
        if form.is_valid():
            group = TeachingGroup.objects.active().filter(code=form.cleaned_data["code"]).first()
            if group is not None:
                throttle.class_code_found(request)
                request.session.cycle_key()
                request.session[SESSION_GROUP] = group.pk
                request.session.pop(SESSION_PUPIL, None)
                request.session.pop(SESSION_PICKS, None)
                return redirect("pupil_login_name")
            wait = throttle.class_code_miss(request, now)
            message = _(
                "We couldn't find that class code. Check it with your teacher and try again."
            )
            if wait:
                message += " " + _("Wait %(seconds)s seconds before you try again.") % {
                    "seconds": wait
                }
            form.add_error("code", message)
    return render(request, "schools/pupil_login_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def pupil_login_name(request):
    group = _login_group(request)
    if group is None:
        return redirect("pupil_login")
    pupils = group.pupils.active().order_by("display_name")
    if request.method == "POST":
        pupil_id = request.POST.get("pupil", "")
        # Only a number reaches the query: anything else is no name, not a server error.
        chosen = pupils.filter(pk=pupil_id).first() if pupil_id.isdecimal() else None
        if chosen is not None:
            request.session[SESSION_PUPIL] = chosen.pk
            request.session[SESSION_PICKS] = []
            return redirect("pupil_login_secret")
        messages.error(request, _("Please tap your name."))
    return render(request, "schools/pupil_login_name.html", {"group": group, "pupils": pupils})


def _finish_login(request, pupil: Pupil) -> HttpResponseRedirect:
    for key in (SESSION_GROUP, SESSION_PUPIL, SESSION_PICKS):
        request.session.pop(key, None)
    login(request, pupil.user, backend=PUPIL_BACKEND)
    return redirect("learn_home")


def _check(request, pupil: Pupil, secret: str):
    """Check the secret; returns a response on success or lock, else None (wrong secret)."""
    if throttle.address_is_blocked(request, THROTTLE_SCOPE):
        return _blocked_response(request)
    result = pupil_login_check(pupil=pupil, secret=secret)
    if result == PupilLoginResult.OK:
        return _finish_login(request, pupil)
    throttle.address_failure(request, THROTTLE_SCOPE)
    if result == PupilLoginResult.LOCKED:
        return render(request, "schools/pupil_login_locked.html", {"pupil": pupil}, status=403)
    return None


@require_http_methods(["GET", "POST"])
def pupil_login_secret(request):
    group = _login_group(request)
    pupil = _login_pupil(request, group)
    if pupil is None:
        return redirect("pupil_login_name" if group else "pupil_login")
    if pupil.is_locked:
        return render(request, "schools/pupil_login_locked.html", {"pupil": pupil}, status=403)
    context = {"group": group, "pupil": pupil, "age_band": pupil.age_band.value}

    if not pupil.uses_picture_password:
        form = PupilPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            response = _check(request, pupil, form.cleaned_data["password"])
            if response is not None:
                return response
            form.add_error(
                "password",
                _("That password isn't right. Try again, or ask your teacher for help."),
            )
        return render(request, "schools/pupil_login_password.html", {**context, "form": form})

    # Picture password: each tap is a small form post, so it works without JavaScript.
    picks = list(request.session.get(SESSION_PICKS, []))
    wrong = False
    if request.method == "POST":
        if "start_again" in request.POST:
            picks = []
        elif request.POST.get("picture") in PICTURES_BY_SLUG:
            picks = (picks + [request.POST["picture"]])[:PICTURES_PER_PASSWORD]
        if len(picks) == PICTURES_PER_PASSWORD:
            request.session[SESSION_PICKS] = []
            response = _check(request, pupil, "-".join(picks))
            if response is not None:
                return response
            picks, wrong = [], True
        request.session[SESSION_PICKS] = picks
    context.update(
        pictures=PICTURES,
        picks=[PICTURES_BY_SLUG[slug] for slug in picks],
        slots=range(PICTURES_PER_PASSWORD),
        wrong=wrong,
        step=len(picks) + 1,
        total=PICTURES_PER_PASSWORD,
    )
    return render(request, "schools/pupil_login_pictures.html", context)


@require_POST
def pupil_logout(request):
    logout(request)
    return redirect("pupil_login")
