from django.core.management.base import BaseCommand, CommandError

from lessons.demo import assign_demo_modules
from schools.models import School


class Command(BaseCommand):
    help = "Assign each class of a school its age band's module, due in two weeks (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--school", default="oakfield", help="The school's slug.")

    def handle(self, *args, school, **options):
        found = School.objects.filter(slug=school).first()
        if found is None:
            raise CommandError(f"No school with the slug “{school}”.")
        created = assign_demo_modules(found)
        if options.get("verbosity", 1):
            self.stdout.write(f"Assigned modules to {len(created)} classes of {found.name}.")
