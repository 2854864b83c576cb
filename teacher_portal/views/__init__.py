"""Teacher portal pages. Views parse, call a service and render; scoping is done by QuerySets.

The pages are in modules by concern: `classes` (teachers' classes, pupils and login cards),
`school_classes` (school admins' classes and pupils), `school_staff` (school admins' staff) and
`school_data` (roster import and API tokens); `common` has the form and confirmation pages they
share. Every view is importable from `teacher_portal.views`, as `teacher_portal.urls` does.
"""

from .classes import (
    class_detail,
    home,
    login_cards,
    login_cards_new_passwords,
    pupil_detail,
    pupil_reset_login,
    qr_confirm_label,
)
from .school_classes import (
    PUPILS_PER_PAGE,
    class_add,
    class_archive,
    class_edit,
    class_restore,
    pupil_add,
    pupil_archive_view,
    pupil_edit,
    pupil_move_view,
    school_classes,
    school_pupils,
)
from .school_data import (
    api_token_revoke_view,
    api_tokens,
    roster_confirm,
    roster_template,
    roster_upload,
)
from .school_staff import staff_add, staff_edit, staff_list, staff_remove

__all__ = [
    "PUPILS_PER_PAGE",
    "api_token_revoke_view",
    "api_tokens",
    "class_add",
    "class_archive",
    "class_detail",
    "class_edit",
    "class_restore",
    "home",
    "login_cards",
    "login_cards_new_passwords",
    "pupil_add",
    "pupil_archive_view",
    "pupil_detail",
    "pupil_edit",
    "pupil_move_view",
    "pupil_reset_login",
    "qr_confirm_label",
    "roster_confirm",
    "roster_template",
    "roster_upload",
    "school_classes",
    "school_pupils",
    "staff_add",
    "staff_edit",
    "staff_list",
    "staff_remove",
]
