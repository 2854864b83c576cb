from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.loader import CurriculumError
from schools.models import School
from training.demo import demo_training_load
from training.loader import courses_load


class Command(BaseCommand):
    help = (
        "Build or update the staff training courses from training/courses/. Safe to run again: "
        "courses are updated in place and staff certificates are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=None)
        parser.add_argument(
            "--demo-school",
            default="",
            help="Slug of a school to give demo training records (the demo does this).",
        )

    def handle(self, *args, directory=None, demo_school="", **options):
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
        if demo_school:
            school = School.objects.filter(slug=demo_school).first()
            if school is None:
                raise CommandError(f"No school with the slug “{demo_school}”.")
            demo_training_load(school)
            self.stdout.write(f"Demo staff training records added for {school.name}.")
