"""Sign-in for safeguarding leads: straight to the inbox when something waits for them."""

from schools.adapters import StaffAccountAdapter

from .services import login_landing_url


class SafeguardingAccountAdapter(StaffAccountAdapter):
    """A DSL or deputy who signs in (after two-step verification) lands on the safeguarding
    inbox whenever a concern is unacknowledged or a flag needs review; otherwise, and for
    everyone else, where they always land. A `next` address in the sign-in link still wins.

    A host site with its own adapter can inherit from this one, or call
    `safeguarding.services.login_landing_url` in its own `get_login_redirect_url`.
    """

    def get_login_redirect_url(self, request):
        return login_landing_url(user=request.user) or super().get_login_redirect_url(request)
