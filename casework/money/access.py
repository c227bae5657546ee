"""Who may decide money: the programme manager's checks shared by the money screens."""

from django.core.exceptions import PermissionDenied

from casework.permissions.access import is_programme_manager


def _require(user, *permissions):
    if not all(user.has_perm(p) for p in permissions):
        raise PermissionDenied


def may_decide(user):
    """The joint team's decisions on vouchers are recorded by the programme manager (PAL); the
    agency proposes vouchers and records what it delivers."""
    return is_programme_manager(user) and user.has_perm("casework.change_voucher")


def _require_decider(user):
    if not may_decide(user):
        raise PermissionDenied
