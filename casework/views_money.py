"""Admin screens of the money section: the joint team's decisions on vouchers, the budget
overview and the invoice check."""


def money_urlpatterns():
    return []

from django.utils.translation import gettext_lazy as _  # noqa: E402

from .panels import TEAM_MEETING_AGENDA_HOOK  # noqa: E402, F401

MONEY_LOG_ACTIONS = [
    ("casework.voucher_approve", _("Voucher approvato"), _("Voucher approvato")),
    ("casework.voucher_reject", _("Voucher respinto"), _("Voucher respinto")),
    ("casework.voucher_cancel", _("Voucher annullato"), _("Voucher annullato")),
    ("casework.voucher_invoiced", _("Voucher fatturato"), _("Voucher fatturato")),
    ("casework.voucher_paid", _("Voucher pagato"), _("Voucher pagato")),
]


def meeting_agenda_section(request, meeting):
    return None
