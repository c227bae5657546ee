"""What the signatures add to the admin: their screens, the "Firme" section of a pathway's page
and the history labels."""

from ..inspect import PATHWAY_PAGE_HOOK
from .views import SIGNATURE_LOG_ACTIONS, signature_urlpatterns, signatures_section


def register_log_actions(actions):
    for action, label, message in SIGNATURE_LOG_ACTIONS:
        actions.register_action(action, label, message)


def register(hooks):
    hooks.register("register_admin_urls", signature_urlpatterns)
    hooks.register(PATHWAY_PAGE_HOOK, signatures_section)
    hooks.register("register_log_actions", register_log_actions)
