from django.apps import AppConfig


class BenchPagesConfig(AppConfig):
    name = "bench.benchpages"
    label = "benchpages"
    default_auto_field = "django.db.models.BigAutoField"
