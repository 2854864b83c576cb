from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lessons.loader import CurriculumError, curriculum_files, curriculum_load
from lessons.module_checks import module_checks_load
from lessons.parents import parent_packs_load


class Command(BaseCommand):
    help = (
        "Build or update the lesson library (modules and lessons) from the curriculum files. "
        "Safe to run again: pages are updated in place and pupils' progress is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help="Folder of curriculum YAML files (default: lessons/curriculum/).",
        )
        parser.add_argument(
            "--site-root",
            action="store_true",
            help="Make the library the default site's home page even if another page is.",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the files if the fairness check warns (quiz answers easy to guess).",
        )

    def handle(self, *args, directory=None, site_root=False, strict=False, **options):
        if not curriculum_files(directory):
            self.stdout.write(self.style.WARNING("No curriculum files found; nothing to load."))
            return
        try:
            report = curriculum_load(directory=directory, make_site_root=site_root, strict=strict)
            checks = module_checks_load(directory=directory)
            packs = parent_packs_load(directory=Path(directory) / "parents" if directory else None)
        except CurriculumError as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(warning))
        if options.get("verbosity", 1) >= 2:
            for label, pages in (("created", report.created), ("updated", report.updated)):
                for page in pages:
                    self.stdout.write(f"  {label}: {page}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Curriculum loaded: {len(report.created)} created, {len(report.updated)} "
                f"updated, {len(report.unchanged)} unchanged; {len(checks)} module checks."
            )
        )
        self.stdout.write(
            f"Parent and carer packs: {len(packs.created)} created, {len(packs.updated)} "
            f"updated, {len(packs.unchanged)} unchanged."
        )
