"""Registration only; the screens are in ``viewsets.py`` and ``admin_views.py``."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin_views import PendingSubmissionsPanel, can_moderate
from .models import Comune
from .viewsets import ComunePermissionPolicy, NetworkViewSetGroup

register_permission_policy(Comune, ComunePermissionPolicy(Comune), exact_class=True)
register_snippet(NetworkViewSetGroup)


@hooks.register("construct_homepage_panels")
def add_pending_submissions_panel(request, panels):
    if can_moderate(request.user):
        panels.append(PendingSubmissionsPanel())
