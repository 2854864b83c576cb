"""The session store Streamwise sets by default: Django's database sessions, read faster.

Every page a pupil opens starts by reading their session. Django's database store builds that
query with the ORM on each request; this one compiles it once per process
(`schools.prepared`) and is otherwise Django's own store: the same table, the same expiry, the
same writes. Sessions stay on the server, so logging out ends them at once (a signed-cookie
session could be replayed from a shared classroom computer after the pupil had logged out).

    SESSION_ENGINE = "schools.sessions"
"""

from functools import cache

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router
from django.utils import timezone

from .prepared import PreparedQuery


@cache
def _live_session(model) -> PreparedQuery:
    return PreparedQuery(
        lambda key, now: model.objects.filter(session_key=key, expire_date__gt=now)[:1],
        key=model._meta.get_field("session_key"),
        now=model._meta.get_field("expire_date"),
    )


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        found = _live_session(self.model).fetch(
            key=self.session_key, now=timezone.now(), using=router.db_for_read(self.model)
        )
        if found:
            return found[0]
        self._session_key = None
        return None
