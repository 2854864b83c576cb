"""Background work for Wonde syncs, run by the task worker (`db_worker`).

Tasks carry ids only. The nightly task schedules the next night's before it queues tonight's
sync, so one failed sync never ends the chain; `key` names the one nightly task a connection
expects (an older one, left from before a reconnect, does nothing).
"""

from __future__ import annotations

from django.tasks import task


@task
def wonde_sync_run(*, sync_id: int) -> str:
    """Fetch from Wonde and preview or apply (see services.sync_run)."""
    from .services import sync_run

    return sync_run(sync_id=sync_id)


@task
def wonde_nightly(*, connection_id: int, key: str) -> str:
    """Queue tonight's sync of one school and schedule tomorrow's."""
    from .services import nightly_run

    return nightly_run(connection_id=connection_id, key=key)
