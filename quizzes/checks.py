from django.core.checks import Error, Warning, register

from . import conf
from .screening import safeguarding_api


@register()
def check_streamwise_quiz_settings(app_configs, **kwargs):
    errors = []
    try:
        policy = conf.access_policy()
    except ImportError as error:
        errors.append(
            Error(
                f"STREAMWISE_QUIZ_ACCESS_POLICY cannot be imported: {error}",
                hint="Give a dotted path to a function (pupil, quiz) -> bool.",
                id="streamwise.E401",
            )
        )
    else:
        if not callable(policy):
            errors.append(
                Error("STREAMWISE_QUIZ_ACCESS_POLICY must be callable.", id="streamwise.E402")
            )
    if conf.free_text_max_length() < 1:
        errors.append(
            Error("STREAMWISE_QUIZ_FREE_TEXT_MAX_LENGTH must be at least 1.", id="streamwise.E403")
        )
    if safeguarding_api() is None:
        errors.append(
            Warning(
                "Free-text quiz answers cannot be screened: the safeguarding app does not provide "
                "safeguarding.services.pupil_text_screen.",
                hint="Answers are kept and screened later by `manage.py quiz_screen_pending`.",
                id="streamwise.W401",
            )
        )
    return errors
