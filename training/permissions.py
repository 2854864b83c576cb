"""Who may do what in staff training, decided here.

Every member of a school's staff takes courses and signs Part one for their school. School
admins, DSLs and deputy DSLs see their school's training table, export it and assign courses;
only school admins change the school's training settings.
"""

from __future__ import annotations

from schools.models import School, StaffRole
from schools.permissions import access_required, has_role, schools_where, staff_required

LEAD_ROLES = (StaffRole.SCHOOL_ADMIN, StaffRole.DSL, StaffRole.DEPUTY_DSL)

__all__ = ["staff_required", "training_lead_required", "school_admin_required", "lead_school"]

training_lead_required = access_required(
    lambda user: has_role(user, *LEAD_ROLES),
    forbidden_message="This page is for school admins and safeguarding leads.",
)
school_admin_required = access_required(
    lambda user: has_role(user, StaffRole.SCHOOL_ADMIN),
    forbidden_message="This page is for school admins.",
)


def lead_school(user, *roles: str) -> School:
    """The school whose training the user manages (the first, for the rare person in two)."""
    return School.objects.get(pk=sorted(schools_where(user, *(roles or LEAD_ROLES)))[0])
