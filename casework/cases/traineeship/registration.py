"""What the traineeship rules add to the admin: the action URLs of a tirocinio (guarded by the
pathway's Comune), the pathway page's section, the admin-home panel and the history labels."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from casework.cases.inspect import PATHWAY_PAGE_HOOK
from casework.cases.models import Pathway
from casework.permissions.access import scope
from casework.permissions.scoping import guard_urlpatterns

from . import views
from .page import pathway_traineeship
from .panels import homepage_panels

LOG_ACTIONS = [
    ("casework.traineeship_extend", _("Proroga del tirocinio"), _("Tirocinio prorogato")),
    ("casework.traineeship_suspend", _("Sospensione del tirocinio"), _("Tirocinio sospeso")),
    ("casework.traineeship_resume", _("Ripresa del tirocinio"), _("Tirocinio ripreso")),
    (
        "casework.traineeship_cob",
        _("Comunicazione obbligatoria"),
        _("Comunicazione obbligatoria registrata"),
    ),
]


def urlpatterns():
    patterns = [
        path(
            "casework/pathway/<int:pk>/tirocinio/cob/",
            views.CommunicationView.as_view(),
            name=views.COMMUNICATION_URL,
        ),
        path(
            "casework/pathway/<int:pk>/tirocinio/proroga/",
            views.ExtensionView.as_view(),
            name=views.EXTENSION_URL,
        ),
        path(
            "casework/pathway/<int:pk>/tirocinio/sospensione/",
            views.SuspensionView.as_view(),
            name=views.SUSPENSION_URL,
        ),
        path(
            "casework/pathway/<int:pk>/tirocinio/ripresa/",
            views.ResumeView.as_view(),
            name=views.RESUME_URL,
        ),
    ]
    return guard_urlpatterns(
        patterns, lambda request: scope(Pathway.objects.all(), request.user, "comune")
    )


def register_log_actions(actions):
    for action, label, message in LOG_ACTIONS:
        actions.register_action(action, label, message)


def register(hooks):
    hooks.register("register_admin_urls", urlpatterns)
    hooks.register(PATHWAY_PAGE_HOOK, pathway_traineeship)
    hooks.register("construct_homepage_panels", homepage_panels)
    hooks.register("register_log_actions", register_log_actions)
