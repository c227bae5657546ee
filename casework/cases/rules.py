"""The programme's fixed rules (Allegato D), in one place that services, screens and reports read."""

from network.choices import PathwayType

from .choices import Activity

INTAKE_DEADLINE_DAYS = 15


ACTIVATION_DEADLINE_DAYS = 15


TEAM_MEETING_INTERVAL_DAYS = 15


DUE_SOON_DAYS = 3


# The seed's matrix, exactly. `personalizzato` has no column: its activities are chosen per case.
ACTIVITY_MATRIX = {
    PathwayType.ASSISTENZIALE: (
        Activity.DESK,
        Activity.FIRST_INTERVIEW,
        Activity.POSITION_SEARCH,
        Activity.MATCH,
        Activity.PAPERWORK,
        Activity.TIMESHEETS,
        Activity.REPORTS,
    ),
    PathwayType.TIROCINIO: (
        Activity.DESK,
        Activity.FIRST_INTERVIEW,
        Activity.CV,
        Activity.ASSESSMENT,
        Activity.POSITION_SEARCH,
        Activity.MATCH,
        Activity.PAPERWORK,
        Activity.TUTORING,
        Activity.TIMESHEETS,
        Activity.REPORTS,
    ),
    PathwayType.INSERIMENTO: (
        Activity.DESK,
        Activity.FIRST_INTERVIEW,
        Activity.CV,
        Activity.ASSESSMENT,
        Activity.POSITION_SEARCH,
        Activity.MATCH,
        Activity.PAPERWORK,
        Activity.TUTORING,
        Activity.REPORTS,
    ),
    PathwayType.PERSONALIZZATO: (),
}


def activities_for(pathway_type, chosen=()):
    if pathway_type == PathwayType.PERSONALIZZATO:
        return tuple(chosen)
    return ACTIVITY_MATRIX[pathway_type]


def has_activity(pathway_type, activity, chosen=()):
    return activity in activities_for(pathway_type, chosen)
