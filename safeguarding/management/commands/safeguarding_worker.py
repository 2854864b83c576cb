import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from safeguarding.worker import ResilientWorker


class Command(DBWorkerCommand):
    help = (
        "Run a task worker (django-tasks-db's db_worker, with the same options) that survives "
        "losing its database connection, keeps a heartbeat, and hands back safeguarding tasks "
        "stranded by workers that died. Use it instead of db_worker."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        for action in parser._actions:
            if action.dest == "interval":
                action.default = None
                action.help = (
                    "Seconds between looks for tasks when idle (default: "
                    "STREAMWISE_WORKER_IDLE_POLL_SECONDS, 30, where the database can wake the "
                    "worker when a task is queued — PostgreSQL, or SQLite in a file; else 1)"
                )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
