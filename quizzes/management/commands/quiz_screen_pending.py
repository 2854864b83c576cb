from django.core.management.base import BaseCommand

from quizzes.models import Answer, QuestionType
from quizzes.screening import free_text_screen


class Command(BaseCommand):
    help = (
        "Screen free-text quiz answers that have not been screened yet (for example because the "
        "safeguarding app was unavailable when they were written)."
    )

    def handle(self, *args, **options):
        pending = (
            Answer.objects.filter(question__kind=QuestionType.FREE_TEXT, screened_at__isnull=True)
            .exclude(text="")
            .select_related("attempt__pupil__school")
            .order_by("pk")
        )
        screened = flagged = left = 0
        for answer in pending.iterator():
            outcome = free_text_screen(answer=answer)
            if outcome is None:
                left += 1
            else:
                screened += 1
                flagged += outcome
        self.stdout.write(
            f"Screened {screened} answer(s), {flagged} flagged, {left} still pending."
        )
