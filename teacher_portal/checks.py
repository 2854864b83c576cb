from django.core.checks import Error, register

from . import conf


@register()
def check_streamwise_portal_settings(app_configs, **kwargs):
    errors = []
    for name, value in (
        ("STREAMWISE_ROSTER_MAX_BYTES", conf.roster_max_bytes()),
        ("STREAMWISE_ROSTER_MAX_ROWS", conf.roster_max_rows()),
        ("STREAMWISE_ROSTER_PREVIEW_MINUTES", conf.roster_preview_minutes()),
    ):
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(f"{name} must be a whole number of at least 1.", id="streamwise.E101")
            )
    return errors
