"""Say or draw: 4–7 pupils answer a reflection by drawing, choosing a picture or typing.

A free-text question in a 4–7 quiz ("Say or draw your idea") offers a drawing canvas (pointer and
touch, colours, undo, clear) and a few pictures to choose from (so keyboard users have a way that
needs no drawing); typing stays optional. The canvas is posted as a PNG data URL in `drawing`, a
chosen picture as `picture`.

A drawing is checked here with Pillow before it is kept: a real PNG, at most `MAX_BYTES` bytes
and `MAX_SIDE` pixels a side, re-encoded so nothing but pixels is stored. It is kept in the
database (`ReflectionPicture`), never as a public file, and served by `drawing_view` only to the
pupil and to staff who may see the pupil (`Pupil.objects.visible_to`), privately and uncached.
Drawings have no text to screen; any typed words go through the usual screening in
`services.answer_save`.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from schools.models import AgeBand, Pupil

from .models import Answer, Attempt, Question, QuestionType, ReflectionPicture

MAX_BYTES = 400_000
MAX_SIDE = 1600
DATA_URL_PREFIX = "data:image/png;base64,"


@dataclass(frozen=True)
class PictureChoice:
    key: str
    label: str
    file: str

    @property
    def url(self) -> str:
        return static(f"quizzes/say_or_draw/{self.file}")


# Pictures a pupil can choose instead of drawing (built by scripts/build_illustrations.py).
PICTURE_CHOICES = [
    PictureChoice("grown-up-at-home", _("Telling a grown-up at home"), "grown-up-at-home.svg"),
    PictureChoice("teacher", _("Telling a teacher"), "teacher.svg"),
    PictureChoice("grandparent", _("Telling Grandad or Gran"), "grandparent.svg"),
    PictureChoice("friendly-chat", _("A kind chat with a grown-up"), "friendly-chat.svg"),
]
CHOICES_BY_KEY = {choice.key: choice for choice in PICTURE_CHOICES}


class DrawingRejected(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def offers_drawing(attempt: Attempt, question: Question) -> bool:
    """Whether this question is a "say or draw" one: a reflection in a 4–7 quiz."""
    return (
        question.kind == QuestionType.FREE_TEXT and attempt.quiz.age_band == AgeBand.AGES_4_7.value
    )


def drawing_from_data_url(raw: str) -> bytes:
    """The PNG in a canvas data URL, checked and re-encoded; DrawingRejected if it is not one."""
    sorry = _("We couldn't keep that drawing. Please try drawing it again, or choose a picture.")
    if not isinstance(raw, str) or not raw.startswith(DATA_URL_PREFIX):
        raise DrawingRejected(sorry)
    encoded = raw[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise DrawingRejected(
            _("That drawing is too big to keep. Please try a simpler drawing, or choose a picture.")
        )
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DrawingRejected(sorry) from None
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != "PNG":
                raise DrawingRejected(sorry)
            width, height = probe.size
            if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
                raise DrawingRejected(sorry)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = io.BytesIO()
            image.convert("RGBA").save(clean, format="PNG", optimize=True)
    except DrawingRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise DrawingRejected(sorry) from None
    if clean.tell() > MAX_BYTES:
        raise DrawingRejected(
            _("That drawing is too big to keep. Please try a simpler drawing, or choose a picture.")
        )
    return clean.getvalue()


@dataclass(frozen=True)
class PictureAnswer:
    drawing: bytes = b""
    chosen: str = ""

    def __bool__(self) -> bool:
        return bool(self.drawing or self.chosen)


def picture_from_post(attempt: Attempt, question: Question, data) -> PictureAnswer | None:
    """The drawing or chosen picture posted with an answer; None if this question has neither."""
    if not offers_drawing(attempt, question):
        return None
    chosen = str(data.get("picture") or "")
    if chosen and chosen not in CHOICES_BY_KEY:
        raise DrawingRejected(_("Please choose one of the pictures."))
    raw = data.get("drawing") or ""
    drawing = drawing_from_data_url(raw) if raw else b""
    return PictureAnswer(drawing=drawing, chosen=chosen)


def picture_save(*, answer: Answer, picture: PictureAnswer | None) -> ReflectionPicture | None:
    """Keep (or replace) the drawing or chosen picture; nothing posted keeps the old one."""
    if not picture:
        return None
    saved, _created = ReflectionPicture.objects.update_or_create(
        answer=answer, defaults={"drawing": picture.drawing, "chosen": picture.chosen}
    )
    return saved


def choice_for(picture: ReflectionPicture | None) -> PictureChoice | None:
    return CHOICES_BY_KEY.get(picture.chosen) if picture else None


@login_required
def drawing_view(request, pk: int):
    """A pupil's drawing, for the pupil and the staff who may see them (404 for anyone else)."""
    picture = get_object_or_404(ReflectionPicture.objects.select_related("answer__attempt"), pk=pk)
    pupil_id = picture.answer.attempt.pupil_id
    if not Pupil.objects.visible_to(request.user).filter(pk=pupil_id).exists():
        raise Http404
    if not picture.drawing:
        raise Http404
    response = HttpResponse(bytes(picture.drawing), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="drawing.png"'
    return response
