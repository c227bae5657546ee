"""What privacy adds to the admin: the right-of-access and pseudonymised export URLs and the
person's listing buttons for them."""

from .views import beneficiary_listing_buttons, urlpatterns


def register(hooks):
    hooks.register("register_admin_urls", urlpatterns)
    hooks.register("register_snippet_listing_buttons", beneficiary_listing_buttons)
