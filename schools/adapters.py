from allauth.account.adapter import DefaultAccountAdapter


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a school admin or the demo loader, never by sign-up."""

    def is_open_for_signup(self, request):
        return False
