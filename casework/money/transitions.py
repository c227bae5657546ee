"""The voucher's life, written once: each action, the states it starts from, the state it leads
to and who takes it. The services refuse what the table does not allow and the screens offer
only what it allows, so the two cannot drift apart."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .access import may_decide
from .choices import VoucherStatus

# Who takes an action: the programme manager, who records the joint team's decisions and the
# billing states (``access.may_decide``); whoever may add vouchers (the agency, the programme
# manager) proposes one.
DECIDER = "decider"
PROPOSER = "proposer"

# The "state" a proposal starts from: no voucher yet.
NEW = None


@dataclass(frozen=True)
class Transition:
    action: str  # also the name of the action's URL in the voucher viewset
    label: str
    sources: tuple
    target: str
    who: str = DECIDER


TRANSITIONS = (
    Transition("propose", _("Proponi voucher"), (NEW,), VoucherStatus.PROPOSED, who=PROPOSER),
    Transition("approve", _("Approva"), (VoucherStatus.PROPOSED,), VoucherStatus.APPROVED),
    Transition("reject", _("Respingi"), (VoucherStatus.PROPOSED,), VoucherStatus.REJECTED),
    Transition(
        "cancel",
        _("Annulla"),
        (VoucherStatus.PROPOSED, VoucherStatus.APPROVED),
        VoucherStatus.CANCELLED,
    ),
    Transition("invoiced", _("Segna fatturato"), (VoucherStatus.APPROVED,), VoucherStatus.INVOICED),
    Transition("paid", _("Segna pagato"), (VoucherStatus.INVOICED,), VoucherStatus.PAID),
)


BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def _may_propose(user):
    return user.has_perm("casework.add_voucher")


_WHO = {DECIDER: may_decide, PROPOSER: _may_propose}


def can_leave(action, status):
    """Whether ``action`` may start from a voucher in ``status`` (whoever takes it)."""
    return status in BY_ACTION[action].sources


def may_take(user, action):
    return _WHO[BY_ACTION[action].who](user)


def available(user, status):
    """The transitions ``user`` may take on a voucher in ``status``, in the table's order."""
    return [t for t in TRANSITIONS if status in t.sources and may_take(user, t.action)]


def require(user, action):
    """The screens' gate: refuses whoever the table does not name for ``action``."""
    if not may_take(user, action):
        raise PermissionDenied
