from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from h5p.demo import install_builtin_libraries
from h5p.services import LibraryInstallReport, library_install


class Command(BaseCommand):
    help = (
        "Install H5P libraries (trusted code) from .h5p files holding library folders, or "
        "Streamwise's own libraries with --builtin."
    )

    def add_arguments(self, parser):
        parser.add_argument("packages", nargs="*", type=Path, help=".h5p files to install from")
        parser.add_argument(
            "--builtin",
            action="store_true",
            help="Build and install the libraries in h5p/libraries_src.",
        )

    def handle(self, *args, packages, builtin, **options):
        if not packages and not builtin:
            raise CommandError("Give .h5p files to install, or --builtin.")
        reports = []
        try:
            if builtin:
                reports.append(install_builtin_libraries())
            for path in packages:
                if not path.is_file():
                    raise CommandError(f"{path} is not a file.")
                with path.open("rb") as file:
                    reports.append(library_install(file=file))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for report in reports:
            self._print(report)

    def _print(self, report: LibraryInstallReport):
        for library in report.installed:
            self.stdout.write(self.style.SUCCESS(f"Installed {library.version_string}"))
        for library in report.unchanged:
            self.stdout.write(f"Already installed {library.version_string}")
        for library in report.newer_kept:
            self.stdout.write(f"Kept newer {library.version_string}")
