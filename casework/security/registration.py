"""What security adds to the admin: the second-factor screens and their account menu item."""

from .views import account_menu_item, urlpatterns


def register(hooks):
    hooks.register("register_admin_urls", urlpatterns)
    hooks.register("register_account_menu_item", account_menu_item)
