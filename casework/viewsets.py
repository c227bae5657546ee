"""Admin screens for case records (menu "Casi") and money (menu "Budget e voucher")."""

from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Beneficiary, Budget, Edition, Pathway, Referral, TeamMeeting, Voucher
from .scoping import ScopedViewSetMixin

# --- Case records ------------------------------------------------------------------------------


class BeneficiaryViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Beneficiary
    icon = "user"
    menu_label = "Persone"
    list_display = ["__str__", "tax_code", "residence_comune"]
    search_fields = ["last_name", "first_name", "tax_code"]


class ReferralViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Referral
    icon = "mail"
    menu_label = "Segnalazioni"
    list_display = ["protocol", "beneficiary", "comune", "referred_on", "status"]


class PathwayViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Pathway
    icon = "tasks"
    menu_label = "Percorsi"
    list_display = ["__str__", "comune", "status"]


class TeamMeetingViewSet(SnippetViewSet):
    model = TeamMeeting
    icon = "group"
    menu_label = "Équipe congiunte"
    list_display = ["__str__"]


class CaseworkViewSetGroup(ViewSetGroup):
    menu_label = "Casi"
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (BeneficiaryViewSet, ReferralViewSet, PathwayViewSet, TeamMeetingViewSet)


# --- Money -------------------------------------------------------------------------------------


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "date"
    menu_label = "Edizioni e tariffe"


class BudgetViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Budget
    icon = "table"
    menu_label = "Budget dei Comuni"
    list_display = ["comune", "edition", "amount"]


class VoucherViewSet(ScopedViewSetMixin, SnippetViewSet):
    model = Voucher
    icon = "doc-full"
    menu_label = "Voucher"
    list_display = ["__str__", "comune", "status"]


class MoneyViewSetGroup(ViewSetGroup):
    menu_label = "Budget e voucher"
    menu_icon = "table"
    menu_order = 210
    items = (EditionViewSet, BudgetViewSet, VoucherViewSet)
