"""The demo: install Streamwise's own libraries and create the example activities.

Idempotent: running it again changes nothing unless the sources changed, in which case the
libraries and activities are updated in place (same keys, same slugs).
"""

from __future__ import annotations

import hashlib
import io

from .models import H5PContent
from .packaging import (
    build_content_package,
    build_library_package,
    demo_content_dirs,
    library_dirs,
)
from .services import LibraryInstallReport, content_store, content_validate, library_install


def install_builtin_libraries() -> LibraryInstallReport:
    """Install (or update) the libraries in ``h5p/libraries_src``."""
    return library_install(file=io.BytesIO(build_library_package(library_dirs())))


def load_h5p_demo() -> dict[str, H5PContent]:
    """Install the built-in libraries and create or update the example activities.

    Returns the activities by slug (``mayas-live-stream``, ``spot-the-signs-in-the-chat``),
    so a curriculum loader can place them in lessons.
    """
    install_builtin_libraries()
    activities = {}
    for slug, folder in demo_content_dirs().items():
        data = build_content_package(folder)
        content = H5PContent.objects.filter(slug=slug).first()
        if content is not None and content.package_sha256 == hashlib.sha256(data).hexdigest():
            activities[slug] = content
            continue
        package = content_validate(file=io.BytesIO(data))
        if content is None:
            content = H5PContent(slug=slug)
        content.title = package.title
        activities[slug] = content_store(content=content, package=package, file=io.BytesIO(data))
    return activities
