"""Read-side queries that several screens, exports and reports share."""

from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .access import scope
from .choices import COMMITTED_VOUCHER_STATUSES, VoucherStatus
from .models import Budget, Voucher

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
INVOICED_VOUCHER_STATUSES = (VoucherStatus.INVOICED, VoucherStatus.PAID)


def _voucher_sum(statuses):
    """Gross total of the budget's vouchers in ``statuses``, as a correlated subquery: one row per
    budget, however many vouchers there are."""
    vouchers = (
        Voucher.objects.filter(
            comune=OuterRef("comune"), edition=OuterRef("edition"), status__in=statuses
        )
        .order_by()
        .values("comune")
        .annotate(total=Sum("gross"))
        .values("total")
    )
    return Coalesce(Subquery(vouchers, output_field=MONEY_FIELD), ZERO)


def budget_summary(user=None, *, edition=None, comune=None):
    """Budgets annotated with ``committed`` (approved + invoiced + paid), ``invoiced``
    (invoiced + paid), ``proposed`` and ``remaining`` = amount - committed, all gross.

    Aggregated in the database: a fixed number of queries for any number of vouchers.
    """
    queryset = Budget.objects.select_related("comune", "edition")
    if user is not None:
        queryset = scope(queryset, user, "comune")
    if edition is not None:
        queryset = queryset.filter(edition=edition)
    if comune is not None:
        queryset = queryset.filter(comune=comune)
    return queryset.annotate(
        committed=_voucher_sum(COMMITTED_VOUCHER_STATUSES),
        invoiced=_voucher_sum(INVOICED_VOUCHER_STATUSES),
        proposed=_voucher_sum((VoucherStatus.PROPOSED,)),
        remaining=ExpressionWrapper(F("amount") - F("committed"), output_field=MONEY_FIELD),
    ).order_by("edition__starts_on", "comune__name")


def committed_total(budget):
    """Committed gross for one budget (used inside the approving transaction, after the lock)."""
    return Voucher.objects.filter(
        Q(comune_id=budget.comune_id, edition_id=budget.edition_id),
        status__in=COMMITTED_VOUCHER_STATUSES,
    ).aggregate(total=Coalesce(Sum("gross"), ZERO))["total"]
