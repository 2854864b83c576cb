"""What every staff page shows about safeguarding: how much waits for the leads."""

from django.utils.functional import SimpleLazyObject


def safeguarding(request):
    """`safeguarding_waiting`: unacknowledged concerns plus flags to review, for a DSL or deputy
    (0 for everyone else). Worked out only when a page shows it: two COUNT queries for a lead,
    none for a pupil or a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from .services import waiting_count

        return waiting_count(user=user)

    return {"safeguarding_waiting": SimpleLazyObject(count)}
