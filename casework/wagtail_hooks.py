"""Registration only; the screens themselves are in ``viewsets.py``."""

from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .policies import register_scoped_policies

# Before any viewset is built: a viewset reading its policy first would freeze Wagtail's default.
register_scoped_policies(register_permission_policy)

from .viewsets import CaseworkViewSetGroup, MoneyViewSetGroup  # noqa: E402

register_snippet(CaseworkViewSetGroup)
register_snippet(MoneyViewSetGroup)


# --- Case records ------------------------------------------------------------------------------
from wagtail import hooks as _case_hooks  # noqa: E402

from .panels import homepage_panels as _homepage_panels  # noqa: E402
from .viewsets import activity_urlpatterns as _activity_urlpatterns  # noqa: E402

_case_hooks.register("register_admin_urls", _activity_urlpatterns)
_case_hooks.register("construct_homepage_panels", _homepage_panels)

CASE_LOG_ACTIONS = [
    ("casework.take_in_charge", "Presa in carico", "Persona presa in carico"),
    ("casework.activate", "Attivazione", "Percorso attivato"),
    ("casework.complete", "Conclusione", "Percorso concluso"),
    ("casework.interrupt", "Interruzione", "Percorso interrotto"),
    ("casework.decline", "Non accolta", "Segnalazione non accolta"),
    ("casework.withdraw", "Ritiro", "Segnalazione ritirata"),
    ("casework.reopen", "Riapertura", "Segnalazione riaperta"),
    ("casework.change_residence", "Cambio di residenza", "Residenza cambiata"),
]


@_case_hooks.register("register_log_actions")
def register_case_log_actions(actions):
    for action, label, message in CASE_LOG_ACTIONS:
        actions.register_action(action, label, message)


# --- Matching (casework.matching) ------------------------------------------------------------
from wagtail import hooks as _hooks  # noqa: E402

from . import matching as _matching  # noqa: E402


@_hooks.register("register_admin_urls")
def register_matching_urls():
    return _matching.matching_urlpatterns()


_hooks.register("register_snippet_listing_buttons", _matching.position_listing_buttons)


@_hooks.register("register_log_actions")
def register_matching_log_actions(actions):
    actions.register_action(
        "casework.place", "Collocazione", "Persona collocata presso una posizione"
    )


# --- Money (casework.views_money) ------------------------------------------------------------
from . import views_money as _views_money  # noqa: E402

_hooks.register("register_admin_urls", _views_money.money_urlpatterns)
_hooks.register(_views_money.TEAM_MEETING_AGENDA_HOOK, _views_money.meeting_agenda_section)
_hooks.register("register_snippet_listing_buttons", _views_money.pathway_listing_buttons)


@_hooks.register("register_log_actions")
def register_money_log_actions(actions):
    for action, label, message in _views_money.MONEY_LOG_ACTIONS:
        actions.register_action(action, label, message)


# --- Bulk import and export (casework.importing, casework.exporting) ---------------------------
from wagtail.permissions import register_permission_policy as _register_policy  # noqa: E402

from . import views_import as _views_import  # noqa: E402
from .exporting import ReadOnlyPermissionPolicy as _ReadOnlyPolicy  # noqa: E402
from .exporting import protect_wagtail_list_exports as _protect_list_exports  # noqa: E402
from .models import ImportRun as _ImportRun  # noqa: E402
from .viewsets import ImportRunViewSet as _ImportRunViewSet  # noqa: E402

_hooks.register("register_admin_urls", _views_import.register_urls)
_register_policy(_ImportRun, _ReadOnlyPolicy(_ImportRun))
_protect_list_exports()


@_hooks.register("register_admin_viewset")
def register_import_runs():
    return _ImportRunViewSet("import_runs")


# --- Security (casework.accounts, casework.policies) -------------------------------------------
from . import accounts as _accounts  # noqa: E402

_hooks.register("register_admin_urls", _accounts.urlpatterns)
_hooks.register("register_account_menu_item", _accounts.account_menu_item)

# --- Privacy (casework.privacy) ----------------------------------------------------------------
from . import privacy as _privacy  # noqa: E402

_hooks.register("register_admin_urls", _privacy.urlpatterns)
_hooks.register("register_snippet_listing_buttons", _privacy.beneficiary_listing_buttons)
