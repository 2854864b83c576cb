"""Who may do what, decided in one place.

Views ask these functions; they never inspect roles themselves.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import SAFEGUARDING_ROLES, School, StaffMembership, StaffRole

_CACHE_ATTR = "_streamwise_roles_by_school"
# Set on the signed-in user by `schools.middleware.SchoolInUseMiddleware`: the school the person
# chose in the header (or None). While it is set, every role check is about that school only.
SCOPE_ATTR = "_streamwise_school_scope"


def all_roles_by_school(user) -> dict[int, set[str]]:
    """{school id: {role, …}} in every school the person works in, whichever is in use.

    For the school switcher and for checks about another person (say, whether a case's new
    owner is a lead of its school). Pages ask `roles_by_school`.
    """
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {}
        for school_id, role in StaffMembership.objects.filter(user=user).values_list(
            "school_id", "role"
        ):
            cached.setdefault(school_id, set()).add(role)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def school_in_use_id(user) -> int | None:
    """The id of the school a staff member is working in: the one they chose, if they still
    work there, else the first of their schools (by id); None for anyone else."""
    schools = all_roles_by_school(user)
    wanted = getattr(user, SCOPE_ATTR, None)
    if wanted in schools:
        return wanted
    return min(schools) if schools else None


def roles_by_school(user) -> dict[int, set[str]]:
    """{school id: {role, …}} for a staff user; cached on the user object for the request.

    For the person signed in to this request (see `SchoolInUseMiddleware`) it holds the school
    in use only, so every page and QuerySet scoped through it shows one school at a time; for
    any other user object it holds all their schools.
    """
    schools = all_roles_by_school(user)
    if not hasattr(user, SCOPE_ATTR):
        return schools
    school_id = school_in_use_id(user)
    return {school_id: schools[school_id]} if school_id is not None else {}


def staff_schools(user) -> list[School]:
    """Every school a person works in, by name (what the school switcher offers)."""
    return list(School.objects.filter(pk__in=all_roles_by_school(user)).order_by("name", "pk"))


def get_pupil(user):
    """The Pupil behind a logged-in pupil account, or None for staff and visitors."""
    if not user.is_authenticated:
        return None
    try:
        return user.pupil
    except Exception:  # RelatedObjectDoesNotExist: a staff account
        return None


def is_staff_member(user) -> bool:
    return bool(roles_by_school(user))


def has_role(user, *roles: str, school: School | None = None) -> bool:
    for school_id, held in roles_by_school(user).items():
        if school is not None and school.pk != school_id:
            continue
        if held & set(roles):
            return True
    return False


def is_safeguarding_lead(user, school: School | None = None) -> bool:
    return has_role(user, *SAFEGUARDING_ROLES, school=school)


def staff_school(user) -> School | None:
    """The school a staff member is working in (see `school_in_use_id`)."""
    school_ids = sorted(roles_by_school(user))
    if not school_ids:
        return None
    return School.objects.get(pk=school_ids[0])


def administered_trusts(user):
    """The trusts a person is a trust admin of (a QuerySet of `Trust`)."""
    from .trust_models import Trust, TrustRole

    if not user.is_authenticated:
        return Trust.objects.none()
    return Trust.objects.filter(
        memberships__user=user, memberships__role=TrustRole.TRUST_ADMIN
    ).distinct()


def is_trust_admin(user) -> bool:
    """Whether a person is a trust admin of any trust; cached on the user for the request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_streamwise_is_trust_admin", None)
    if cached is None:
        cached = administered_trusts(user).exists()
        user._streamwise_is_trust_admin = cached
    return cached


def schools_where(user, *roles: str) -> list[int]:
    return [sid for sid, held in roles_by_school(user).items() if held & set(roles)]


def access_required(test, *, forbidden_message: str, login_url: str | None = None):
    """A view decorator for people who pass `test(user)`; apps build their own role checks on it.

    A visitor who is not signed in is sent to log in (at `login_url`, by default the staff login
    `settings.LOGIN_URL`) and comes back afterwards. A signed-in user who fails `test` gets a
    403 page saying `forbidden_message`, not another login form: unlike Django's
    `user_passes_test`, being the wrong person is not fixed by logging in again.

    The decorators below (`staff_required`, `school_admin_required`, …) are made with it, and
    so are other apps' own (`training.permissions.training_lead_required`).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), login_url=login_url)
            if not test(request.user):
                raise PermissionDenied(forbidden_message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# A child whose session ended belongs at the class-code login, not the staff email form.
PUPIL_LOGIN_URL = "pupil_login"

pupil_required = access_required(
    lambda user: get_pupil(user) is not None,
    forbidden_message="This page is for pupils.",
    login_url=PUPIL_LOGIN_URL,
)
staff_required = access_required(
    is_staff_member, forbidden_message="This page is for school staff."
)
teacher_required = access_required(
    lambda user: has_role(user, StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN),
    forbidden_message="This page is for teachers and school admins.",
)
trust_admin_required = access_required(
    is_trust_admin, forbidden_message="This page is for a trust's central team."
)
school_admin_required = access_required(
    lambda user: has_role(user, StaffRole.SCHOOL_ADMIN),
    forbidden_message="This page is for school admins.",
)
