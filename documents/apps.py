from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_save


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Report e documenti"

    def ready(self):
        from .files import name_new_upload

        # Every upload into Wagtail documents, not only our reports, gets an unguessable path.
        pre_save.connect(
            name_new_upload,
            sender=getattr(settings, "WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"),
            dispatch_uid="documents.files.name_new_upload",
        )
