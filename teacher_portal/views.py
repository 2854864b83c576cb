"""Teacher portal pages. Views parse, call a service and render; scoping is done by QuerySets."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lessons.models import Assignment, ModulePage
from schools.models import Pupil, StaffMembership, StaffRole, TeachingGroup
from schools.permissions import teacher_required
from schools.pictures import pictures_for
from schools.services import (
    SCHOOL_ADMIN_MANAGED_ROLES,
    pupil_archive,
    pupil_create,
    pupil_login_reset,
    pupil_move,
    pupil_update,
    staff_member_remove,
    staff_roles_set,
    teaching_group_archive,
    teaching_group_create,
    teaching_group_restore,
    teaching_group_update,
)

from . import forms
from .models import ApiToken
from .permissions import admin_school, can_manage_school, school_admin_view
from .roster import RosterExpired, RosterFileError, roster_preview, roster_sign, roster_unsign
from .services import (
    api_token_create,
    api_token_revoke,
    class_passwords_renew,
    roster_import,
    staff_member_add,
)

PUPILS_PER_PAGE = 50

# --- Classes and pupils (teachers and school admins) ------------------------------------------


@teacher_required
def home(request):
    groups = TeachingGroup.objects.visible_to(request.user).active().order_by("year_group", "name")
    return render(
        request,
        "teacher_portal/home.html",
        {"groups": groups, "managed_school": admin_school(request.user)},
    )


@teacher_required
def class_detail(request, pk):
    group = get_object_or_404(
        TeachingGroup.objects.visible_to(request.user).prefetch_related("teachers"), pk=pk
    )
    pupils = group.pupils.active().order_by("display_name")
    assignments = list(
        Assignment.objects.visible_to(request.user)
        .filter(teaching_group=group)
        .select_related("module", "lesson")
        .order_by("due_on", "pk")
    )
    return render(
        request,
        "teacher_portal/class_detail.html",
        {
            "group": group,
            "pupils": pupils,
            "can_manage": can_manage_school(request.user, group.school),
            "assignments": [a for a in assignments if not a.is_withdrawn],
            "withdrawn": [a for a in assignments if a.is_withdrawn],
            "today": timezone.localdate(),
            "certificate_modules": ModulePage.objects.live().for_age_band(group.age_band.value),
        },
    )


def _render_pupil(request, pupil, credentials=None, status=200):
    assignments = (
        Assignment.objects.visible_to(request.user)
        .filter(pk__in=Assignment.objects.for_pupil(pupil))
        .select_related("module", "lesson", "teaching_group")
        .order_by("due_on", "pk")
    )
    context = {
        "pupil": pupil,
        "can_manage": can_manage_school(request.user, pupil.school),
        "assignments": assignments,
    }
    if credentials is not None:
        context["new_password"] = credentials.password
        context["new_pictures"] = pictures_for(credentials.picture_password)
    return render(request, "teacher_portal/pupil_detail.html", context, status=status)


@teacher_required
def pupil_detail(request, pk):
    pupil = get_object_or_404(
        Pupil.objects.visible_to(request.user).prefetch_related("teaching_groups"), pk=pk
    )
    return _render_pupil(request, pupil)


@teacher_required
@require_POST
@never_cache
def pupil_reset_login(request, pk):
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    credentials = pupil_login_reset(pupil=pupil)
    messages.success(
        request, _("%(name)s has a new login and can log in now.") % {"name": pupil.display_name}
    )
    return _render_pupil(request, pupil, credentials)


# --- Login cards ------------------------------------------------------------------------------


def _password_confirm_form(data=None):
    return forms.ConfirmForm(
        data,
        label=_("Yes, make their passwords. Pupils who already have a password keep it."),
    )


def qr_confirm_label():
    return _("Yes, make new QR codes. QR cards printed before for this class will stop working.")


def _render_login_cards(request, group, form, renewed=None, qr=None):
    renewed = renewed or {}
    qr = qr or {}
    cards, need_password = [], []
    for pupil in group.pupils.active().order_by("display_name"):
        card = {"pupil": pupil, "qr": qr.get(pupil.pk)}
        if pupil.uses_picture_password:
            card["pictures"] = pictures_for(pupil.picture_password)
        elif pupil.pk in renewed:
            card["password"] = renewed[pupil.pk].password
        elif pupil.password_hash:
            card["has_password"] = True
        else:
            need_password.append(pupil)
            continue
        cards.append(card)
    return render(
        request,
        "teacher_portal/login_cards.html",
        {
            "group": group,
            "cards": cards,
            "need_password": need_password,
            "form": form,
            "login_url": request.build_absolute_uri(reverse("pupil_login")),
            "qr_cards": bool(qr),
            "qr_form": forms.ConfirmForm(auto_id="qr-%s", label=qr_confirm_label()),
        },
    )


@teacher_required
@never_cache
def login_cards(request, pk):
    """Printable cards: class code, name and picture password (4–10s) or password (11+)."""
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=pk)
    return _render_login_cards(request, group, _password_confirm_form())


@teacher_required
@require_POST
@never_cache
def login_cards_new_passwords(request, pk):
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=pk)
    form = _password_confirm_form(request.POST)
    renewed = {}
    if form.is_valid():
        renewed = class_passwords_renew(group=group)
        messages.success(
            request,
            ngettext(
                "%(count)s pupil has a password now. Print the cards now: new passwords are "
                "shown only once.",
                "%(count)s pupils have passwords now. Print the cards now: new passwords are "
                "shown only once.",
                len(renewed),
            )
            % {"count": len(renewed)},
        )
        form = _password_confirm_form()
    return _render_login_cards(request, group, form, renewed)


# --- School admin: classes --------------------------------------------------------------------


def _form_page(request, form, *, title, submit, cancel_url, intro="", status=200):
    return render(
        request,
        "teacher_portal/form_page.html",
        {"form": form, "title": title, "submit": submit, "cancel_url": cancel_url, "intro": intro},
        status=status,
    )


def _confirm_page(request, *, title, message, submit, cancel_url):
    return render(
        request,
        "teacher_portal/confirm.html",
        {"title": title, "message": message, "submit": submit, "cancel_url": cancel_url},
    )


@school_admin_view
def school_classes(request, *, school):
    groups = (
        TeachingGroup.objects.visible_to(request.user)
        .filter(school=school)
        .annotate(pupil_count=Count("pupils", filter=Q(pupils__archived_at__isnull=True)))
        .prefetch_related("teachers")
        .order_by("year_group", "name")
    )
    return render(
        request,
        "teacher_portal/school_classes.html",
        {
            "school": school,
            "groups": [group for group in groups if group.archived_at is None],
            "archived": [group for group in groups if group.archived_at is not None],
        },
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def class_add(request, *, school):
    form = forms.ClassForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            group = teaching_group_create(
                school=school,
                name=form.cleaned_data["name"],
                year_group=form.cleaned_data["year_group"],
                teachers=form.cleaned_data["teachers"],
            )
        except IntegrityError:
            form.add_error("name", _("There is already a class with this name."))
        else:
            messages.success(request, _("Class “%(name)s” added.") % {"name": group.name})
            return redirect(group)
    return _form_page(
        request,
        form,
        title=_("Add a class"),
        submit=_("Add class"),
        cancel_url=reverse("teacher_portal:school_classes"),
    )


def _school_group(request, school, pk):
    return get_object_or_404(
        TeachingGroup.objects.visible_to(request.user).filter(school=school), pk=pk
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def class_edit(request, pk, *, school):
    group = _school_group(request, school, pk)
    initial = {
        "name": group.name,
        "year_group": group.year_group,
        "teachers": list(group.teachers.all()),
    }
    form = forms.ClassForm(request.POST or None, initial=initial, school=school, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            teaching_group_update(group=group, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Class “%(name)s” saved.") % {"name": group.name})
            return redirect(group)
    return _form_page(
        request,
        form,
        title=_("Edit class “%(name)s”") % {"name": group.name},
        submit=_("Save class"),
        cancel_url=group.get_absolute_url(),
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def class_archive(request, pk, *, school):
    group = _school_group(request, school, pk)
    if request.method == "POST":
        teaching_group_archive(group=group)
        messages.success(request, _("Class “%(name)s” archived.") % {"name": group.name})
        return redirect("teacher_portal:school_classes")
    return _confirm_page(
        request,
        title=_("Archive class “%(name)s”?") % {"name": group.name},
        message=_(
            "Its class code will stop working and it will leave your class lists. Its pupils "
            "and their progress are kept, and you can restore the class later."
        ),
        submit=_("Archive class"),
        cancel_url=group.get_absolute_url(),
    )


@school_admin_view
@require_POST
def class_restore(request, pk, *, school):
    group = _school_group(request, school, pk)
    teaching_group_restore(group=group)
    messages.success(request, _("Class “%(name)s” restored.") % {"name": group.name})
    return redirect(group)


# --- School admin: pupils ---------------------------------------------------------------------


def _school_pupil(request, school, pk):
    return get_object_or_404(Pupil.objects.visible_to(request.user).filter(school=school), pk=pk)


@school_admin_view
def school_pupils(request, *, school):
    pupils = (
        Pupil.objects.visible_to(request.user)
        .filter(school=school)
        .active()
        .prefetch_related("teaching_groups")
        .order_by("display_name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        pupils = pupils.filter(display_name__icontains=query)
    page = Paginator(pupils, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "teacher_portal/school_pupils.html", {"page": page, "query": query})


@school_admin_view
@require_http_methods(["GET", "POST"])
@never_cache
def pupil_add(request, *, school):
    initial = {}
    class_id = request.GET.get("class", "")
    group = (
        TeachingGroup.objects.filter(school=school, pk=class_id).active().first()
        if class_id.isdecimal()
        else None
    )
    if group is not None:
        initial = {"teaching_groups": [group], "year_group": group.year_group}
    form = forms.PupilForm(request.POST or None, initial=initial, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            credentials = pupil_create(school=school, **form.cleaned_data)
        except IntegrityError:
            form.add_error("display_name", _("There is already a pupil with this name."))
        else:
            messages.success(
                request,
                _("%(name)s added. Here is their login: it is shown only once.")
                % {"name": credentials.pupil.display_name},
            )
            return _render_pupil(request, credentials.pupil, credentials)
    return _form_page(
        request,
        form,
        title=_("Add a pupil"),
        submit=_("Add pupil"),
        cancel_url=reverse("teacher_portal:school_pupils"),
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
@never_cache
def pupil_edit(request, pk, *, school):
    pupil = _school_pupil(request, school, pk)
    initial = {
        "display_name": pupil.display_name,
        "year_group": pupil.year_group,
        "teaching_groups": list(pupil.teaching_groups.all()),
    }
    form = forms.PupilForm(request.POST or None, initial=initial, school=school, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        try:
            credentials = pupil_update(pupil=pupil, **form.cleaned_data)
        except IntegrityError:
            form.add_error("display_name", _("There is already a pupil with this name."))
        else:
            pupil.refresh_from_db()
            if credentials is not None:
                messages.success(
                    request,
                    _(
                        "%(name)s saved. Their new year group logs in differently, so here is "
                        "their new login: it is shown only once."
                    )
                    % {"name": pupil.display_name},
                )
                return _render_pupil(request, pupil, credentials)
            messages.success(request, _("%(name)s saved.") % {"name": pupil.display_name})
            return redirect(pupil)
    return _form_page(
        request,
        form,
        title=_("Edit %(name)s") % {"name": pupil.display_name},
        submit=_("Save pupil"),
        cancel_url=pupil.get_absolute_url(),
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def pupil_move_view(request, pk, *, school):
    pupil = _school_pupil(request, school, pk)
    form = forms.PupilMoveForm(request.POST or None, school=school, pupil=pupil)
    if request.method == "POST" and form.is_valid():
        to_group = form.cleaned_data["to_group"]
        pupil_move(pupil=pupil, from_group=form.cleaned_data["from_group"], to_group=to_group)
        messages.success(
            request,
            _("%(name)s moved to %(class)s.")
            % {"name": pupil.display_name, "class": to_group.name},
        )
        return redirect(pupil)
    intro = ""
    if not form.fields["from_group"].queryset.exists():
        intro = _("%(name)s isn't in a class yet. Edit the pupil to put them in one.") % {
            "name": pupil.display_name
        }
    return _form_page(
        request,
        form,
        title=_("Move %(name)s to another class") % {"name": pupil.display_name},
        submit=_("Move pupil"),
        cancel_url=pupil.get_absolute_url(),
        intro=intro,
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def pupil_archive_view(request, pk, *, school):
    pupil = _school_pupil(request, school, pk)
    if request.method == "POST":
        pupil_archive(pupil=pupil)
        messages.success(request, _("%(name)s archived.") % {"name": pupil.display_name})
        return redirect("teacher_portal:school_pupils")
    return _confirm_page(
        request,
        title=_("Archive %(name)s?") % {"name": pupil.display_name},
        message=_(
            "They will no longer be able to log in and will leave every class list. Their "
            "progress is kept."
        ),
        submit=_("Archive pupil"),
        cancel_url=pupil.get_absolute_url(),
    )


# --- School admin: staff ----------------------------------------------------------------------


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
    return _form_page(
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
    return _form_page(
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
    return _confirm_page(
        request,
        title=_("Remove %(email)s?") % {"email": member.email},
        message=_(
            "They lose their teacher and school admin roles here and are taken off their "
            "classes. Their account is kept, as are any safeguarding roles."
        ),
        submit=_("Remove staff member"),
        cancel_url=reverse("teacher_portal:staff_list"),
    )


# --- School admin: roster import --------------------------------------------------------------


@school_admin_view
@require_http_methods(["GET", "POST"])
def roster_upload(request, *, school):
    form = forms.RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = roster_preview(school=school, data=upload.read())
        except RosterFileError as error:
            form.add_error("file", str(error))
        else:
            return render(
                request,
                "teacher_portal/roster_preview.html",
                {
                    "preview": preview,
                    "filename": upload.name,
                    "token": roster_sign(school=school, user=request.user, preview=preview),
                },
            )
    return render(request, "teacher_portal/roster_upload.html", {"form": form, "school": school})


@school_admin_view
@require_POST
def roster_confirm(request, *, school):
    try:
        entries = roster_unsign(
            school=school, user=request.user, token=request.POST.get("token", "")
        )
    except RosterExpired:
        messages.error(
            request,
            _("That preview has expired. Nothing was added: please upload the file again."),
        )
        return redirect("teacher_portal:roster_upload")
    try:
        result = roster_import(school=school, entries=entries)
    except IntegrityError:
        messages.error(
            request,
            _(
                "Someone added some of these pupils at the same moment, so nothing was added. "
                "Upload the file again to see what is left to add."
            ),
        )
        return redirect("teacher_portal:roster_upload")
    return render(request, "teacher_portal/roster_done.html", {"result": result})


@school_admin_view
def roster_template(request, *, school):
    """An example CSV to fill in."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="streamwise-pupils.csv"'
    response.write(_("Name,Year group,Class\r\nIsla M,Year 4,Kestrels\r\nJack T,Y4,Kestrels\r\n"))
    return response


# --- School admin: API tokens -----------------------------------------------------------------


@school_admin_view
@require_http_methods(["GET", "POST"])
@never_cache
def api_tokens(request, *, school):
    form = forms.ApiTokenForm(request.POST or None)
    new_secret = ""
    if request.method == "POST" and form.is_valid():
        _token, new_secret = api_token_create(
            school=school, name=form.cleaned_data["name"], created_by=request.user
        )
        form = forms.ApiTokenForm()
    tokens = ApiToken.objects.for_school(school).select_related("created_by")
    return render(
        request,
        "teacher_portal/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_secret": new_secret,
            "openapi_url": request.build_absolute_uri(reverse("streamwise_api:openapi-json")),
        },
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request, pk, *, school):
    token = get_object_or_404(ApiToken.objects.for_school(school).active(), pk=pk)
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("teacher_portal:api_tokens")
    return _confirm_page(
        request,
        title=_("Revoke token “%(name)s”?") % {"name": token.name},
        message=_("Anything using it will stop working straight away. This cannot be undone."),
        submit=_("Revoke token"),
        cancel_url=reverse("teacher_portal:api_tokens"),
    )
