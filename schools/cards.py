"""QR login cards: a long random token per printed card, kept only as a hash.

The QR code holds the pupil login page's address with the token after a "#": browsers never
send that part to the server, so the token appears in no request line, access log or Referer.
The page's script moves it into a form that is POSTed, and a link preview that fetches the
page (and runs no script) signs nobody in.
"""

from __future__ import annotations

import hashlib
import secrets

import segno
from django.db import transaction
from django.utils import timezone

from .models import Pupil, PupilCardToken, School, TeachingGroup

TOKEN_BYTES = 32  # 256 bits: guessing one is not a thing


def hash_card_token(raw: str) -> str:
    # A fast hash is right here: the token is random and long, not a password.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def card_tokens_issue(*, group: TeachingGroup, pupils, by=None) -> dict[int, str]:
    """New QR tokens for these pupils' cards in this class; their earlier cards stop working.

    Returns {pupil id: raw token}: put it on the card, never store or log it.
    """
    pupils = list(pupils)
    now = timezone.now()
    PupilCardToken.objects.filter(
        teaching_group=group, pupil__in=pupils, revoked_at__isnull=True
    ).update(revoked_at=now)
    issued, rows = {}, []
    for pupil in pupils:
        raw = secrets.token_urlsafe(TOKEN_BYTES)
        issued[pupil.pk] = raw
        rows.append(
            PupilCardToken(
                pupil=pupil, teaching_group=group, token_hash=hash_card_token(raw), created_by=by
            )
        )
    PupilCardToken.objects.bulk_create(rows)
    return issued


def card_tokens_revoke(*, pupil: Pupil) -> int:
    """Stop every QR card of a pupil working (a lost card, a reset login)."""
    return PupilCardToken.objects.filter(pupil=pupil, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def card_token_find(*, raw: str) -> PupilCardToken | None:
    """The working card for a scanned token, with its pupil, class and school, or None."""
    if not raw or len(raw) > 100:
        return None
    card = (
        PupilCardToken.objects.active()
        .select_related("pupil__user", "pupil__school", "teaching_group__school")
        .filter(token_hash=hash_card_token(raw))
        .first()
    )
    if card is None or not card.teaching_group.pupils.filter(pk=card.pupil_id).exists():
        return None  # a pupil who has left the class: the card went with it
    return card


def school_qr_alone_set(*, school: School, enabled: bool) -> None:
    School.objects.filter(pk=school.pk).update(qr_cards_sign_in_alone=enabled)
    school.qr_cards_sign_in_alone = enabled


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI (allowed by the CSP's img-src)."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)
