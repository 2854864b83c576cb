"""School admins manage their school's staff: who works there and in which roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from schools.models import StaffMembership, StaffRole
from schools.services import SCHOOL_ADMIN_MANAGED_ROLES, staff_member_remove, staff_roles_set

from .. import forms
from ..permissions import school_admin_view
from ..services import staff_member_add
from .common import confirm_page, form_page


@school_admin_view
def staff_list(request, *, school):
    staff = {}
    for membership in (
        StaffMembership.objects.filter(school=school)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__email", "role")
    ):
        entry = staff.setdefault(
            membership.user_id, {"user": membership.user, "roles": [], "managed": False}
        )
        entry["roles"].append(membership.get_role_display())
        entry["managed"] |= membership.role in SCHOOL_ADMIN_MANAGED_ROLES
    return render(
        request, "teacher_portal/staff_list.html", {"school": school, "staff": staff.values()}
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def staff_add(request, *, school):
    form = forms.StaffAddForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            user, created = staff_member_add(school=school, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                message = _("%(email)s added. We've emailed them a link to set their password.")
            else:
                message = _("%(email)s already had an account; we've emailed to let them know.")
            messages.success(request, message % {"email": user.email})
            return redirect("teacher_portal:staff_list")
    return form_page(
        request,
        form,
        title=_("Add a staff member"),
        submit=_("Add staff member"),
        cancel_url=reverse("teacher_portal:staff_list"),
    )


def _school_staff_member(school, user_pk):
    users = get_user_model().objects.filter(staff_memberships__school=school).distinct()
    return get_object_or_404(users, pk=user_pk)


@school_admin_view
@require_http_methods(["GET", "POST"])
def staff_edit(request, user_pk, *, school):
    member = _school_staff_member(school, user_pk)
    held = set(
        StaffMembership.objects.filter(school=school, user=member).values_list("role", flat=True)
    )
    form = forms.StaffRolesForm(
        request.POST or None,
        initial={"roles": [role for role in held if role in SCHOOL_ADMIN_MANAGED_ROLES]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            staff_roles_set(school=school, user=member, roles=form.cleaned_data["roles"])
        except ValidationError as error:
            form.add_error("roles", error)
        else:
            messages.success(request, _("Roles saved for %(email)s.") % {"email": member.email})
            if member == request.user and StaffRole.SCHOOL_ADMIN not in form.cleaned_data["roles"]:
                return redirect("home_for_user")
            return redirect("teacher_portal:staff_list")
    safeguarding = [
        StaffRole(role).label for role in held if role not in SCHOOL_ADMIN_MANAGED_ROLES
    ]
    intro = ""
    if safeguarding:
        intro = _("%(email)s is also %(roles)s. Safeguarding roles are not changed here.") % {
            "email": member.email,
            "roles": ", ".join(str(label) for label in safeguarding),
        }
    return form_page(
        request,
        form,
        title=_("Roles for %(email)s") % {"email": member.email},
        submit=_("Save roles"),
        cancel_url=reverse("teacher_portal:staff_list"),
        intro=intro,
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def staff_remove(request, user_pk, *, school):
    member = _school_staff_member(school, user_pk)
    if request.method == "POST":
        try:
            staff_member_remove(school=school, user=member)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(email)s removed.") % {"email": member.email})
            if member == request.user:
                return redirect("home_for_user")
        return redirect("teacher_portal:staff_list")
    return confirm_page(
        request,
        title=_("Remove %(email)s?") % {"email": member.email},
        message=_(
            "They lose their teacher and school admin roles here and are taken off their "
            "classes. Their account is kept, as are any safeguarding roles."
        ),
        submit=_("Remove staff member"),
        cancel_url=reverse("teacher_portal:staff_list"),
    )
