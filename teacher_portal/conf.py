"""Teacher portal settings, read at call time so tests and sites can override them."""

from django.conf import settings


def roster_max_bytes() -> int:
    """The largest roster CSV accepted, in bytes (a whole school fits in far less)."""
    return getattr(settings, "STREAMWISE_ROSTER_MAX_BYTES", 1_000_000)


def roster_max_rows() -> int:
    """The most pupils one roster upload may list."""
    return getattr(settings, "STREAMWISE_ROSTER_MAX_ROWS", 2000)


def roster_preview_minutes() -> int:
    """How long a roster preview may be confirmed after the upload."""
    return getattr(settings, "STREAMWISE_ROSTER_PREVIEW_MINUTES", 60)


def site_url() -> str:
    """The address of the site, for links in emails sent by the background worker."""
    return getattr(settings, "STREAMWISE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
