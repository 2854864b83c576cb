"""`{% pupil_reflection_pictures pupil as pictures %}`: a pupil's say-or-draw pictures, newest
first, for the teacher's drill-down (the page itself checks the teacher may see the pupil)."""

from django import template
from django.db.models.functions import Length

from quizzes.models import ReflectionPicture
from quizzes.say_or_draw import choice_for

register = template.Library()


@register.simple_tag
def pupil_reflection_pictures(pupil, limit: int = 24) -> list[dict]:
    pictures = (
        ReflectionPicture.objects.filter(answer__attempt__pupil=pupil)
        .select_related("answer__question", "answer__attempt__quiz")
        .defer("drawing")
        .annotate(drawing_size=Length("drawing"))
        .order_by("-updated_at")[:limit]
    )
    rows = []
    for picture in pictures:
        rows.append(
            {
                "picture": picture,
                "has_drawing": bool(picture.drawing_size),
                "choice": choice_for(picture),
                "question": picture.answer.question.text,
                "quiz": picture.answer.attempt.quiz.title,
                "text": picture.answer.text,
            }
        )
    return rows
