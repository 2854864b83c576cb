from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError

from . import staff_login


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by a school admin or the demo loader, never by sign-up.

    Wrong passwords slow sign-in down per address and per account (schools.staff_login)
    instead of locking the account.
    """

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

    def pre_authenticate(self, request, **credentials):
        super().pre_authenticate(request, **credentials)  # allauth's per-address limits
        try:
            staff_login.before_check(request, credentials)
        except ValidationError:
            self._rollback_login_failed_rl_usage()  # nothing was checked
            raise

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        staff_login.after_failure(request, credentials)

    def _delete_login_attempts_cached_email(self, request, **credentials):
        super()._delete_login_attempts_cached_email(request, **credentials)
        staff_login.clear_account(credentials)
