"""Staff sign-in failures slow down; they never lock an account a stranger can name.

allauth limits failures per address (ACCOUNT_RATE_LIMITS["login_failed"], "10/m/ip,30/h/ip").
Its per-account limit is left out: it refuses the right password from every address, so
anyone who knows a DSL's email could keep them out. Instead, here:

- per address and account: after STAFF_LOGIN_PAIR_FAILURES wrong passwords for one account
  from one address, that address may not try that account again for the window (the owner,
  elsewhere, is not affected);
- per account, from anywhere: the first STAFF_LOGIN_ACCOUNT_FREE failures in the window cost
  nothing; after that each check of the account's password must wait a little longer after the
  last (2, 4, 8 … seconds, at most STAFF_LOGIN_MAX_DELAY), which slows a guesser spread over
  many addresses to a crawl while the owner at worst waits a minute;
- the owner can always get in by email: a sign-in code (ACCOUNT_LOGIN_BY_CODE_ENABLED) or a
  password reset, which also clears these counters. DSLs still pass their second step.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.forms import ValidationError
from django.utils.translation import gettext as _

from . import throttle

STAFF_LOGIN_WINDOW = 15 * 60
STAFF_LOGIN_PAIR_FAILURES = 5
STAFF_LOGIN_ACCOUNT_FREE = 10
STAFF_LOGIN_MAX_DELAY = 60


def _account(credentials) -> str:
    login = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    return hashlib.sha256(login.encode()).hexdigest()[:32]  # no email address in cache keys


def _pair_key(request, account: str) -> str:
    return f"streamwise:staff-login:pair:{request.META.get('REMOTE_ADDR', 'unknown')}:{account}"


def _account_key(account: str) -> str:
    return f"streamwise:staff-login:account:{account}"


def _delay(failures: int) -> int:
    if failures < STAFF_LOGIN_ACCOUNT_FREE:
        return 0
    return min(2 ** (failures - STAFF_LOGIN_ACCOUNT_FREE + 1), STAFF_LOGIN_MAX_DELAY)


def account_wait(credentials, now: float | None = None) -> int:
    """Seconds before this account's password may be checked again (0: now)."""
    now = time.time() if now is None else now
    failures, last = cache.get(_account_key(_account(credentials)), (0, 0.0))
    return max(0, int(last + _delay(failures) - now + 0.999))


def before_check(request, credentials) -> None:
    """Raise a kind ValidationError if this password may not be checked now."""
    account = _account(credentials)
    if throttle.count(_pair_key(request, account)) >= STAFF_LOGIN_PAIR_FAILURES:
        raise ValidationError(
            _(
                "Too many wrong passwords for this account from here. Wait 15 minutes, or "
                "sign in with a code sent to your email."
            ),
            code="too_many_login_attempts",
        )
    wait = account_wait(credentials)
    if wait:
        raise ValidationError(
            _(
                "This account has had many wrong passwords, so we are slowing sign-in down. "
                "Wait %(seconds)s seconds and try again, or sign in with a code sent to your "
                "email."
            )
            % {"seconds": wait},
            code="too_many_login_attempts",
        )


def after_failure(request, credentials) -> None:
    account = _account(credentials)
    throttle.hit(_pair_key(request, account), STAFF_LOGIN_WINDOW)
    key = _account_key(account)
    failures, _last = cache.get(key, (0, 0.0))
    cache.set(key, (failures + 1, time.time()), timeout=STAFF_LOGIN_WINDOW)


def clear_account(credentials) -> None:
    """After a password reset by email: the owner has shown they hold the inbox."""
    cache.delete(_account_key(_account(credentials)))
