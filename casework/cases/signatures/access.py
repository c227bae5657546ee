"""Who records what: the agency and the programme manager record every party's signature and
upload the scans; a social worker of the pathway's Comune records the social service's own
signature (and reads the rest, like everybody who sees the pathway)."""

from casework.permissions.access import (
    can_see_comune,
    is_agency_operator,
    is_programme_manager,
    is_social_worker,
)

from .choices import Party


def manages_papers(user):
    return is_programme_manager(user) or is_agency_operator(user)


def can_record(user, pathway, party=None):
    """``party`` None: whether the user may record any signature at all."""
    if not can_see_comune(user, pathway.comune_id):
        return False
    if manages_papers(user):
        return True
    return is_social_worker(user) and party in (None, Party.SOCIAL_SERVICE)


def recordable_parties(user, pathway):
    return [party for party in Party if can_record(user, pathway, party)]


def can_upload(user, pathway):
    return manages_papers(user) and can_see_comune(user, pathway.comune_id)
