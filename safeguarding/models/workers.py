"""Task workers' heartbeats: how a worker knows another one is gone.

Every `safeguarding_worker` process writes its row every few seconds. A safeguarding task that
is still marked running under a worker whose heartbeat has stopped (killed, machine lost) is
handed back to the queue by any other worker: see `safeguarding.recovery`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["WorkerHeartbeat"]


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("task worker heartbeat")
        verbose_name_plural = _("task worker heartbeats")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
