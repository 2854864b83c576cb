"""School admins manage their school's classes and pupils: add, edit, move, archive.

Views look the class or pupil up within the school, call `schools.services`, and redirect.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schools.models import Pupil, TeachingGroup
from schools.services import (
    pupil_archive,
    pupil_create,
    pupil_move,
    pupil_update,
    teaching_group_archive,
    teaching_group_create,
    teaching_group_restore,
    teaching_group_update,
)

from .. import forms
from ..permissions import school_admin_view
from .classes import pupil_page
from .common import confirm_page, form_page

PUPILS_PER_PAGE = 50


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
    return form_page(
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
    return form_page(
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
    return confirm_page(
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
            return pupil_page(request, credentials.pupil, credentials)
    return form_page(
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
                return pupil_page(request, pupil, credentials)
            messages.success(request, _("%(name)s saved.") % {"name": pupil.display_name})
            return redirect(pupil)
    return form_page(
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
    return form_page(
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
    return confirm_page(
        request,
        title=_("Archive %(name)s?") % {"name": pupil.display_name},
        message=_(
            "They will no longer be able to log in and will leave every class list. Their "
            "progress is kept."
        ),
        submit=_("Archive pupil"),
        cancel_url=pupil.get_absolute_url(),
    )
