"""Background work for safeguarding, run by the `db_worker`.

Tasks carry record ids only (never concern details) and run at a higher priority than other
work, so a queue of report exports never holds up a DSL's notice.
"""

from __future__ import annotations

from django.tasks import task

SAFEGUARDING_PRIORITY = 50


@task(priority=SAFEGUARDING_PRIORITY)
def delivery_send(*, delivery_id: int, token: str) -> str:
    """Send one notification email, or schedule its retry (see services.delivery_attempt)."""
    from .services import delivery_attempt

    return delivery_attempt(delivery_id=delivery_id, token=token)


@task(priority=SAFEGUARDING_PRIORITY)
def concern_escalation_check(*, concern_id: int) -> bool:
    """Escalate the concern if nobody has acknowledged it yet."""
    from .services import concern_escalate_if_unacknowledged

    return concern_escalate_if_unacknowledged(concern_id=concern_id)


@task(priority=SAFEGUARDING_PRIORITY)
def flag_escalation_check(*, flag_id: int) -> bool:
    """Escalate the flag if no safeguarding lead has opened or reviewed it yet."""
    from .services import flag_escalate_if_unreviewed

    return flag_escalate_if_unreviewed(flag_id=flag_id)


@task(priority=SAFEGUARDING_PRIORITY)
def case_action_reminder(*, action_id: int) -> str:
    """Remind the owner of an action on a case that it is due (see services.casework)."""
    from .services import case_action_remind_if_due

    return case_action_remind_if_due(action_id=action_id)
