from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding import conf
from safeguarding.services import (
    AnchorUnreadable,
    access_log_anchor_problems,
    access_log_anchor_read,
    access_log_anchor_write,
    access_log_verify,
)


class Command(BaseCommand):
    help = (
        "Check the safeguarding access log's hash chain, and compare it with the last verified "
        "entry recorded outside the database (STREAMWISE_ACCESS_LOG_ANCHOR_PATH). Exits with an "
        "error if any entry has been changed, removed, inserted or reordered, or the log has "
        "been cut short. Run it daily: each clean run moves the anchor forward."
    )

    def handle(self, *args, **options):
        result = access_log_verify()
        problems = list(result.problems)
        anchor_path = conf.access_log_anchor_path()
        if anchor_path:
            path = Path(anchor_path)
            try:
                problems += access_log_anchor_problems(access_log_anchor_read(path))
            except AnchorUnreadable as error:
                problems.append(str(error))
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The safeguarding access log has been tampered with "
                f"({len(problems)} problem(s) in {result.checked} entries)."
            )
        if anchor_path:
            anchor = access_log_anchor_write(path)
            self.stdout.write(
                f"OK: {result.checked} access log entries verified; anchored at entry "
                f"{anchor.seq} in {path}."
            )
        else:
            self.stdout.write(
                f"OK: {result.checked} access log entries verified. Not anchored: set "
                "STREAMWISE_ACCESS_LOG_ANCHOR_PATH so that cutting the log short is noticed."
            )
