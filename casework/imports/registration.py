"""What imports add to the admin: upload, preview and export URLs, and the read-only history of
import runs."""

from wagtail.permissions import register_permission_policy

from .exports import ReadOnlyPermissionPolicy
from .models import ImportRun
from .views import register_urls
from .viewsets import ImportRunViewSet


def import_runs_viewset():
    return ImportRunViewSet("import_runs")


def register(hooks):
    hooks.register("register_admin_urls", register_urls)
    register_permission_policy(ImportRun, ReadOnlyPermissionPolicy(ImportRun))
    hooks.register("register_admin_viewset", import_runs_viewset)
