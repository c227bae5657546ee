"""Registration only: the ZeroOttanta handbook first in the admin's "Aiuto" menu, Wagtail's editor
guide second (the "what's new in Wagtail" notice is of no use to the programme's staff)."""

from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import handbook_redirect

HANDBOOK_MENU_NAME = "zeroottanta-handbook"


@hooks.register("register_admin_urls")
def register_handbook_url():
    return [path("manuale/", handbook_redirect, name="home_handbook")]


@hooks.register("register_help_menu_item")
def register_handbook_menu_item():
    return MenuItem(
        _("Manuale di ZeroOttanta"),
        reverse_lazy("home_handbook"),
        name=HANDBOOK_MENU_NAME,
        icon_name="doc-full",
        order=900,
    )


@hooks.register("construct_help_menu")
def drop_whats_new(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith("whats-new")]
    # Wagtail titles its guide "Guida all'editor di Wagtail 8.0.1": staff know the product as
    # ZeroOttanta, so the guide is named for what it explains, the editing of public pages.
    for item in menu_items:
        if item.name == "editor-guide":
            item.label = _("Guida alla modifica delle pagine pubbliche")
