"""Wagtail's own words that its Italian catalogue leaves in English (or says "Wagtail" where our
users should read ZeroOttanta). Marked here so that `makemessages` keeps them in our Italian
catalogue (locale/it), where their Italian text lives; LOCALE_PATHS wins over Wagtail's catalogue.
Nothing imports this module: it exists for the string extractor."""

from django.utils.translation import gettext_noop

WAGTAIL_WORDS = (
    gettext_noop("Snippets"),
    gettext_noop("Dashboard"),
    gettext_noop("Sign in to Wagtail"),
    gettext_noop("View latest version"),
    # The dashboard's link to Wagtail's guide: staff know the product as ZeroOttanta.
    gettext_noop("Wagtail %(current_version)s editor guide"),
)
