"""Which Wagtail site answers a host name, remembered between requests (issue 16).

Wagtail finds the site for every request with a query that orders all candidate sites by how
well they match; on a lesson page that query took about 4 ms of CPU, a fifth of the page. The
sites of a school's install hardly ever change, so each process remembers the answer for a host
and port for `STREAMWISE_SITE_CACHE_SECONDS` (default 60; 0 turns it off). Saving or deleting a
site or any page forgets everything in that process at once; other processes catch up within
the time limit.

Each request gets its own copy of the site and of its root page, made from the row's values:
Wagtail caches things on page objects (their `specific` page, for one), and nothing one request
learns may reach another.
"""

import threading
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
from wagtail.models import Page, Site

_remembered: dict[tuple[str, object], tuple[float, Site | None]] = {}  # (host, port): found
_lock = threading.Lock()
_forgotten = [0]  # how many times everything was forgotten: a request that saw it happen
UNKNOWN = object()  # nothing remembered for a host (None is "no site for this host")


def forget_sites(**kwargs) -> None:
    """Forget every remembered site (signal receiver, also used by tests)."""
    with _lock:
        _remembered.clear()
        _forgotten[0] += 1


def forgotten_count() -> int:
    return _forgotten[0]


def _seconds() -> float:
    return float(getattr(settings, "STREAMWISE_SITE_CACHE_SECONDS", 60))


def _fresh(instance):
    """A new instance holding only the row's values: nothing a request cached on the original."""
    names = [field.attname for field in instance._meta.concrete_fields]
    return type(instance).from_db(
        instance._state.db, names, [getattr(instance, name) for name in names]
    )


def _fresh_pair(site: Site) -> Site:
    """A copy of the site and its root page. A root page whose class says it may be remembered
    in its specific form (`remember_specific_as_site_root`, e.g. the lesson library, which
    re-reads itself when it is the page served) is kept specific, saving Wagtail a query."""
    mine = _fresh(site)
    root = site.root_page
    if getattr(root.specific_class, "remember_specific_as_site_root", False):
        mine.root_page = _fresh(root.specific)
        mine.root_page.remembered_site_root = True
    else:
        mine.root_page = _fresh(root)
    return mine


def remembered_site(hostname: str, port):
    """The remembered site for this host and port (a copy), None for "no site there", or
    UNKNOWN when nothing is remembered (or it is too old)."""
    hit = _remembered.get((hostname, port))
    if hit is None or time.monotonic() - hit[0] >= _seconds():
        return UNKNOWN
    return _fresh_pair(hit[1]) if hit[1] is not None else None


def remember_site(hostname: str, port, site: Site | None, *, since: int) -> None:
    """Remember the site Wagtail found for this host and port (a copy made now), unless sites
    or pages changed since the request began (`since`, from `forgotten_count`)."""
    if _seconds() <= 0:
        return
    with _lock:
        if _forgotten[0] != since:
            return
        _remembered[(hostname, port)] = (
            time.monotonic(),
            _fresh_pair(site) if site is not None else None,
        )


class WagtailSiteCacheMiddleware:
    """Give each request the site remembered for its host, as `Site.find_for_request` reads it.

    Wagtail keeps the site it found on the request (`request._wagtail_site`) and looks no
    further. When a site is remembered this sets it first; when none is, it leaves Wagtail to
    look (only requests that need a site pay for it) and remembers what Wagtail found. Put it
    after `CommonMiddleware` (the host is checked there).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = (split_domain_port(request.get_host())[0], request.get_port())
        site = remembered_site(*key)
        if site is not UNKNOWN:
            request._wagtail_site = site
            return self.get_response(request)
        since = forgotten_count()
        response = self.get_response(request)
        if hasattr(request, "_wagtail_site"):
            remember_site(*key, request._wagtail_site, since=since)
        return response


post_save.connect(forget_sites, sender=Site, dispatch_uid="streamwise-forget-sites-save")
post_delete.connect(forget_sites, sender=Site, dispatch_uid="streamwise-forget-sites-delete")


def _page_changed(sender, **kwargs) -> None:
    if issubclass(sender, Page):
        forget_sites()


post_save.connect(_page_changed, dispatch_uid="streamwise-forget-sites-page-save")
post_delete.connect(_page_changed, dispatch_uid="streamwise-forget-sites-page-delete")
