from allauth.account.adapter import DefaultAccountAdapter


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a school admin or the demo loader, never by sign-up."""

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        # The second step (TOTP) is skipped only after a school's trusted provider's own (sso).
        return [
            "schools.sso.SchoolMFAStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]
