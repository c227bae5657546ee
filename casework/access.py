"""Who sees which Comune's people: the one scoping decision (lives in ``permissions.access``)."""

from .permissions.access import (
    can_read_confidential_notes,
    can_see_comune,
    is_agency_operator,
    is_programme_manager,
    is_social_worker,
    scope,
    sees_all_comuni,
    visible_comune_ids,
    visible_comuni,
)

__all__ = [
    "can_read_confidential_notes",
    "can_see_comune",
    "is_agency_operator",
    "is_programme_manager",
    "is_social_worker",
    "scope",
    "sees_all_comuni",
    "visible_comune_ids",
    "visible_comuni",
]
