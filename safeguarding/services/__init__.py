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
from .casework import (
    case_action_add,
    case_action_complete,
    case_action_remind_if_due,
    case_attachment_add,
    case_attachment_open,
    case_link_add,
    referral_outcome_record,
)

# Records that follow the child (transfer part of issue 11)
from .child import (  # noqa: E402
    child_details_changes,
    child_details_current,
    child_details_update,
    upn_check_letter,
    upn_clean,
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
from .reports import GovernorCounts, governor_counts, school_year_of
from .retention import (  # noqa: E402
    Retention,
    legal_hold_active,
    legal_hold_lift,
    legal_hold_place,
    retention_for,
    retention_policy_for,
    retention_policy_set,
    retention_review_list,
)
from .school_settings import (
    concern_categories_ensure,
    concern_categories_set,
    screening_phrases_set,
)
from .screening import pupil_text_screen  # issue 11 (detect)
from .transfer import (  # noqa: E402
    LinkClosed,
    SentTransfer,
    record_import,
    school_days_between,
    transfer_check_open,
    transfer_code_check,
    transfer_confirm,
    transfer_file_verify,
    transfer_for_token,
    transfer_is_late,
    transfer_send,
)

# isort: split
# Notify: flag notices and escalation, at-most-once email, the email outage banner.
from .escalation import escalation_recipients
from .flags import flag_escalate_if_unreviewed, flag_open
from .notifications import EmailOutage, alerts_clear, deliveries_wake, email_outage
from .school_settings import school_safeguarding_settings_set, school_staff
from .triage import (
    InboxFilters,
    InboxRow,
    assignable_leads,
    concern_assign,
    concern_categories_change,
    inbox_rows,
    login_landing_url,
    waiting_count,
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
    # Records that follow the child (transfer part of issue 11)
    "child_details_changes",
    "child_details_current",
    "child_details_update",
    "upn_check_letter",
    "upn_clean",
    "Retention",
    "legal_hold_active",
    "legal_hold_lift",
    "legal_hold_place",
    "retention_for",
    "retention_policy_for",
    "retention_policy_set",
    "retention_review_list",
    "LinkClosed",
    "SentTransfer",
    "record_import",
    "school_days_between",
    "transfer_check_open",
    "transfer_code_check",
    "transfer_confirm",
    "transfer_file_verify",
    "transfer_for_token",
    "transfer_is_late",
    "transfer_send",
    "pupil_text_screen",  # issue 11 (detect)
    # Notify: flag notices and escalation, at-most-once email, the email outage banner.
    "flag_escalate_if_unreviewed",
    "flag_open",
    "alerts_clear",
    "deliveries_wake",
    "EmailOutage",
    "email_outage",
    "escalation_recipients",
    "school_safeguarding_settings_set",
    "school_staff",
    "case_action_add",
    "case_action_complete",
    "case_action_remind_if_due",
    "case_attachment_add",
    "case_attachment_open",
    "referral_outcome_record",
    "case_link_add",
    # Triage
    "InboxFilters",
    "InboxRow",
    "assignable_leads",
    "concern_assign",
    "concern_categories_change",
    "inbox_rows",
    "login_landing_url",
    "waiting_count",
    "GovernorCounts",
    "governor_counts",
    "school_year_of",
]
