"""The admin menu groups. A group gathers screens of several areas (the access log sits with the
case records, the money screens with budgets), so it is composed here, above the areas."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.base import ViewSetGroup

from .cases.traineeship.viewsets import TraineeshipRulesViewSet
from .cases.viewsets import BeneficiaryViewSet, PathwayViewSet, ReferralViewSet, TeamMeetingViewSet
from .money.views import BudgetOverviewViewSet, InvoiceCheckViewSet
from .money.viewsets import (
    BudgetViewSet,
    EditionViewSet,
    InvoiceViewSet,
    TariffViewSet,
    VoucherViewSet,
)
from .privacy.viewsets import AccessLogViewSet


class CaseworkViewSetGroup(ViewSetGroup):
    menu_label = _("Casi")
    menu_icon = "folder-open-inverse"
    menu_order = 200
    items = (
        BeneficiaryViewSet,
        ReferralViewSet,
        PathwayViewSet,
        TeamMeetingViewSet,
        AccessLogViewSet,
    )


class MoneyViewSetGroup(ViewSetGroup):
    menu_label = _("Budget e voucher")
    menu_icon = "table"
    menu_order = 210
    items = (
        BudgetOverviewViewSet,
        BudgetViewSet,
        VoucherViewSet,
        InvoiceViewSet,
        InvoiceCheckViewSet,
        EditionViewSet,
        TariffViewSet,
        TraineeshipRulesViewSet,
    )
