from django.contrib import messages
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .models import Quiz
from .viewsets import QuizViewSet

register_snippet(QuizViewSet)


def _warn_if_unfair(request, instance) -> None:
    """After a quiz is saved in the editor: say (without blocking) if its answers are easy to
    guess, by the same fairness rules the curriculum loader applies."""
    if not isinstance(instance, Quiz):
        return
    from lessons.fairness import quiz_model_warnings  # lessons depends on quizzes, not back

    for warning in quiz_model_warnings(instance):
        messages.warning(request, _("Saved, but worth a look: %(warning)s") % {"warning": warning})


@hooks.register("after_create_snippet")
def quiz_fairness_after_create(request, instance):
    _warn_if_unfair(request, instance)


@hooks.register("after_edit_snippet")
def quiz_fairness_after_edit(request, instance):
    _warn_if_unfair(request, instance)
