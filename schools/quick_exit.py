"""After "Hide this page", Back must not bring an abuse-related page back.

The exit itself replaces the page in the browser's history (safeguarding's quick-exit.js), but
the pages before it (earlier steps of the same lesson, say) are still there. So the neutral
page marks the session, and for a while every page that deals with abuse answers Back with the
neutral page again instead of itself; those pages are never stored by the browser (no-store),
so Back really asks the server. Opening the pupil's home ends the hold.

Lives in schools because both lessons and safeguarding use it (and neither may import the other).
"""

from __future__ import annotations

import time

from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers

SESSION_KEY = "streamwise_quick_exit"
HOLD_SECONDS = 30 * 60


def mark(request, exit_url: str) -> None:
    """Called by the neutral page: the pupil has just left in a hurry."""
    if getattr(request, "session", None) is not None and request.user.is_authenticated:
        request.session[SESSION_KEY] = [time.time(), exit_url]


def clear(request) -> None:
    if getattr(request, "session", None) is not None:
        request.session.pop(SESSION_KEY, None)


def hold_response(request):
    """The neutral page again (no-store) while a quick exit is recent, else None."""
    held = getattr(request, "session", {}).get(SESSION_KEY)
    if not held:
        return None
    at, url = held
    if time.time() - at > HOLD_SECONDS:
        clear(request)
        return None
    response = redirect(url)
    add_never_cache_headers(response)
    return response


def protect(response):
    """Mark a sensitive page so the browser neither stores it nor restores it on Back."""
    add_never_cache_headers(response)
    return response
