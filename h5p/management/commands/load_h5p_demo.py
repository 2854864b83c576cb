from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from h5p.demo import load_h5p_demo


class Command(BaseCommand):
    help = "Install Streamwise's own H5P libraries and create the example H5P activities."

    def handle(self, *args, **options):
        try:
            activities = load_h5p_demo()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for slug, content in activities.items():
            self.stdout.write(f"{slug}: {content.title} (max score {content.max_score})")
