from django.core.management import call_command
from django.core.management.base import BaseCommand

from schools.demo import DEMO_PICTURE_PASSWORD, DEMO_PUPIL_PASSWORD, load_demo_school


class Command(BaseCommand):
    help = "Load the demo school (staff in every role, four classes of pupils) and print logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-curriculum",
            action="store_true",
            help="Do not load the curriculum (lessons and quizzes) after the school.",
        )

    def handle(self, *args, skip_curriculum=False, **options):
        logins = load_demo_school()
        if not skip_curriculum:
            # Our own H5P content types and demo activities first: curriculum lessons embed them.
            call_command("load_h5p_demo", verbosity=options.get("verbosity", 1))
            call_command("load_curriculum", verbosity=options.get("verbosity", 1))
            # So the teacher's portal opens on real assignments rather than an empty page.
            # (The demo school and the other school of the demo trust.)
            for slug in sorted({group.school.slug for group in logins.classes}):
                call_command("assign_demo_modules", school=slug, verbosity=options["verbosity"])
            # Lessons taught, checks, concerns and a review: the evidence page has every section.
            call_command(
                "load_evidence_demo", school=logins.school.slug, verbosity=options["verbosity"]
            )
        out = self.stdout.write
        out(self.style.SUCCESS(f"Demo school ready: {logins.school.name}"))
        out("")
        out("Staff (log in at /accounts/login/):")
        for who, email, password in logins.staff:
            out(f"  {who:<45} {email:<28} password: {password}")
        out("")
        out("The DSL and deputy DSL use two-step verification. Add this secret to an")
        out(f"authenticator app (TOTP, 6 digits, 30 s): {logins.totp_secret}")
        out("  or print the current code with: python manage.py demo_totp")
        if logins.recovery_codes:
            out(f"  DSL recovery codes: {', '.join(logins.recovery_codes[:3])} …")
        out("")
        out("Pupils (log in at /login/pupil/ with the class code, then tap a name):")
        for group in logins.classes:
            secret = (
                f"pictures {DEMO_PICTURE_PASSWORD.replace('-', ', ')}"
                if group.age_band.uses_picture_password
                else f"password {DEMO_PUPIL_PASSWORD}"
            )
            first = group.pupils.order_by("display_name").first()
            out(f"  {group.name:<20} code {group.code}   e.g. {first}: {secret}")
