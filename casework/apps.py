from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casi"

    def ready(self):
        from casework.permissions import signals  # noqa: F401
