"""The private storage of safeguarding attachments.

Files here are never given a URL: there is no `MEDIA_URL` for them and no web server serves
their folder. The one way to read one is `views.casework.attachment`, which checks the reader
is a lead of the case's school and writes the access log first.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

from . import conf


class PrivateFileStorage(FileSystemStorage):
    """A folder on disk whose files have no public address."""

    def url(self, name):
        raise ValueError("Safeguarding files have no public URL; use the attachment view.")


def attachment_storage():
    """The storage for attachments, read from the settings at call time (tests use a temporary
    folder; a site may configure a private bucket)."""
    config = conf.attachment_storage_config()
    if config:
        return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    return PrivateFileStorage(location=conf.attachment_dir(), base_url=None)
