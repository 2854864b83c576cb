import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "streamwise.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, Wagtail, templates) lives for the whole process: keep it out
# of the cyclic garbage collector's scans, which otherwise add tens of milliseconds to big pages.
gc.freeze()
