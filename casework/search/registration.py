"""What the search adds to the admin: its screen and the first search area, so the sidebar's
"Cerca" box (which goes to the first area a user may see) searches people and cases."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.search import SearchArea

from .selectors import visible_kinds
from .views import URL_NAME, search_urlpatterns

# Wagtail's own areas start at 100 (pages); ours comes before all of them.
SEARCH_AREA_ORDER = 10


class CaseworkSearchArea(SearchArea):
    def is_shown(self, request):
        return bool(visible_kinds(request.user))


def search_area():
    return CaseworkSearchArea(
        _("Persone e casi"),
        reverse(URL_NAME),
        name="casework",
        icon_name="user",
        order=SEARCH_AREA_ORDER,
    )


def register(hooks):
    hooks.register("register_admin_urls", search_urlpatterns)
    hooks.register("register_admin_search_area", search_area)
