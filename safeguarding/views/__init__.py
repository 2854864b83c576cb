"""Safeguarding pages: "Talk to someone" for pupils, "Raise a concern" for staff, and the DSL area.

Views parse, call a service and render. Who may see what is decided by the QuerySets
(`Concern.objects.visible_to`, `raised_by`) and `permissions`; every view of a case, a pupil's
record or a flag, and every search and export, is written to the access log before anything
is shown. URLs carry record ids only. One module per part of the area; this package is the
face `urls.py` uses.
"""

from .cases import (  # noqa: F401
    case,
    case_acknowledge,
    case_close,
    case_entry_add,
    case_entry_correct,
    case_export,
    case_link,
    case_reopen,
    pupil_export,
    pupil_record,
)
from .casework import (  # noqa: F401, E402
    case_action_add,
    case_action_complete,
    case_attachment,
    case_attachment_add,
    case_referral_outcome,
    case_related_add,
    my_actions,
)
from .child import (  # noqa: F401, E402  (transfer part of issue 11)
    child_details_edit,
    legal_hold_lift,
    legal_hold_place,
    retention_review,
)
from .flags import flag, flag_dismiss, flag_promote  # noqa: F401
from .inbox import access_log, home, reports, reports_csv, search, settings_view  # noqa: F401
from .not_sent import not_sent_response  # noqa: F401,E402
from .pupil import quick_exit, talk, talk_sent  # noqa: F401
from .staff import raise_concern, raised_detail, raised_list  # noqa: F401
from .transfer import (  # noqa: F401, E402  (transfer part of issue 11)
    receive,
    receive_confirm,
    receive_file,
    record_import,
    transfer_detail,
    transfer_list,
    transfer_new,
)
from .triage import case_assign, case_categories  # noqa: F401
