"""Registration only: each area declares what it adds to the Wagtail admin in its
``registration`` module; the menu groups that mix areas are in ``menu``."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from .cases import registration as cases
from .cases.agenda import registration as agenda
from .cases.traineeship import registration as traineeship
from .imports import registration as imports
from .matching import registration as matching
from .menu import CaseworkViewSetGroup, MoneyViewSetGroup
from .money import registration as money
from .papers import registration as papers
from .permissions import registration as permissions
from .privacy import registration as privacy
from .search import registration as search
from .security import registration as security

# The scoped permission policies come first: a viewset that read its policy before them would
# keep Wagtail's default for good.
permissions.register(hooks)
register_snippet(CaseworkViewSetGroup)
register_snippet(MoneyViewSetGroup)
for area in (
    cases,
    traineeship,
    agenda,
    money,
    matching,
    imports,
    privacy,
    security,
    search,
    papers,
):
    area.register(hooks)
