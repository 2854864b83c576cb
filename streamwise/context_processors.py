from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


def _staff_nav(request):
    from schools.models import StaffRole
    from schools.permissions import has_role, is_safeguarding_lead, is_staff_member, is_trust_admin

    user = request.user
    items = []
    if has_role(user, StaffRole.TEACHER, StaffRole.SCHOOL_ADMIN):
        items.append((_("Classes"), "teacher_portal:home"))
    if has_role(user, StaffRole.SCHOOL_ADMIN):
        items.append((_("School"), "teacher_portal:school_classes"))
    if has_role(user, StaffRole.SCHOOL_ADMIN, StaffRole.DSL, StaffRole.DEPUTY_DSL):
        items.append((_("Evidence"), "teacher_portal:evidence"))
    if is_staff_member(user):
        items.append((_("Lesson plans"), "teacher_portal:plans"))
    if is_safeguarding_lead(user):
        items.append((_("Safeguarding"), "safeguarding:home"))
    if is_trust_admin(user):
        items.append((_("Trust"), "teacher_portal:trust_home"))
    if user.has_perm("wagtailadmin.access_admin"):
        items.append((_("Lesson content"), "wagtailadmin_home"))
    nav = []
    for label, name in items:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        nav.append({"label": label, "url": url, "current": request.path.startswith(url)})
    # Only the most specific matching item is the current page ("/portal/school/" not "/portal/").
    current = [item for item in nav if item["current"]]
    for item in current[:-1]:
        if any(other["url"].startswith(item["url"]) for other in current if other is not item):
            item["current"] = False
    return nav


def streamwise(request):
    """Values every Streamwise template may use."""
    context = {"site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Streamwise")}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not hasattr(user, "pupil"):
        context["staff_nav"] = _staff_nav(request)
        context["school_switcher"] = _school_switcher(user)
    return context


def _school_switcher(user):
    """The schools a person in more than one school can switch between, and the one in use."""
    from schools.permissions import all_roles_by_school, school_in_use_id, staff_schools

    if len(all_roles_by_school(user)) < 2:
        return None
    return {"schools": staff_schools(user), "current": school_in_use_id(user)}
