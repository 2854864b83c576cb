"""Signing in with a QR login card.

The card's QR code opens /login/pupil/card/#<token>. The part after "#" never reaches the
server, so the token is in no access log; the page's script puts it into a form and posts it
(a link preview, which runs no script, signs nobody in). A school may let the card alone sign
a pupil in; otherwise the card fills in the class and name and the pupil still taps their
pictures or types their password.
"""

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import throttle
from .cards import card_token_find
from .permissions import get_pupil
from .views import (
    SESSION_GROUP,
    SESSION_PICKS,
    SESSION_PUPIL,
    THROTTLE_SCOPE,
    _blocked_response,
    _finish_login,
)


@never_cache
@require_http_methods(["GET", "POST"])
def pupil_login_card(request):
    if get_pupil(request.user) is not None:
        return redirect("learn_home")
    error = ""
    if request.method == "POST":
        if throttle.address_is_blocked(request, THROTTLE_SCOPE):
            return _blocked_response(request)
        card = card_token_find(raw=request.POST.get("token", "").strip())
        if card is not None:
            pupil, group = card.pupil, card.teaching_group
            if group.school.qr_cards_sign_in_alone:
                return _finish_login(request, pupil)
            request.session.cycle_key()
            request.session[SESSION_GROUP] = group.pk
            request.session[SESSION_PUPIL] = pupil.pk
            request.session[SESSION_PICKS] = []
            return redirect("pupil_login_secret")
        throttle.address_failure(request, THROTTLE_SCOPE)
        error = _("This card doesn't work any more. Ask your teacher for a new one.")
    return render(request, "schools/pupil_login_card.html", {"error": error}, status=200)
