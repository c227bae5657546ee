from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casi"

    def ready(self):
        from casework.cases.traineeship import signals as _traineeship  # noqa: F401
        from casework.permissions import signals  # noqa: F401
