from django.core.management.base import BaseCommand, CommandError

from safeguarding.services import access_log_verify


class Command(BaseCommand):
    help = (
        "Check the safeguarding access log's hash chain. Exits with an error if any entry has "
        "been changed, removed, inserted or reordered."
    )

    def handle(self, *args, **options):
        result = access_log_verify()
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The safeguarding access log has been tampered with "
                f"({len(result.problems)} problem(s) in {result.checked} entries)."
            )
        self.stdout.write(f"OK: {result.checked} access log entries verified.")
