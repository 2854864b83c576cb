from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from h5p.models import XAPIStatement
        from h5p.signals import result_recorded, text_answered
        from quizzes.models import Attempt
        from quizzes.signals import attempt_submitted

        from . import receivers

        # Quiz results count towards lesson completion (lessons listens; quizzes never knows).
        attempt_submitted.connect(
            receivers.quiz_attempt_submitted,
            sender=Attempt,
            dispatch_uid="lessons.receivers.quiz_attempt_submitted",
        )
        # So do H5P results, mapped to the lesson's H5P activity by their signed context id.
        result_recorded.connect(
            receivers.h5p_result_recorded,
            sender=XAPIStatement,
            dispatch_uid="lessons.receivers.h5p_result_recorded",
        )
        # Issue 11 (detect): words a pupil types into an H5P activity are screened too.
        text_answered.connect(
            receivers.h5p_text_answered,
            sender=XAPIStatement,
            dispatch_uid="lessons.receivers.h5p_text_answered",
        )
        # Lesson bodies kept parsed per process hold the images, documents and H5P activities
        # they show: saving or deleting one forgets those bodies (lessons.body_cache).
        from django.db.models.signals import post_delete, post_save
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        from h5p.models import H5PContent

        from .body_cache import forget_records

        for model in (get_image_model(), get_document_model(), H5PContent):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_records,
                    sender=model,
                    dispatch_uid=f"lessons.body_cache.{signal is post_save}.{model._meta.label}",
                )
