"""The school in use: staff who work in several schools see one school at a time.

A peripatetic teacher or a trust's DSL has one login with a membership in each school. The
school they are working in is kept in their session (changed with the switcher in the staff
header, `schools.views.school_switch`); this middleware marks the signed-in user with it, so
`schools.permissions.roles_by_school` — and through it every QuerySet's `visible_to(user)`, every
role check and every page — answers for that school alone. Someone in one school never notices.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject, empty

from .permissions import SCOPE_ATTR

SESSION_KEY = "streamwise_school_in_use"


def _loaded(user):
    """The user object behind Django's lazy `request.user`, loading it if needed."""
    if getattr(user, "_wrapped", None) is empty:
        user._setup()
    return getattr(user, "_wrapped", user)


class SchoolInUseMiddleware:
    """Scope the signed-in person's roles to the school chosen in their session.

    Goes right after the authentication middleware. The user is still loaded lazily: a request
    that never looks at `request.user` costs nothing more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and session is not None:
            request.user = SimpleLazyObject(lambda: self.mark(_loaded(user), session))
        return self.get_response(request)

    @staticmethod
    def mark(user, session):
        if user.is_authenticated:
            setattr(user, SCOPE_ATTR, session.get(SESSION_KEY))
        return user
