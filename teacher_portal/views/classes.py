"""Teachers' class pages: their classes, a pupil's page, and the class's login cards.

Teachers and school admins use them; what they see is scoped by `TeachingGroup.objects.visible_to`
and `Pupil.objects.visible_to`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lessons.models import Assignment, ModulePage
from schools.models import Pupil, TeachingGroup
from schools.permissions import teacher_required
from schools.pictures import pictures_for
from schools.services import pupil_login_reset

from .. import forms
from ..permissions import admin_school, can_manage_school
from ..services import class_passwords_renew


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


def pupil_page(request, pupil, credentials=None, status=200):
    """A pupil's page; with `credentials`, their new login is shown (this once only)."""
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
    return pupil_page(request, pupil)


@teacher_required
@require_POST
@never_cache
def pupil_reset_login(request, pk):
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    credentials = pupil_login_reset(pupil=pupil)
    messages.success(
        request, _("%(name)s has a new login and can log in now.") % {"name": pupil.display_name}
    )
    return pupil_page(request, pupil, credentials)


# --- Login cards ------------------------------------------------------------------------------


def password_confirm_form(data=None):
    return forms.ConfirmForm(
        data,
        label=_("Yes, make their passwords. Pupils who already have a password keep it."),
    )


def qr_confirm_label():
    return _("Yes, make new QR codes. QR cards printed before for this class will stop working.")


def login_cards_render(request, group, form, renewed=None, qr=None):
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
    return login_cards_render(request, group, password_confirm_form())


@teacher_required
@require_POST
@never_cache
def login_cards_new_passwords(request, pk):
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=pk)
    form = password_confirm_form(request.POST)
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
        form = password_confirm_form()
    return login_cards_render(request, group, form, renewed)
