"""Keeping a school's Wonde token encrypted in the database.

The token is encrypted with Fernet (AES with an HMAC) under a key derived from the site's
SECRET_KEY; keys from SECRET_KEY_FALLBACKS still decrypt, so a key rotation done the Django way
keeps working. Only the last four characters are ever shown again. If the secret key changes
without a fallback, the token can no longer be read and the admin is asked to paste it again.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TokenUnreadable(Exception):
    """The saved token can't be decrypted (the site's secret key changed)."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"streamwise.wonde.token:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def token_encrypt(token: str) -> str:
    return _keys().encrypt(token.encode()).decode()


def token_decrypt(encrypted: str) -> str:
    try:
        return _keys().decrypt(encrypted.encode()).decode()
    except (InvalidToken, ValueError):
        raise TokenUnreadable from None


def token_hint(token: str) -> str:
    return token[-4:]
