from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.loader import CurriculumError
from training.loader import courses_load


class Command(BaseCommand):
    help = (
        "Build or update the staff training courses from training/courses/. Safe to run again: "
        "courses are updated in place and staff certificates are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=None)

    def handle(self, *args, directory=None, **options):
        try:
            report = courses_load(directory=directory)
        except CurriculumError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff courses loaded: {len(report.created)} created, {len(report.updated)} "
                f"updated, {len(report.unchanged)} unchanged."
            )
        )
