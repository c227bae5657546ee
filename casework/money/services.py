"""Writes of vouchers and budgets: proposal at the edition's tariff, decisions against the Comune's budget (locked), cancellation, billing states, the team meeting's decisions."""

from decimal import Decimal as _Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone as _timezone
from django.utils.translation import gettext_lazy as _

from casework.cases import deadlines as _deadlines
from casework.cases.choices import Activity as _Activity
from casework.cases.choices import PathwayStatus
from casework.cases.models import Pathway
from casework.cases.models import TeamMeeting as _TeamMeeting
from casework.cases.rules import has_activity as _has_activity
from casework.cases.services.referrals import _history, _required_text
from network.choices import PathwayType

from . import transitions as _transitions
from .choices import LIVE_VOUCHER_STATUSES as _LIVE_VOUCHER
from .choices import VoucherKind as _VoucherKind
from .euro import CENT as CENT  # kept importable here: the casework.services facade names it
from .euro import format_euro as _format_euro
from .euro import to_cents
from .models import Budget as _Budget
from .models import Edition as _Edition
from .models import Tariff as _Tariff
from .models import Voucher as _Voucher
from .selectors import committed_total as _committed_total

MSG_NO_EDITION = _("Nessuna edizione del programma comprende il %(date)s.")


MSG_NO_TARIFF = _("L'edizione %(edition)s non ha una tariffa per «%(kind)s».")


MSG_NO_BUDGET = _("Il Comune di %(comune)s non ha un budget per l'edizione %(edition)s.")


MSG_BUDGET_EXCEEDED = _(
    "Budget del Comune di %(comune)s (edizione %(edition)s) superato di %(excess)s: "
    "disponibili %(remaining)s, il voucher vale %(gross)s."
)


MSG_BUDGET_BELOW_COMMITTED = _(
    "Il budget non può scendere sotto quanto già impegnato dai voucher approvati "
    "(%(committed)s): mancano %(missing)s."
)


MSG_QUANTITY_POSITIVE = _("La quantità deve essere maggiore di zero.")


MSG_ACTIVATION_QUANTITY = _("Un voucher di attivazione ha quantità 1.")


MSG_KIND_NOT_FOR_PATHWAY = _(
    "Questo voucher non è previsto per la tipologia di percorso «%(type)s»."
)


MSG_TUTORING_NOT_PLANNED = _("Il tutoraggio non è previsto per questo percorso.")


MSG_TIMESHEETS_NOT_PLANNED = _("I fogli ore non sono previsti per questo percorso.")


MSG_ACTIVATION_EXISTS = _("Il percorso ha già un voucher di questo tipo proposto o approvato.")


MSG_HIRING_NEEDS_HOST = _(
    "Per il voucher di assunzione il percorso deve indicare l'ente ospitante."
)


MSG_HIRING_AFTER_TRAINEESHIP = _(
    "Il voucher di assunzione non spetta: la persona ha già svolto un tirocinio presso lo "
    "stesso ente (%(host)s)."
)


MSG_PATHWAY_CLOSED_BEFORE_START = _("Il percorso è stato interrotto prima dell'attivazione.")


MSG_NOT_PROPOSED = _("Il voucher non è in attesa di decisione.")


MSG_CANNOT_CANCEL = _(
    "Si può annullare solo un voucher proposto o approvato, non ancora fatturato."
)


MSG_NOT_APPROVED = _("Solo un voucher approvato può essere fatturato.")


MSG_NOT_INVOICED = _("Solo un voucher fatturato può essere segnato come pagato.")


MSG_MEETING_IN_FUTURE = _("Le decisioni si registrano a équipe avvenuta, non prima della data.")


MSG_UNKNOWN_DECISION = _("Decisione non valida.")


MSG_NO_DECISIONS = _("Nessuna decisione da registrare.")


_ACTIVATION_KINDS = (_VoucherKind.TRAINEESHIP_ACTIVATION, _VoucherKind.HIRING_ACTIVATION)


# Which activation a pathway type can be charged: a traineeship places the person, hiring is the
# "inserimento" with a contract. A personalised project may need either.
VOUCHER_PATHWAY_TYPES = {
    _VoucherKind.TRAINEESHIP_ACTIVATION: (
        PathwayType.ASSISTENZIALE,
        PathwayType.TIROCINIO,
        PathwayType.PERSONALIZZATO,
    ),
    _VoucherKind.HIRING_ACTIVATION: (
        PathwayType.TIROCINIO,
        PathwayType.INSERIMENTO,
        PathwayType.PERSONALIZZATO,
    ),
    _VoucherKind.TUTORING_HOUR: tuple(PathwayType.values),  # decided by the activity plan
}


DECISION_APPROVE = "approve"


DECISION_REJECT = "reject"


def voucher_amounts(unit_net, vat_rate, quantity):
    """(net, vat, gross) of one voucher line, each rounded half-up to the cent."""
    net = to_cents(_Decimal(unit_net) * _Decimal(quantity))
    vat = to_cents(net * _Decimal(vat_rate) / 100)
    return net, vat, net + vat


def check_budget_amount(budget, amount, *, committed=None):
    """A budget may not drop below what approved vouchers already commit: the rule of the budget
    screen and of the budget import alike. ``committed`` defaults to the budget's committed
    gross; the caller holds the budget's lock, so no approval slips in between."""
    committed = _committed_total(budget) if committed is None else committed
    amount = to_cents(amount)
    if amount < committed:
        raise ValidationError(
            {
                "amount": MSG_BUDGET_BELOW_COMMITTED
                % {
                    "committed": _format_euro(committed),
                    "missing": _format_euro(committed - amount),
                }
            }
        )


# What the budget screen edits besides the amount.
BUDGET_FIELDS = ("comune", "edition", "criteria", "notes")


def _set_budget_fields(budget, fields):
    unknown = set(fields) - set(BUDGET_FIELDS)
    if unknown:
        raise TypeError(f"Campi del budget sconosciuti: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(budget, name, value)


@transaction.atomic
def create_budget(*, comune, edition, amount, user, criteria="", notes=""):
    """A Comune's budget for an edition, with its first revision in the budget's history."""
    budget = _Budget(
        comune=comune, edition=edition, amount=to_cents(amount), criteria=criteria, notes=notes
    )
    budget.full_clean()
    budget.save()
    budget.save_revision(user=user, log_action="wagtail.create")
    return budget


@transaction.atomic
def set_budget_amount(budget, *, amount, user, **fields):
    """A new amount (and ``fields``: comune, edition, criteria, notes) for a budget. The budget
    row is locked first, as a voucher approval locks it, so an approval running meanwhile and the
    lowered amount cannot together overspend; then the amount may not drop below what approved
    vouchers of its Comune and edition commit."""
    budget = _Budget.objects.select_for_update(of=("self",)).get(pk=budget.pk)
    previous = budget.amount
    _set_budget_fields(budget, fields)
    check_budget_amount(budget, amount)
    budget.amount = to_cents(amount)
    budget.full_clean()
    budget.save()
    budget.save_revision(user=user, log_action=True)
    if budget.amount != previous:
        _history(
            budget,
            "casework.budget_amount",
            user,
            previous=str(previous),
            amount=str(budget.amount),
        )
    return budget


def edition_on(on):
    edition = _Edition.objects.filter(starts_on__lte=on, ends_on__gte=on).first()
    if edition is None:
        raise ValidationError(MSG_NO_EDITION % {"date": on.strftime("%d/%m/%Y")})
    return edition


def tariff_for(edition, kind):
    tariff = _Tariff.objects.filter(edition=edition, kind=kind).first()
    if tariff is None:
        raise ValidationError(
            MSG_NO_TARIFF % {"edition": edition, "kind": _VoucherKind(kind).label}
        )
    return tariff


def _pathway_has(pathway, activity):
    chosen = ()
    if pathway.pathway_type == PathwayType.PERSONALIZZATO:
        chosen = tuple(pathway.activities.values_list("activity", flat=True))
    return _has_activity(pathway.pathway_type, activity, chosen)


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def _check_hiring(pathway):
    if pathway.host_id is None:
        raise ValidationError({"kind": MSG_HIRING_NEEDS_HOST})
    beneficiary_id = pathway.referral.beneficiary_id
    same_place = Pathway.objects.filter(
        referral__beneficiary_id=beneficiary_id, host_id=pathway.host_id
    )
    traineeship = (
        _Voucher.objects.filter(
            pathway__in=same_place,
            kind=_VoucherKind.TRAINEESHIP_ACTIVATION,
            status__in=_LIVE_VOUCHER,
        ).exists()
        or same_place.filter(
            pathway_type=PathwayType.TIROCINIO, activated_on__isnull=False
        ).exists()
    )
    if traineeship:
        raise ValidationError({"kind": MSG_HIRING_AFTER_TRAINEESHIP % {"host": pathway.host}})


@transaction.atomic
def create_voucher(pathway, *, kind, quantity=1, user, on=None, note=""):
    """A proposed voucher at the tariff of the edition that contains ``on`` (by default the
    pathway's activation, or its intake while not yet active), charged to the referring Comune.
    The tariff is copied, so a later tariff change leaves the voucher as it is."""
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("referral", "host")
        .get(pk=pathway.pk)
    )
    quantity = _Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": MSG_QUANTITY_POSITIVE})
    if pathway.status == PathwayStatus.INTERRUPTED and pathway.activated_on is None:
        raise ValidationError(MSG_PATHWAY_CLOSED_BEFORE_START)
    if pathway.pathway_type not in VOUCHER_PATHWAY_TYPES[kind]:
        raise ValidationError(
            {"kind": MSG_KIND_NOT_FOR_PATHWAY % {"type": pathway.get_pathway_type_display()}}
        )
    if kind == _VoucherKind.TUTORING_HOUR:
        if not _pathway_has(pathway, _Activity.TUTORING):
            raise ValidationError({"kind": MSG_TUTORING_NOT_PLANNED})
    else:
        if quantity != 1:
            raise ValidationError({"quantity": MSG_ACTIVATION_QUANTITY})
        if pathway.vouchers.filter(kind=kind, status__in=_LIVE_VOUCHER).exists():
            raise ValidationError({"kind": MSG_ACTIVATION_EXISTS})
        if kind == _VoucherKind.HIRING_ACTIVATION:
            _check_hiring(pathway)
    on = on or pathway.activated_on or pathway.intake_on
    edition = edition_on(on)
    tariff = tariff_for(edition, kind)
    net, vat, gross = voucher_amounts(tariff.net_amount, tariff.vat_rate, quantity)
    voucher = _Voucher(
        pathway=pathway,
        comune_id=pathway.referral.comune_id,
        edition=edition,
        kind=kind,
        quantity=quantity,
        unit_net=tariff.net_amount,
        vat_rate=tariff.vat_rate,
        net=net,
        vat=vat,
        gross=gross,
        status=_transitions.BY_ACTION["propose"].target,
        decision_note=note,
        created_by=_user_or_none(user),
    )
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    return voucher


# The refusal of each action taken from a state the transition table does not allow.
_TRANSITION_REFUSALS = {
    "approve": MSG_NOT_PROPOSED,
    "reject": MSG_NOT_PROPOSED,
    "cancel": MSG_CANNOT_CANCEL,
    "invoiced": MSG_NOT_APPROVED,
    "paid": MSG_NOT_INVOICED,
}


def _check_transition(voucher, action):
    if not _transitions.can_leave(action, voucher.status):
        raise ValidationError(_TRANSITION_REFUSALS[action])


def _locked_voucher(voucher):
    return (
        _Voucher.objects.select_for_update(of=("self",))
        .select_related("comune", "edition")
        .get(pk=voucher.pk)
    )


def _decide(voucher, *, status, user, meeting, note, action):
    voucher.status = status
    voucher.meeting = meeting
    voucher.decided_by = _user_or_none(user)
    voucher.decided_at = _timezone.now()
    if note:
        voucher.decision_note = note
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    data = {"meeting": meeting.pk if meeting else None, "gross": str(voucher.gross)}
    _history(voucher, action, user, **data)
    if meeting is not None:
        _history(meeting, action, user, voucher=voucher.pk, gross=str(voucher.gross))
    return voucher


def _check_meeting(meeting):
    if meeting is not None and meeting.held_on > _deadlines.today():
        raise ValidationError(MSG_MEETING_IN_FUTURE)


@transaction.atomic
def approve_voucher(voucher, *, user, meeting=None, note=""):
    """Approval against the Comune's budget. The budget row is locked first, so two approvals
    running at the same moment are counted one after the other and cannot overspend together."""
    voucher = _locked_voucher(voucher)
    _check_transition(voucher, "approve")
    _check_meeting(meeting)
    budget = (
        _Budget.objects.select_for_update()
        .filter(comune_id=voucher.comune_id, edition_id=voucher.edition_id)
        .first()
    )
    names = {"comune": voucher.comune, "edition": voucher.edition}
    if budget is None:
        raise ValidationError(MSG_NO_BUDGET % names)
    remaining = budget.amount - _committed_total(budget)
    if voucher.gross > remaining:
        raise ValidationError(
            MSG_BUDGET_EXCEEDED
            % {
                **names,
                "excess": _format_euro(voucher.gross - remaining),
                "remaining": _format_euro(remaining),
                "gross": _format_euro(voucher.gross),
            }
        )
    return _decide(
        voucher,
        status=_transitions.BY_ACTION["approve"].target,
        user=user,
        meeting=meeting,
        note=note,
        action="casework.voucher_approve",
    )


@transaction.atomic
def reject_voucher(voucher, *, user, reason, meeting=None):
    voucher = _locked_voucher(voucher)
    _check_transition(voucher, "reject")
    _check_meeting(meeting)
    reason = _required_text(reason, "reason")
    return _decide(
        voucher,
        status=_transitions.BY_ACTION["reject"].target,
        user=user,
        meeting=meeting,
        note=reason,
        action="casework.voucher_reject",
    )


@transaction.atomic
def cancel_voucher(voucher, *, user, reason):
    """Frees the budget of a voucher that will not be delivered (e.g. the pathway never started)."""
    voucher = _locked_voucher(voucher)
    _check_transition(voucher, "cancel")
    reason = _required_text(reason, "reason")
    voucher.status = _transitions.BY_ACTION["cancel"].target
    voucher.decision_note = reason
    voucher.full_clean()
    voucher.save()
    voucher.save_revision(user=user, log_action=True)
    _history(voucher, "casework.voucher_cancel", user)
    return voucher


def _advance_voucher(voucher, *, user, transition, action):
    """Billing steps only move forward: approved -> invoiced -> paid."""
    voucher = _locked_voucher(voucher)
    _check_transition(voucher, transition)
    voucher.status = _transitions.BY_ACTION[transition].target
    voucher.save(update_fields=["status"])
    voucher.save_revision(user=user, log_action=True)
    _history(voucher, action, user)
    return voucher


@transaction.atomic
def mark_voucher_invoiced(voucher, *, user):
    return _advance_voucher(
        voucher,
        user=user,
        transition="invoiced",
        action="casework.voucher_invoiced",
    )


@transaction.atomic
def mark_voucher_paid(voucher, *, user):
    return _advance_voucher(
        voucher,
        user=user,
        transition="paid",
        action="casework.voucher_paid",
    )


class MeetingOutcome:
    """What a team meeting's decisions came to: ``decided`` (the vouchers saved, approved or
    rejected) and ``refused`` (``(voucher, messages)`` of each decision that was not saved, the
    voucher left as it was, e.g. proposed but beyond its Comune's budget)."""

    def __init__(self):
        self.decided = []
        self.refused = []

    @property
    def approved(self):
        return [v for v in self.decided if v.status == _transitions.BY_ACTION["approve"].target]

    @property
    def rejected(self):
        return [v for v in self.decided if v.status == _transitions.BY_ACTION["reject"].target]

    def __iter__(self):
        return iter(self.decided)

    def __len__(self):
        return len(self.decided)


def _lock_meeting_rows(vouchers, approving):
    """The rows a meeting's decisions write, locked up front in the order a single approval
    takes them (vouchers, then budgets), each kind by pk: two meetings, or a meeting and a single
    approval, then queue on the same rows in the same order instead of deadlocking. One lock per
    Comune's budget, held until the meeting's decisions are all recorded."""
    list(
        _Voucher.objects.select_for_update(of=("self",))
        .filter(pk__in=[v.pk for v in vouchers])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    pairs = {(v.comune_id, v.edition_id) for v in approving}
    if not pairs:
        return
    budgets = Q()
    for comune_id, edition_id in pairs:
        budgets |= Q(comune_id=comune_id, edition_id=edition_id)
    list(
        _Budget.objects.select_for_update(of=("self",))
        .filter(budgets)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def record_meeting_decisions(meeting, *, decisions, user):
    """The joint team's decisions on several vouchers: ``decisions`` is a list of
    ``(voucher, "approve" | "reject", note)``. Each voucher is decided on its own: what its
    budget fits is approved, a decision refused (e.g. beyond the Comune's budget, a rejection
    without a reason) leaves that voucher as it was and is reported in the outcome's
    ``refused``; nothing of a refused voucher is saved. A meeting that cannot decide at all (in
    the future, no decision) raises ``ValidationError``."""
    meeting = _TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    _check_meeting(meeting)
    if not decisions:
        raise ValidationError(MSG_NO_DECISIONS)
    _lock_meeting_rows(
        [v for v, _decision, _note in decisions],
        [v for v, decision, _note in decisions if decision == DECISION_APPROVE],
    )
    outcome = MeetingOutcome()
    # In the order given (the agenda's: oldest proposal first), each in its own savepoint.
    for voucher, decision, note in decisions:
        try:
            with transaction.atomic():
                if decision == DECISION_APPROVE:
                    done = approve_voucher(voucher, user=user, meeting=meeting, note=note)
                elif decision == DECISION_REJECT:
                    done = reject_voucher(voucher, user=user, meeting=meeting, reason=note)
                else:
                    raise ValidationError(MSG_UNKNOWN_DECISION)
        except ValidationError as error:
            outcome.refused.append((voucher, error.messages))
        else:
            outcome.decided.append(done)
    return outcome


def approve_all_that_fit(meeting, *, vouchers, user):
    """ "Approva tutti quelli che rientrano nel budget": every voucher of ``vouchers`` approved
    on its own, oldest proposal first, as long as its Comune's budget fits it; the others stay
    proposed and are listed in the outcome's ``refused`` with the reason."""
    return record_meeting_decisions(
        meeting, decisions=[(v, DECISION_APPROVE, "") for v in vouchers], user=user
    )
