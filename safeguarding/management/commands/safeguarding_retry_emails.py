from django.core.management.base import BaseCommand

from safeguarding.services import deliveries_requeue_stale


class Command(BaseCommand):
    help = (
        "Give a new task to every safeguarding email whose retry is overdue (for instance after "
        "a task worker was killed mid-task). Safe to run at any time, e.g. from cron."
    )

    def handle(self, *args, **options):
        count = deliveries_requeue_stale()
        self.stdout.write(f"{count} safeguarding email(s) queued again.")
