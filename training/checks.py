from django.core.checks import Error, register

from . import conf


@register()
def check_streamwise_training_settings(app_configs, **kwargs):
    errors = []
    try:
        days = conf.reminder_days()
    except (TypeError, ValueError):
        days = -1
    if days < 1:
        errors.append(
            Error(
                "STREAMWISE_TRAINING_REMINDER_DAYS must be a whole number of days, at least 1.",
                id="streamwise.E901",
            )
        )
    try:
        hours = conf.sweep_interval().total_seconds() / 3600
    except (TypeError, ValueError):
        hours = 0
    if hours <= 0:
        errors.append(
            Error(
                "STREAMWISE_TRAINING_SWEEP_HOURS must be a number of hours above 0.",
                id="streamwise.E902",
            )
        )
    return errors
