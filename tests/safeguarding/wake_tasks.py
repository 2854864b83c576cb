"""A task for the wake-up tests: it notes, in a file, the moment it ran."""

import time
from pathlib import Path

from django.tasks import task


@task()
def note_when_run(path: str) -> None:
    Path(path).write_text(repr(time.time()))
