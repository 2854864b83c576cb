"""The two origins: the site (lesson pages, xAPI intake) and the H5P origin (player and files).

H5P content is third-party JavaScript. It runs in an ``<iframe sandbox="allow-scripts
allow-same-origin">`` whose document comes from a *different* origin, so the browser keeps it
away from the site's DOM, cookies and storage. Every view of this app therefore answers on one of
the two hosts only and returns 404 on the other.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from django.http import Http404
from django.urls import reverse

from . import conf

DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_key(host: str, scheme: str) -> tuple[str, int] | None:
    """``("h5p.example", 443)`` for ``h5p.example`` over https; None when unparseable."""
    try:
        parts = urlsplit(f"{scheme}://{host}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS.get(scheme, 0)


def origin_key(origin: str) -> tuple[str, int] | None:
    parts = urlsplit(origin)
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc:
        return None
    return _host_key(parts.netloc, parts.scheme)


def request_key(request) -> tuple[str, int] | None:
    return _host_key(request.get_host(), request.scheme)


def is_h5p_request(request) -> bool:
    """Whether the request was made to the H5P origin (always False when it is not set)."""
    origin = conf.h5p_origin()
    if not origin:
        return False
    expected = origin_key(origin)
    return expected is not None and request_key(request) == expected


def h5p_origin_only(view):
    """Serve the view on the H5P origin only; everywhere else it does not exist."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_h5p_request(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def site_origin_only(view):
    """Serve the view anywhere but the H5P origin (where no session may ever exist)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if is_h5p_request(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def h5p_url(viewname: str, *args) -> str:
    """An absolute URL on the H5P origin, e.g. the player of one activity."""
    return conf.h5p_origin() + reverse(viewname, args=args)
