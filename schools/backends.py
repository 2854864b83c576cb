"""The authentication backend pupils' sessions are restored by."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PupilSessionBackend(ModelBackend):
    """Restores a signed-in pupil's account with its Pupil row in one query (issue 16).

    Every pupil page reads the Pupil behind the account (`schools.permissions.get_pupil`); with
    Django's `ModelBackend` that is a second query after the account's. Pupils never sign in
    through `authenticate()` (they use their class code and pictures or password in
    `schools.views`, which logs them in with this backend), so this backend checks no passwords.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("pupil").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
