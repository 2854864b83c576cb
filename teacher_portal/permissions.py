"""Who may use which part of the portal, on top of schools.permissions.

Teachers and school admins use the class pages (what they see is scoped by
`TeachingGroup.objects.visible_to` and `Pupil.objects.visible_to`); only school admins manage a
school, and only their own.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from schools.models import School, StaffRole
from schools.permissions import access_required, has_role, school_admin_required, schools_where


def admin_school(user) -> School | None:
    """The school a school admin manages (the first, for the rare admin of two schools)."""
    school_ids = sorted(schools_where(user, StaffRole.SCHOOL_ADMIN))
    return School.objects.filter(pk=school_ids[0]).first() if school_ids else None


def can_manage_school(user, school: School) -> bool:
    return has_role(user, StaffRole.SCHOOL_ADMIN, school=school)


def school_admin_view(view):
    """A view for school admins, called with the school they manage as `school`."""

    @school_admin_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        school = admin_school(request.user)
        if school is None:  # pragma: no cover - school_admin_required has already checked
            raise Http404
        return view(request, *args, school=school, **kwargs)

    return wrapped


#: Who reads a school's inspection evidence: its leaders, not its class teachers.
EVIDENCE_ROLES = (StaffRole.SCHOOL_ADMIN, StaffRole.DSL, StaffRole.DEPUTY_DSL)


def can_read_evidence(user) -> bool:
    return has_role(user, *EVIDENCE_ROLES)


def evidence_school(user) -> School | None:
    """The school whose evidence a leader reads (the first, for the rare leader of two)."""
    school_ids = sorted(schools_where(user, *EVIDENCE_ROLES))
    return School.objects.filter(pk=school_ids[0]).first() if school_ids else None


def evidence_view(view):
    """A view for a school's leaders (school admin, DSL, deputy DSL), called with `school`."""

    @access_required(
        can_read_evidence, forbidden_message="This page is for school leaders and DSLs."
    )
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        school = evidence_school(request.user)
        if school is None:  # pragma: no cover - the role check has already passed
            raise Http404
        return view(request, *args, school=school, **kwargs)

    return wrapped
