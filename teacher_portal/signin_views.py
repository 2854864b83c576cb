"""Teacher portal: helping pupils sign in (unlocking a paused pupil, QR login cards) and the
school's sign-in setting. Writes go through schools' services."""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from schools.cards import card_tokens_issue, qr_data_uri, school_qr_alone_set
from schools.models import Pupil, TeachingGroup
from schools.permissions import teacher_required
from schools.services import pupil_login_unlock

from . import forms
from .permissions import school_admin_view
from .views.classes import login_cards_render, password_confirm_form, qr_confirm_label
from .views.common import form_page


@teacher_required
@require_POST
def pupil_unlock(request, pk):
    """Let a paused pupil try again, with the same pictures or password (and cards)."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    pupil_login_unlock(pupil=pupil, by=request.user)
    messages.success(
        request,
        _("%(name)s can log in again with the same pictures or password.")
        % {"name": pupil.display_name},
    )
    return redirect(pupil)


@teacher_required
@require_POST
@never_cache
def login_cards_qr(request, pk):
    """The class's cards with a fresh QR code each; earlier QR cards of the class stop working."""
    group = get_object_or_404(TeachingGroup.objects.visible_to(request.user).active(), pk=pk)
    form = forms.ConfirmForm(request.POST, label=qr_confirm_label())
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm, then make the QR cards."))
        return redirect("teacher_portal:login_cards", pk=group.pk)
    pupils = list(group.pupils.active())
    tokens = card_tokens_issue(group=group, pupils=pupils, by=request.user)
    base = request.build_absolute_uri(reverse("pupil_login_card"))
    qr = {pk: qr_data_uri(f"{base}#{raw}") for pk, raw in tokens.items()}
    messages.success(
        request,
        _(
            "Print these cards now: their QR codes are shown only once. Older QR cards of this "
            "class no longer work."
        ),
    )
    return login_cards_render(request, group, password_confirm_form(), qr=qr)


class SignInSettingsForm(forms.PortalForm):
    qr_cards_sign_in_alone = django_forms.BooleanField(
        required=False,
        label=gettext_lazy("A QR login card alone signs a pupil in"),
        help_text=gettext_lazy(
            "Quickest for young pupils on class tablets, but anyone holding a pupil's card can "
            "sign in as them. When this is off, scanning a card fills in the class and name, "
            "and the pupil still taps their pictures or types their password."
        ),
    )


@school_admin_view
@require_http_methods(["GET", "POST"])
def sign_in_settings(request, *, school):
    form = SignInSettingsForm(
        request.POST if request.method == "POST" else None,  # an unticked box posts nothing
        initial={"qr_cards_sign_in_alone": school.qr_cards_sign_in_alone},
    )
    if request.method == "POST" and form.is_valid():
        school_qr_alone_set(school=school, enabled=form.cleaned_data["qr_cards_sign_in_alone"])
        messages.success(request, _("Sign-in settings saved."))
        return redirect("teacher_portal:sign_in_settings")
    return form_page(
        request,
        form,
        title=_("Pupil sign-in"),
        submit=_("Save"),
        cancel_url=reverse("teacher_portal:home"),
        intro=_(
            "Login cards can carry a QR code that a class tablet's camera reads. Print them "
            "from each class's “Login cards” page."
        ),
    )
