"""The benchmark's WSGI entry: Streamwise's own (streamwise.wsgi), with the bench settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from streamwise.wsgi import application  # noqa: E402, F401 - the production entry, gc.freeze() included
