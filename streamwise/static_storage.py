"""Static file storages that work out each file's URL once per process (issue 16).

Every page writes about a dozen `{% static %}` URLs, and each one made the storage look the
name up in the manifest and build and quote the URL again: about 0.15 ms of a lesson step or a
quiz question. A file's URL cannot change while a process runs (the manifest is read once, at
start), so each storage remembers the URLs it has given. A name the manifest does not know
still raises, every time, and is never remembered.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class _RemembersUrls:
    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        urls = self.__dict__.setdefault("_remembered_urls", {})
        try:
            return urls[name]
        except KeyError:
            urls[name] = found = super().url(name)
            return found


class RememberedStaticFilesStorage(_RemembersUrls, StaticFilesStorage):
    """Django's plain static storage (development, the bench), remembering URLs."""


class RememberedManifestStaticFilesStorage(_RemembersUrls, CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage (production), remembering URLs."""
