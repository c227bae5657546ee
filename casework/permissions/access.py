"""Per-Comune scoping: the one place that decides whose personal data a user may see.

Every queryset, view, chooser, export, import and report that touches personal data goes through
``visible_comuni`` (or ``scope``), so a rule changed here changes everywhere.
"""

from network.models import Comune

from .roles import AGENCY_OPERATOR, PROGRAMME_MANAGER, SOCIAL_WORKER


def _group_names(user):
    cache = getattr(user, "_zo_group_names", None)
    if cache is None:
        cache = frozenset(user.groups.values_list("name", flat=True))
        user._zo_group_names = cache
    return cache


def is_programme_manager(user):
    return bool(
        user and user.is_active and (user.is_superuser or PROGRAMME_MANAGER in _group_names(user))
    )


def is_agency_operator(user):
    return bool(user and user.is_active and AGENCY_OPERATOR in _group_names(user))


def is_social_worker(user):
    return bool(user and user.is_active and SOCIAL_WORKER in _group_names(user))


def sees_all_comuni(user):
    """The agency and the programme manager work for every Comune."""
    return is_programme_manager(user) or is_agency_operator(user)


def visible_comune_ids(user):
    """Ids of the Comuni whose people the user may see; None means all of them."""
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    if sees_all_comuni(user):
        return None
    cache = getattr(user, "_zo_comune_ids", None)
    if cache is None:
        if is_social_worker(user):
            cache = frozenset(Comune.objects.filter(staff__user=user).values_list("pk", flat=True))
        else:
            cache = frozenset()
        user._zo_comune_ids = cache
    return cache


def visible_comuni(user):
    ids = visible_comune_ids(user)
    if ids is None:
        return Comune.objects.all()
    return Comune.objects.filter(pk__in=ids)


def scope(queryset, user, field="comune"):
    """Filter a queryset to rows whose ``field`` (a path to a Comune) the user may see."""
    ids = visible_comune_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def can_see_comune(user, comune_id):
    ids = visible_comune_ids(user)
    return ids is None or comune_id in ids


def can_read_confidential_notes(user, beneficiary):
    """Only the referring Comune's social workers and the programme manager read them."""
    if is_programme_manager(user):
        return True
    if not is_social_worker(user):
        return False
    ids = visible_comune_ids(user) or frozenset()
    if beneficiary.residence_comune_id in ids:
        return True
    return beneficiary.referrals.filter(comune_id__in=ids).exists()
