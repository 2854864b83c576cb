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
    if not 0 <= conf.wonde_sync_hour() <= 23:
        errors.append(
            Error("STREAMWISE_WONDE_SYNC_HOUR must be an hour, 0 to 23.", id="streamwise.E003")
        )
    if conf.wonde_max_wait_seconds() < 0:
        errors.append(
            Error("STREAMWISE_WONDE_MAX_WAIT_SECONDS must not be negative.", id="streamwise.E004")
        )
    if not conf.wonde_api_url().startswith(("https://", "http://")):
        errors.append(
            Error(
                "STREAMWISE_WONDE_API_URL must be an http(s) address, like "
                "https://api.wonde.com/v1.0.",
                id="streamwise.E005",
            )
        )
    return errors
