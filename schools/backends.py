"""The authentication backend pupils' sessions are restored by."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .prepared import PreparedQuery


@cache
def _account_with_pupil() -> PreparedQuery:
    user_model = get_user_model()
    return PreparedQuery(
        lambda pk: user_model._default_manager.select_related("pupil").filter(pk=pk),
        pk=user_model._meta.pk,
    )


class PupilSessionBackend(ModelBackend):
    """Restores a signed-in pupil's account with its Pupil row in one query (issue 16).

    Every pupil page reads the Pupil behind the account (`schools.permissions.get_pupil`); with
    Django's `ModelBackend` that is a second query after the account's. The query is compiled
    once per process (`schools.prepared`). Pupils never sign in
    through `authenticate()` (they use their class code and pictures or password in
    `schools.views`, which logs them in with this backend), so this backend checks no passwords.
    """

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = _account_with_pupil().fetch(pk=pk)
        if not found:
            return None
        return found[0] if self.user_can_authenticate(found[0]) else None
