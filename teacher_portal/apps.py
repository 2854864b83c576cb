from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeacherPortalConfig(AppConfig):
    name = "teacher_portal"
    verbose_name = _("Teacher portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
