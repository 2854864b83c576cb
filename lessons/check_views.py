"""A pupil starts the module check (before or after) from the module page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quizzes.module_checks import check_start, submitted_phases
from quizzes.services import QuizError
from quizzes.views import RETURN_KEY
from schools.permissions import get_pupil, pupil_required

from .models import ModulePage
from .module_checks import module_check, phase_due


@pupil_required
@require_POST
def module_check_start(request, module_id: int, phase: str):
    pupil = get_pupil(request.user)
    module = get_object_or_404(ModulePage.objects.for_pupil(pupil), pk=module_id)
    quiz = module_check(module)
    if quiz is None:
        raise Http404
    module_url = module.get_url(request)
    due = phase_due(module=module, pupil=pupil, done=submitted_phases(pupil=pupil, quiz=quiz))
    if phase != due:
        messages.info(request, _("That check isn't open right now. Carry on with your lessons!"))
        return redirect(module_url)
    try:
        attempt = check_start(pupil=pupil, quiz=quiz, phase=phase)
    except QuizError as error:
        messages.info(request, error.message)
        return redirect(module_url)
    request.session[RETURN_KEY.format(quiz.pk)] = module_url
    return redirect(attempt.get_absolute_url())
