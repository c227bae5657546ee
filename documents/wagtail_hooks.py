"""Registration only: the screens are in ``viewsets.py`` and ``monitor.py``, the document rules
in ``access.py``."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import access
from .models import ReportRun
from .monitor import MONITORED_MODELS, MonitorPermissionPolicy, TaskMonitorGroup
from .viewsets import ReportRunPermissionPolicy, ReportRunViewSet, use_generate_button

# Before anything asks for a fallback policy for the model.
register_permission_policy(ReportRun, ReportRunPermissionPolicy(ReportRun))
for model in MONITORED_MODELS:
    register_permission_policy(model, MonitorPermissionPolicy(model))

register_snippet(ReportRunViewSet)
hooks.register("register_admin_viewset", TaskMonitorGroup)
hooks.register("construct_snippet_action_menu", use_generate_button)
hooks.register("before_serve_document", access.check_report_document)
hooks.register("construct_document_chooser_queryset", access.scope_document_chooser)
