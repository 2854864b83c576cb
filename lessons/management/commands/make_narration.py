"""Make (or check) the narration audio for the 4-7 and 8-10 lessons and quizzes.

manage.py make_narration          make missing audio, remove unused audio, write the manifest
manage.py make_narration --check  fail when the audio and the text disagree
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory

from lessons import narration


class Command(BaseCommand):
    help = "Generate narration audio (espeak-ng, British English) for the younger bands."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check; change nothing.")
        parser.add_argument("--dir", default=str(narration.AUDIO_DIR), help=argparse_help())

    def handle(self, *args, check=False, dir=None, **options):
        directory = Path(dir)
        request = RequestFactory().get("/")
        items = narration.curriculum_items(request)
        if check:
            problems = narration.out_of_date(items, directory)
            if problems:
                listed = "\n  ".join(problems[:20])
                raise CommandError(
                    f"Narration is out of date ({len(problems)} problems); run "
                    f"`manage.py make_narration`:\n  {listed}"
                )
            self.stdout.write(f"Narration is up to date ({len(items)} texts).")
            return
        try:
            made, removed = narration.generate(items, directory)
        except narration.NarrationError as error:
            raise CommandError(str(error)) from error
        size = sum(p.stat().st_size for p in directory.glob("*.mp3"))
        self.stdout.write(
            f"Narration: {len(items)} texts, {made} made, {removed} removed, "
            f"{size / 1_000_000:.1f} MB in {directory}."
        )


def argparse_help() -> str:
    return "Where the audio goes (default: the lessons app's static folder)."
