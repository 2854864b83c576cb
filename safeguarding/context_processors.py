"""What every staff page shows about safeguarding: how much waits for the leads."""

from functools import cache


def safeguarding(request):
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

    return {"safeguarding_waiting": waiting}
