"""Move H5P files kept by older versions in the public media storage into the H5P storage.

Idempotent: a file already in the H5P storage is left there (and its old copy removed); a file
missing from both is reported. Stored names do not change, so no database row is rewritten.
"""

from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from h5p import conf
from h5p.models import H5PContent, H5PLibrary


class Command(BaseCommand):
    help = "Move H5P libraries and content out of the public media storage into the H5P storage."

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            default="default",
            help="The STORAGES entry the files are in now (default: %(default)s).",
        )

    def handle(self, *args, source, **options):
        target_alias = conf.storage_alias()
        if source == target_alias:
            raise CommandError(
                f"The H5P storage is {target_alias!r} already: set STORAGES['h5p'] to a private "
                f"storage first (see h5p/README.md)."
            )
        try:
            old, new = storages[source], storages[target_alias]
        except Exception as error:  # InvalidStorageError
            raise CommandError(str(error)) from None
        names = set()
        for files in H5PLibrary.objects.values_list("files", flat=True):
            names.update(files.values())
        for files in H5PContent.objects.values_list("files", flat=True):
            names.update(files.values())
        moved = already = missing = 0
        for name in sorted(names):
            in_old = old.exists(name)
            if new.exists(name):
                already += 1
            elif in_old:
                with old.open(name, "rb") as handle:
                    saved = new.save(name, handle)
                if saved != name:
                    new.delete(saved)
                    raise CommandError(f"Could not store {name} under its own name.")
                moved += 1
            else:
                missing += 1
                self.stderr.write(f"Missing from both storages: {name}")
                continue
            if in_old:
                old.delete(name)
        self.stdout.write(
            f"H5P files: {moved} moved, {already} already in the H5P storage, {missing} missing."
        )
