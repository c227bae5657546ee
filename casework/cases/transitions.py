"""The two state machines of a case, one table each: action -> the states it may start from, the
state it leads to, and the permission (codename action, model name) that may perform it.

The services guard every transition with ``allows`` and the screens show an action button
with ``available``: both read these tables, so a button is shown exactly when the service would
accept the transition from the record's current state."""

from dataclasses import dataclass

from .choices import (
    CLOSED_REFERRAL_STATUSES,
    ENDED_PATHWAY_STATUSES,
    OPEN_PATHWAY_STATUSES,
    OPEN_REFERRAL_STATUSES,
    WAITING_ACTIVATION_STATUSES,
    PathwayStatus,
    ReferralStatus,
)


@dataclass(frozen=True)
class Transition:
    from_states: tuple
    # None: the record stays in its state (a follow-up is recorded on an ended pathway).
    to_state: str | None
    # (codename action, model name): ``casework.<action>_<model>``, checked by the action view.
    permission: tuple


REFERRAL_TRANSITIONS = {
    "take": Transition(
        (ReferralStatus.RECEIVED,), ReferralStatus.TAKEN_IN_CHARGE, ("add", "pathway")
    ),
    "decline": Transition((ReferralStatus.RECEIVED,), ReferralStatus.DECLINED, ("add", "pathway")),
    "withdraw": Transition(
        OPEN_REFERRAL_STATUSES, ReferralStatus.WITHDRAWN, ("change", "referral")
    ),
    "reopen": Transition(CLOSED_REFERRAL_STATUSES, ReferralStatus.RECEIVED, ("change", "referral")),
}


PATHWAY_TRANSITIONS = {
    "define": Transition(
        WAITING_ACTIVATION_STATUSES, PathwayStatus.MATCHING, ("change", "pathway")
    ),
    "activate": Transition(
        WAITING_ACTIVATION_STATUSES, PathwayStatus.ACTIVE, ("change", "pathway")
    ),
    "complete": Transition((PathwayStatus.ACTIVE,), PathwayStatus.COMPLETED, ("change", "pathway")),
    "interrupt": Transition(
        OPEN_PATHWAY_STATUSES, PathwayStatus.INTERRUPTED, ("change", "pathway")
    ),
    "follow_up": Transition(ENDED_PATHWAY_STATUSES, None, ("add", "followup")),
}


def allows(table, action, status):
    """The transition ``action`` may start from ``status``."""
    return status in table[action].from_states


def user_may(user, table, action):
    codename, model_name = table[action].permission
    return user.has_perm(f"casework.{codename}_{model_name}")


def available(table, user, status):
    """The actions, in table order, that ``user`` may perform on a record in ``status``."""
    return [
        action
        for action in table
        if allows(table, action, status) and user_may(user, table, action)
    ]
