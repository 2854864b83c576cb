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


def _rate_for(scope: str) -> str:
    return conf.class_code_address_rate() if scope == CLASS_CODE else conf.login_address_rate()


def count(key: str) -> int:
    return cache.get(key) or 0


def hit(key: str, window: int) -> int:
    """Add one to a fixed-window counter; returns the new count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def address_is_blocked(request, scope: str) -> bool:
    limit, _window = _parse_rate(_rate_for(scope))
    return count(_key(request, scope)) >= limit


def address_failure(request, scope: str) -> None:
    _limit, window = _parse_rate(_rate_for(scope))
    hit(_key(request, scope), window)


# --- Class codes ------------------------------------------------------------------------------
# A whole school usually shares one public address, so wrong class codes are slowed down per
# device (the browser's session) and only capped per address far above what a school types.
# A device's own typos make it wait a few seconds, growing to at most DEVICE_MAX_WAIT; other
# devices behind the same address are not affected. A class code is 8 characters from 31
# (8.5e11 codes), so the address cap, not a low limit, is what stops anyone trying them all.

CLASS_CODE = "class-code"
DEVICE_FREE_MISSES = 5
DEVICE_MAX_WAIT = 30  # seconds
_SESSION_MISSES = "class_code_misses"


def _device_wait(misses: int) -> int:
    if misses < DEVICE_FREE_MISSES:
        return 0
    return min(2 ** (misses - DEVICE_FREE_MISSES + 1), DEVICE_MAX_WAIT)


def class_code_wait(request, now: float) -> int:
    """Seconds this device must still wait before its next class code is checked (0: none)."""
    misses, last = request.session.get(_SESSION_MISSES, (0, 0.0))
    return max(0, int(last + _device_wait(misses) - now + 0.999))


def class_code_miss(request, now: float) -> int:
    """Count a wrong class code for this device and address; returns the device's new wait."""
    misses, _last = request.session.get(_SESSION_MISSES, (0, 0.0))
    request.session[_SESSION_MISSES] = (misses + 1, now)
    address_failure(request, CLASS_CODE)
    return _device_wait(misses + 1)


def class_code_found(request) -> None:
    request.session.pop(_SESSION_MISSES, None)
