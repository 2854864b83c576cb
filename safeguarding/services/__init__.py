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
from .access_log_anchor import (
    AccessLogAnchor,
    AnchorUnreadable,
    access_log_anchor_problems,
    access_log_anchor_read,
    access_log_anchor_write,
)
from .activity import SafeguardingActivity, safeguarding_activity
from .casework import (
    case_action_add,
    case_action_complete,
    case_action_remind_if_due,
    case_attachment_add,
    case_attachment_open,
    case_link_add,
    referral_outcome_record,
)
from .child import (
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
from .escalation import escalation_recipients
from .flags import flag_dismiss, flag_escalate_if_unreviewed, flag_open, flag_promote, flag_raise
from .notifications import (
    EmailOutage,
    alerts_clear,
    alerts_mark_read,
    deliveries_requeue_stale,
    deliveries_wake,
    delivery_attempt,
    email_outage,
    retry_delay,
)
from .reports import GovernorCounts, governor_counts, school_year_of
from .retention import (
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
    school_safeguarding_settings_set,
    school_staff,
    screening_phrases_set,
)
from .screening import pupil_text_screen
from .transfer import (
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
    # access_log
    "AccessLogVerification",
    "access_log_record",
    "access_log_verify",
    # access_log_anchor
    "AccessLogAnchor",
    "AnchorUnreadable",
    "access_log_anchor_problems",
    "access_log_anchor_read",
    "access_log_anchor_write",
    # casework
    "case_action_add",
    "case_action_complete",
    "case_action_remind_if_due",
    "case_attachment_add",
    "case_attachment_open",
    "case_link_add",
    "referral_outcome_record",
    # child
    "child_details_changes",
    "child_details_current",
    "child_details_update",
    "upn_check_letter",
    "upn_clean",
    # common
    "ACCESS_LOG_GENESIS",
    "DELIVERY_CLAIM",
    "DELIVERY_STALE_AFTER",
    "DSL_ENTRY_KINDS",
    "FLAG_EXCERPT_MAX_CHARS",
    "safeguarding_leads",
    "text_too_long_message",
    # concerns
    "chronology_add",
    "concern_acknowledge",
    "concern_close",
    "concern_escalate_if_unacknowledged",
    "concern_link_pupil",
    "concern_raise",
    "concern_reopen",
    # escalation
    "escalation_recipients",
    # flags
    "flag_dismiss",
    "flag_escalate_if_unreviewed",
    "flag_open",
    "flag_promote",
    "flag_raise",
    # notifications
    "EmailOutage",
    "alerts_clear",
    "alerts_mark_read",
    "deliveries_requeue_stale",
    "deliveries_wake",
    "delivery_attempt",
    "email_outage",
    "retry_delay",
    # reports
    "GovernorCounts",
    "governor_counts",
    "safeguarding_activity",
    "SafeguardingActivity",
    "school_year_of",
    # retention
    "Retention",
    "legal_hold_active",
    "legal_hold_lift",
    "legal_hold_place",
    "retention_for",
    "retention_policy_for",
    "retention_policy_set",
    "retention_review_list",
    # school_settings
    "concern_categories_ensure",
    "concern_categories_set",
    "school_safeguarding_settings_set",
    "school_staff",
    "screening_phrases_set",
    # screening
    "pupil_text_screen",
    # transfer
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
    # triage
    "InboxFilters",
    "InboxRow",
    "assignable_leads",
    "concern_assign",
    "concern_categories_change",
    "inbox_rows",
    "login_landing_url",
    "waiting_count",
]
