from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeacherPortalConfig(AppConfig):
    name = "teacher_portal"
    verbose_name = _("Teacher portal")
    default_auto_field = "django.db.models.BigAutoField"
