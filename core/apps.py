from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "ZeroOttanta"

    def ready(self):
        # Every model DateField in a Wagtail form (snippets, pages, settings) gets the one
        # Italian date widget; Wagtail's documented hook for form field overrides.
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        from core.widgets import ItalianDateInput

        register_form_field_override(models.DateField, override={"widget": ItalianDateInput})
