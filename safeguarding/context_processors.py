"""Template context the safeguarding app offers to the pages of a host site.

`safeguarding.context_processors.email_outage` tells DSLs, deputy DSLs and school admins when
safeguarding emails are not getting through, so that nobody relies on an email that is stuck
in the outbox. Host sites add it to `TEMPLATES[0]["OPTIONS"]["context_processors"]` and
include `safeguarding/includes/email_outage_banner.html` in the base template of their staff
pages (Streamwise's own `streamwise/base_staff.html` does). It adds no query for other staff,
and one or two for DSLs, deputies and school admins (only on pages that include the banner).
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from schools.models import SAFEGUARDING_ROLES, StaffRole
from schools.permissions import schools_where

BANNER_ROLES = (*SAFEGUARDING_ROLES, StaffRole.SCHOOL_ADMIN)


def email_outage(request) -> dict:
    """`safeguarding_email_outage`: an `EmailOutage` (since when emails fail, how many wait
    for the user's schools) while they fail, for the staff who need to know; else falsy."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def outage():
        from .services import email_outage as find_outage

        school_ids = schools_where(user, *BANNER_ROLES)
        if not school_ids:
            return None
        return find_outage(school_ids=school_ids)

    return {"safeguarding_email_outage": SimpleLazyObject(outage)}
