"""The one date widget of ZeroOttanta.

Wagtail's date picker (xdsoft datetimepicker) re-validates the typed text on blur with its own
parser and, when that parser does not understand the text, writes today's date over it: an
Italian typing ``5/3/2026`` or ``05-03-2026`` would silently lose the date. The widget keeps the
picker for clicking but turns that blur rewrite off, so what was typed reaches the server, where
the Italian ``DATE_INPUT_FORMATS`` (``config/formats``) read every way an Italian writes a date
and a wrong one gets a form error instead of a different date.
"""

from django.conf import settings
from wagtail.admin.widgets import AdminDateInput

ITALIAN_DATE_FORMAT = "%d/%m/%Y"
PLACEHOLDER = "gg/mm/aaaa"


class ItalianDateInput(AdminDateInput):
    def __init__(self, attrs=None, format=None):
        default_attrs = {"placeholder": PLACEHOLDER, "inputmode": "numeric"}
        default_attrs.update(attrs or {})
        super().__init__(
            attrs=default_attrs,
            format=format or getattr(settings, "WAGTAIL_DATE_FORMAT", ITALIAN_DATE_FORMAT),
        )

    def get_config(self):
        return {**super().get_config(), "validateOnBlur": False}
