from pathlib import Path

from django.core.management.base import BaseCommand

from h5p.packaging import (
    build_content_package,
    build_library_package,
    demo_content_dirs,
    library_dirs,
)


class Command(BaseCommand):
    help = (
        "Build .h5p files from Streamwise's own libraries (h5p/libraries_src) and example "
        "activities (h5p/demo_content)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path("build/h5p"), help="Folder to write them to."
        )

    def handle(self, *args, output, **options):
        output.mkdir(parents=True, exist_ok=True)
        written = [output / "streamwise-libraries.h5p"]
        written[0].write_bytes(build_library_package(library_dirs()))
        for slug, folder in demo_content_dirs().items():
            path = output / f"{slug}.h5p"
            path.write_bytes(build_content_package(folder))
            written.append(path)
        for path in written:
            self.stdout.write(f"Wrote {path}")
