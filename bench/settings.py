"""Settings for the benchmark: the real settings plus a plain rich-text page type."""

from streamwise.settings import *  # noqa: F403
from streamwise.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.benchpages"]
ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "bench.wsgi.application"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
