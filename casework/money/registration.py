"""What the money area adds to the admin: its screens' URLs, the vouchers in the team meeting's
agenda, the voucher buttons of a pathway and the history labels of voucher decisions."""

from casework.cases.inspect import PATHWAY_PAGE_HOOK
from casework.cases.panels import TEAM_MEETING_AGENDA_HOOK

from .delivery_selectors import pathway_delivery
from .minutes_views import meeting_listing_buttons, meeting_minutes_section, minutes_urlpatterns
from .views import (
    MONEY_LOG_ACTIONS,
    meeting_agenda_section,
    money_urlpatterns,
    pathway_listing_buttons,
)
from .voucher_views import delivery_urlpatterns


def register_log_actions(actions):
    for action, label, message in MONEY_LOG_ACTIONS:
        actions.register_action(action, label, message)


def register(hooks):
    hooks.register("register_admin_urls", money_urlpatterns)
    hooks.register("register_admin_urls", delivery_urlpatterns)
    hooks.register(TEAM_MEETING_AGENDA_HOOK, meeting_agenda_section)
    hooks.register(PATHWAY_PAGE_HOOK, lambda p, user: {"delivery": pathway_delivery(p, user)})
    hooks.register("register_snippet_listing_buttons", pathway_listing_buttons)
    hooks.register("register_log_actions", register_log_actions)
    # The team meeting's minutes as a PDF (casework.money.minutes).
    hooks.register("register_admin_urls", minutes_urlpatterns)
    hooks.register("register_snippet_listing_buttons", meeting_listing_buttons)
    hooks.register(TEAM_MEETING_AGENDA_HOOK, meeting_minutes_section)
