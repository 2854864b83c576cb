from django.core.checks import Error, register

from . import conf


@register()
def check_streamwise_schools_settings(app_configs, **kwargs):
    errors = []
    if conf.pupil_login_max_failures() < 1:
        errors.append(
            Error(
                "STREAMWISE_PUPIL_LOGIN_MAX_FAILURES must be at least 1.",
                id="streamwise.E001",
            )
        )
    if conf.pupil_login_lock_minutes() < 1:
        errors.append(
            Error("STREAMWISE_PUPIL_LOGIN_LOCK_MINUTES must be at least 1.", id="streamwise.E002")
        )
    return errors
