"""Counting failed pupil logins per network address.

Why not a library: django-ratelimit's system checks reject Django's database and Redis cache
backends (the two Streamwise uses), and allauth's limiter is internal to allauth. A fixed-window
counter in Django's cache is all this needs.
"""

from django.core.cache import cache

from . import conf

_PERIODS = {"s": 1, "m": 60, "h": 3600}


def _parse_rate(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    unit = period[-1]
    amount = int(period[:-1] or 1)
    return int(count), amount * _PERIODS[unit]


def _key(request, scope: str) -> str:
    return f"streamwise:throttle:{scope}:{request.META.get('REMOTE_ADDR', 'unknown')}"


def address_is_blocked(request, scope: str) -> bool:
    limit, _window = _parse_rate(conf.login_address_rate())
    return (cache.get(_key(request, scope)) or 0) >= limit


def address_failure(request, scope: str) -> None:
    _limit, window = _parse_rate(conf.login_address_rate())
    key = _key(request, scope)
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
