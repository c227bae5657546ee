"""What matching adds to the admin: the ranking screens and the placement's history label."""

from django.utils.translation import gettext_lazy as _

from .views import matching_urlpatterns, position_listing_buttons


def register_log_actions(actions):
    actions.register_action(
        "casework.place", _("Collocazione"), _("Persona collocata presso una posizione")
    )


def register(hooks):
    hooks.register("register_admin_urls", matching_urlpatterns)
    hooks.register("register_snippet_listing_buttons", position_listing_buttons)
    hooks.register("register_log_actions", register_log_actions)
