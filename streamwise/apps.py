from django.apps import AppConfig


class StreamwiseConfig(AppConfig):
    name = "streamwise"
    verbose_name = "Streamwise"

    def ready(self):
        from . import checks  # noqa: F401  (registers the wiring checks for host sites)
