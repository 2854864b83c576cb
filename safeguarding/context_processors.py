"""Template context the safeguarding app offers to the pages of a host site.

Host sites add both to `TEMPLATES[0]["OPTIONS"]["context_processors"]` (system checks warn when
they are missing):

- `safeguarding.context_processors.safeguarding` gives `safeguarding_waiting`, how much waits for
  a DSL or deputy DSL (the count in the header), and `safeguarding_waiting_elsewhere`, the same
  counts for the other schools where they are a lead (shown beside the school switcher);
- `safeguarding.context_processors.email_outage` gives `safeguarding_email_outage`, which tells
  DSLs, deputy DSLs and school admins when safeguarding emails are not getting through, so that
  nobody relies on an email that is stuck in the outbox. Include
  `safeguarding/includes/email_outage_banner.html` in the base template of the staff pages
  (Streamwise's own `streamwise/base_staff.html` does).

Both are lazy: they cost no query on a page that does not show them, and none for pupils,
visitors or staff without those roles.
"""

from __future__ import annotations

from functools import cache

from django.utils.functional import SimpleLazyObject

from schools.models import SAFEGUARDING_ROLES, StaffRole
from schools.permissions import schools_where

BANNER_ROLES = (*SAFEGUARDING_ROLES, StaffRole.SCHOOL_ADMIN)


def safeguarding(request) -> dict:
    """`safeguarding_waiting`: unacknowledged concerns plus flags to review, for a DSL or deputy
    (0 for everyone else). A callable the template calls only where it shows the number, and
    worked out once per request: two COUNT queries for a lead, none for a pupil or a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def waiting() -> int:
        from .services import waiting_count

        return waiting_count(user=user)

    @cache
    def elsewhere() -> list[tuple[str, int]]:
        from .services.triage import waiting_elsewhere

        return waiting_elsewhere(user=user)

    return {"safeguarding_waiting": waiting, "safeguarding_waiting_elsewhere": elsewhere}


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
