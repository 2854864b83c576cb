from django.core.management.base import BaseCommand

from training.reminders import sweep_schedule


class Command(BaseCommand):
    help = (
        "Queue the staff training reminder sweep for the task worker, unless one is already "
        "waiting. The sweep then queues itself again (STREAMWISE_TRAINING_SWEEP_HOURS)."
    )

    def handle(self, *args, **options):
        queued = sweep_schedule()
        self.stdout.write("Reminder sweep queued." if queued else "A reminder sweep is waiting.")
