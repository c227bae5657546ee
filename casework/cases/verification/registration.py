"""What review meetings add to the admin: their two screens and their section on the pathway's
page (``casework/verification/_pathway_section.html``, context ``verification``)."""

from casework.cases.inspect import PATHWAY_PAGE_HOOK

from .selectors import pathway_verification
from .views import urlpatterns


def register(hooks):
    hooks.register("register_admin_urls", urlpatterns)
    hooks.register(
        PATHWAY_PAGE_HOOK, lambda p, user: {"verification": pathway_verification(p, user)}
    )
