"""Registration only: the screens are in ``viewsets.py`` and ``monitor.py``, the document rules
in ``access.py``."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail_modeladmin.options import modeladmin_register

from . import access
from .models import ReportRun
from .monitor import TaskMonitorGroup
from .viewsets import ReportRunPermissionPolicy, ReportRunViewSet, use_generate_button

# Before anything asks for a fallback policy for the model.
register_permission_policy(ReportRun, ReportRunPermissionPolicy(ReportRun))

register_snippet(ReportRunViewSet)
modeladmin_register(TaskMonitorGroup)
hooks.register("construct_snippet_action_menu", use_generate_button)
hooks.register("before_serve_document", access.check_report_document)
hooks.register("construct_document_chooser_queryset", access.scope_document_chooser)
