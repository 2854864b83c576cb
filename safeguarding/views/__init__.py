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
from .flags import flag, flag_dismiss, flag_promote  # noqa: F401
from .inbox import access_log, home, search, settings_view  # noqa: F401
from .not_sent import not_sent_response  # noqa: F401,E402
from .pupil import quick_exit, talk, talk_sent  # noqa: F401
from .staff import raise_concern, raised_detail, raised_list  # noqa: F401
