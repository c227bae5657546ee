"""Registration only; the screens themselves are in ``viewsets.py``."""

from wagtail.snippets.models import register_snippet

from .viewsets import CaseworkViewSetGroup, MoneyViewSetGroup

register_snippet(CaseworkViewSetGroup)
register_snippet(MoneyViewSetGroup)
