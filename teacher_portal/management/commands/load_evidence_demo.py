from django.core.management.base import BaseCommand, CommandError

from schools.models import School
from teacher_portal.evidence_demo import load_evidence_demo


class Command(BaseCommand):
    help = (
        "Give a demo school lessons taught, module checks, concerns and an online-safety review, "
        "so its evidence page has something in every section (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school", default="oakfield", help="The school's slug.")

    def handle(self, *args, school, **options):
        found = School.objects.filter(slug=school).first()
        if found is None:
            raise CommandError(f"No school with the slug “{school}”.")
        activity = load_evidence_demo(found)
        if options.get("verbosity", 1):
            self.stdout.write(
                f"Evidence demo for {found.name}: {activity.lessons_completed} lessons completed, "
                f"{activity.checks_taken} checks taken, {len(activity.concerns)} concerns."
            )
