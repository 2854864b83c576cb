"""Safeguarding workflows. Views, commands, tasks and other apps call these, never the models.

Every function is keyword-only and transactional. A concern is committed together with its
first chronology entry, its in-app alerts, its email tasks and its escalation check
(django-tasks-db stores tasks in the same database transaction: an outbox), so a concern can
never exist without the work that tells the DSL about it.

Nothing here logs concern details: log lines carry record ids only.

This package is split by concern; `safeguarding.services` stays its one public face.
"""

from ..screening import screen_text
from .access_log import AccessLogVerification, access_log_record, access_log_verify

# faults: the access log's anchor outside the database
from .access_log_anchor import (  # noqa: E402
    AccessLogAnchor,
    AnchorUnreadable,
    access_log_anchor_problems,
    access_log_anchor_read,
    access_log_anchor_write,
)
from .common import (
    ACCESS_LOG_GENESIS,
    DELIVERY_CLAIM,
    DELIVERY_STALE_AFTER,
    DSL_ENTRY_KINDS,
    FLAG_EXCERPT_MAX_CHARS,
    safeguarding_leads,
    text_too_long_message,
)
from .concerns import (
    chronology_add,
    concern_acknowledge,
    concern_close,
    concern_escalate_if_unacknowledged,
    concern_link_pupil,
    concern_raise,
    concern_reopen,
)
from .flags import flag_dismiss, flag_promote, flag_raise
from .notifications import alerts_mark_read, deliveries_requeue_stale, delivery_attempt, retry_delay
from .school_settings import (
    concern_categories_ensure,
    concern_categories_set,
    screening_phrases_set,
)

__all__ = [
    "screen_text",
    "text_too_long_message",
    "safeguarding_leads",
    "FLAG_EXCERPT_MAX_CHARS",
    "DELIVERY_CLAIM",
    "DELIVERY_STALE_AFTER",
    "ACCESS_LOG_GENESIS",
    "DSL_ENTRY_KINDS",
    "concern_categories_ensure",
    "concern_categories_set",
    "screening_phrases_set",
    "concern_raise",
    "concern_acknowledge",
    "chronology_add",
    "concern_close",
    "concern_reopen",
    "concern_link_pupil",
    "concern_escalate_if_unacknowledged",
    "flag_raise",
    "flag_promote",
    "flag_dismiss",
    "alerts_mark_read",
    "retry_delay",
    "delivery_attempt",
    "deliveries_requeue_stale",
    "access_log_record",
    "AccessLogVerification",
    "access_log_verify",
    # faults
    "AccessLogAnchor",
    "AnchorUnreadable",
    "access_log_anchor_read",
    "access_log_anchor_problems",
    "access_log_anchor_write",
]
