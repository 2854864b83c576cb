"""Settings of the H5P app, read at call time so sites and tests can override them.

Every setting is optional except ``STREAMWISE_H5P_ORIGIN``: without it H5P activities are not
served at all (the player must run on a separate origin, see ``h5p.origin``).
"""

from urllib.parse import urlsplit

from django.conf import settings

DEFAULT_XAPI_VERBS = ("answered", "completed", "passed", "failed", "scored")


def _origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def h5p_origin() -> str:
    """The origin the player, libraries and content are served from, e.g. ``https://h5p.example``.

    Empty when H5P is not configured. Never the site's own origin (a system check enforces it).
    """
    return (getattr(settings, "STREAMWISE_H5P_ORIGIN", "") or "").strip().rstrip("/")


def site_origin() -> str:
    """The origin of the site that embeds the player (from ``STREAMWISE_SITE_URL``).

    The player posts xAPI events only to this origin and may only be framed by it.
    """
    return _origin_of(getattr(settings, "STREAMWISE_SITE_URL", "") or "")


def storage_alias() -> str:
    """Which entry of ``STORAGES`` holds libraries and content: ``"h5p"`` when the site defines
    it (a private folder or bucket that no URL serves), else ``"default"``.

    The storage must not be public: its files are answered by the H5P origin's views only.
    """
    fallback = "h5p" if "h5p" in getattr(settings, "STORAGES", {}) else "default"
    return getattr(settings, "STREAMWISE_H5P_STORAGE", fallback)


def storage_prefix() -> str:
    """The folder inside that storage under which every H5P file is kept."""
    return getattr(settings, "STREAMWISE_H5P_STORAGE_PREFIX", "h5p").strip("/")


def max_upload_bytes() -> int:
    """The largest .h5p file accepted, in bytes."""
    return getattr(settings, "STREAMWISE_H5P_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


def max_entries() -> int:
    """The most files and folders one package may hold."""
    return getattr(settings, "STREAMWISE_H5P_MAX_ENTRIES", 2000)


def max_expanded_bytes() -> int:
    """The most bytes the files a package uses may expand to, counted while reading them."""
    return getattr(settings, "STREAMWISE_H5P_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)


def max_compression_ratio() -> int:
    """How many times larger than its compressed size a file may grow (zip bombs grow ~1000×)."""
    return getattr(settings, "STREAMWISE_H5P_MAX_COMPRESSION_RATIO", 100)


def max_json_bytes() -> int:
    """The largest ``h5p.json``, ``content.json`` or ``library.json`` accepted, in bytes."""
    return getattr(settings, "STREAMWISE_H5P_MAX_JSON_BYTES", 2 * 1024 * 1024)


def xapi_max_body_bytes() -> int:
    """The largest xAPI statement request body accepted (larger ones get 413)."""
    return getattr(settings, "STREAMWISE_H5P_XAPI_MAX_BYTES", 64 * 1024)


def xapi_verbs() -> tuple[str, ...]:
    """The xAPI verbs (last part of the ADL verb id) recorded; others are refused."""
    return tuple(getattr(settings, "STREAMWISE_H5P_XAPI_VERBS", DEFAULT_XAPI_VERBS))


def xapi_token_max_age() -> int:
    """How long, in seconds, a rendered activity may post results (a lesson left open all day)."""
    return getattr(settings, "STREAMWISE_H5P_XAPI_TOKEN_MAX_AGE", 24 * 60 * 60)


def player_static_dir() -> str:
    """Where h5p-standalone's ``dist`` files are in the static files (copied by the build)."""
    return getattr(settings, "STREAMWISE_H5P_PLAYER_STATIC_DIR", "vendor/h5p-standalone").strip("/")
