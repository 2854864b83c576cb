"""Where H5P libraries and content live: a private folder, never under the public media root.

H5P files are third-party JavaScript and uploaded package files. They must only ever be answered
by the H5P origin's views (``h5p.views``), which check the manifest, fix the type and add
``nosniff`` and a sandboxing policy. A file under ``MEDIA_ROOT`` would also answer on the site's
own origin (``/media/…`` in development, or a web server's media location in production), so
the H5P storage has a folder of its own and no URL at all.
"""

from django.core.files.storage import FileSystemStorage


class PrivateH5PStorage(FileSystemStorage):
    """A folder that no URL serves: the H5P origin's views read it through ``open()``."""

    def url(self, name):
        raise ValueError(
            "H5P files have no public URL: they are served by the H5P origin's views only."
        )
