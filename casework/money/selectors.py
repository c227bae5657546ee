"""Read-side queries that several screens, exports and reports share."""

from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round

from casework.permissions.access import scope

from .choices import COMMITTED_VOUCHER_STATUSES, INVOICED_VOUCHER_STATUSES, VoucherStatus
from .euro import to_cents
from .models import Budget, Voucher


class ExactMoneyField(DecimalField):
    """Sums read back as exact cents: SQLite sums decimals as floats (85391.4599999993)."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return to_cents(value)


MONEY_FIELD = ExactMoneyField(max_digits=14, decimal_places=2)


ZERO = Value(Decimal("0.00"), output_field=MONEY_FIELD)


def _voucher_sum(statuses, only=None):
    """Gross total of the budget's vouchers in ``statuses`` (and matching ``only``, a ``Q``), as
    a correlated subquery: one row per budget, however many vouchers there are."""
    vouchers = (
        Voucher.objects.filter(
            only or Q(), comune=OuterRef("comune"), edition=OuterRef("edition"), status__in=statuses
        )
        .order_by()
        .values("comune")
        .annotate(total=Sum("gross"))
        .values("total")
    )
    # Rounded in SQL: SQLite sums decimals as floats (85391.4599999993 for 85391.46).
    return Coalesce(
        Round(Subquery(vouchers), 2, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD
    )


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
        remaining=Round(
            ExpressionWrapper(F("amount") - F("committed"), output_field=MONEY_FIELD),
            2,
            output_field=MONEY_FIELD,
        ),
    ).order_by("edition__starts_on", "comune__name")


def committed_total(budget):
    """Committed gross for one budget (used inside the approving transaction, after the lock)."""
    total = Voucher.objects.filter(
        Q(comune_id=budget.comune_id, edition_id=budget.edition_id),
        status__in=COMMITTED_VOUCHER_STATUSES,
    ).aggregate(total=Coalesce(Sum("gross"), ZERO, output_field=MONEY_FIELD))["total"]
    # Back to exact cents: SQLite sums decimals as floats.
    return to_cents(total)


BUDGET_WARNING_PERCENT = Decimal("90")


def current_edition(on=None):
    """The edition running on ``on`` (today by default), else the latest one."""
    from django.utils import timezone

    from .models import Edition

    on = on or timezone.localdate()
    return (
        Edition.objects.filter(starts_on__lte=on, ends_on__gte=on).first()
        or Edition.objects.order_by("-starts_on").first()
    )


def budget_overview(user, *, edition):
    """One row per visible Comune's budget of ``edition`` with the share used, plus the totals.
    Two queries whatever the number of vouchers: the annotated budgets and the Comuni that have
    no budget for the edition."""
    from casework.permissions.access import visible_comuni

    rows = list(budget_summary(user, edition=edition))
    totals = {"amount": Decimal("0.00"), "committed": Decimal("0.00")}
    totals.update(invoiced=Decimal("0.00"), proposed=Decimal("0.00"), remaining=Decimal("0.00"))
    for row in rows:
        row.percent_used = _percent(row.committed, row.amount)
        row.over_warning = row.percent_used > BUDGET_WARNING_PERCENT
        for key in totals:
            totals[key] += getattr(row, key)
    totals["percent_used"] = _percent(totals["committed"], totals["amount"])
    without = list(
        visible_comuni(user).exclude(budgets__edition=edition).order_by("name")
        if edition is not None
        else []
    )
    return {"rows": rows, "totals": totals, "without_budget": without}


def _percent(part, whole):
    if not whole:
        return Decimal("100.0") if part else Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def pending_vouchers(user):
    """Vouchers waiting for the joint team's decision, oldest first."""
    return (
        scope(Voucher.objects.filter(status=VoucherStatus.PROPOSED), user, "comune")
        .select_related("pathway__referral__beneficiary", "comune", "edition", "created_by")
        .order_by("created_at", "pk")
    )


def agenda_budgets(user, vouchers):
    """The budgets the agenda's ``vouchers`` would be charged to, and whether each voucher would
    still fit if the team approved the agenda in order (oldest proposal first). One query: the
    visible budgets of the Comuni and editions in the agenda, annotated as in ``budget_summary``.

    Returns ``(budgets, fits)``: the budget rows (each with ``pending``, the gross waiting in
    the agenda, and ``after``, what would remain if all of it were approved) and a dict from
    voucher pk to ``(fits, remaining_before)`` (``fits`` None when the voucher has no budget).
    """
    vouchers = list(vouchers)
    comuni = {v.comune_id for v in vouchers}
    editions = {v.edition_id for v in vouchers}
    budgets = {}
    if vouchers:
        rows = budget_summary(user).filter(comune_id__in=comuni, edition_id__in=editions)
        budgets = {(b.comune_id, b.edition_id): b for b in rows}
    left = {key: row.remaining for key, row in budgets.items()}
    for row in budgets.values():
        row.pending = Decimal("0.00")
    fits = {}
    for voucher in vouchers:
        key = (voucher.comune_id, voucher.edition_id)
        if key not in budgets:
            fits[voucher.pk] = (None, None)
            continue
        budgets[key].pending += voucher.gross
        before = left[key]
        fits[voucher.pk] = (voucher.gross <= before, before)
        if voucher.gross <= before:
            left[key] = before - voucher.gross
    for row in budgets.values():
        row.after = row.remaining - row.pending
    ordered = sorted(budgets.values(), key=lambda b: (b.comune.name, b.edition.starts_on))
    return ordered, fits


def budgets_after_meeting(meeting, *, comune_ids, edition_ids, user=None):
    """The budgets of ``comune_ids`` in ``edition_ids`` as a team meeting left them: annotated
    with ``committed`` (the gross of the vouchers committed today that were decided at this
    meeting or an earlier one, or outside a meeting up to its day) and ``remaining`` = amount -
    committed, as in ``budget_summary``. One query."""
    held_on = meeting.held_on
    decided_by_then = Q(meeting__held_on__lte=held_on) | Q(
        meeting__isnull=True, decided_at__date__lte=held_on
    )
    queryset = Budget.objects.select_related("comune", "edition").filter(
        comune_id__in=comune_ids, edition_id__in=edition_ids
    )
    if user is not None:
        queryset = scope(queryset, user, "comune")
    return queryset.annotate(
        committed=_voucher_sum(COMMITTED_VOUCHER_STATUSES, decided_by_then),
        remaining=Round(
            ExpressionWrapper(F("amount") - F("committed"), output_field=MONEY_FIELD),
            2,
            output_field=MONEY_FIELD,
        ),
    ).order_by("comune__name", "edition__starts_on")
