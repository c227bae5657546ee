"""Matching a person with a host position: the ranking (with the reasons for each rank) and the
two admin screens, "posizioni adatte" on a pathway and "persone in attesa" on a position.

The ranking puts territory first (the person's Comune, then its neighbours, then the rest of the
valley), then how well the position's complexity fits the pathway type; positions reserved for
another Comune's residents, full ones, closed ones and those of organisations not approved never
appear. Placing goes through ``services.place_at_position``, which re-checks the seats.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from casework.cases.deadlines import WAITING_ACTIVATION, today
from casework.cases.models import Pathway
from casework.permissions.access import scope
from network.choices import Complexity, OrganisationStatus, PathwayType, PositionStatus
from network.models import Position
from network.selectors import neighbour_ids, with_free_seats

# Territory decides first; the other points only order positions within the same band.
SAME_COMUNE, NEIGHBOUR, ELSEWHERE = 300, 200, 100


IDEAL_FIT, ACCEPTABLE_FIT = 30, 10


RESERVED_BONUS = 20


TAGGED_PERSONALISED_BONUS = 10


NOT_YET_AVAILABLE_PENALTY = 5


# How demanding the tasks of each pathway type may be (the seed: "assistenziale" only very
# simple tasks; "tirocinio" moderately complex ones; "inserimento" ready to work at once).
COMPLEXITY_FIT = {
    PathwayType.ASSISTENZIALE: {Complexity.SIMPLE: IDEAL_FIT, Complexity.MEDIUM: 0},
    PathwayType.TIROCINIO: {
        Complexity.MEDIUM: IDEAL_FIT,
        Complexity.SIMPLE: ACCEPTABLE_FIT,
        Complexity.COMPLEX: ACCEPTABLE_FIT,
    },
    PathwayType.INSERIMENTO: {
        Complexity.COMPLEX: IDEAL_FIT,
        Complexity.MEDIUM: IDEAL_FIT,
        Complexity.SIMPLE: ACCEPTABLE_FIT,
    },
    PathwayType.PERSONALIZZATO: {
        Complexity.SIMPLE: ACCEPTABLE_FIT,
        Complexity.MEDIUM: ACCEPTABLE_FIT,
        Complexity.COMPLEX: ACCEPTABLE_FIT,
    },
}


@dataclass
class Ranked:
    """One row of a ranking: the object, its score and the reasons, in Italian, for the rank."""

    item: object
    score: int = 0
    reasons: list = field(default_factory=list)


def _territory(person_comune, place_comune, neighbours):
    if person_comune is not None and place_comune.pk == person_comune.pk:
        return SAME_COMUNE, _("Stesso Comune di residenza (%(comune)s)") % {"comune": place_comune}
    if place_comune.pk in neighbours:
        return NEIGHBOUR, _("Comune vicino (%(comune)s)") % {"comune": place_comune}
    return ELSEWHERE, _("Altro Comune della valle (%(comune)s)") % {"comune": place_comune}


def _complexity(pathway_type, complexity):
    points = COMPLEXITY_FIT.get(pathway_type, {}).get(complexity, 0)
    label = Complexity(complexity).label
    if points == IDEAL_FIT:
        return points, _("Mansioni adatte al percorso (complessità %(c)s)") % {"c": label.lower()}
    if points == ACCEPTABLE_FIT:
        return points, _("Mansioni compatibili (complessità %(c)s)") % {"c": label.lower()}
    return points, _("Mansioni più impegnative di quanto previsto (complessità %(c)s)") % {
        "c": label.lower()
    }


def _free_seats_reason(free):
    if free == 1:
        return _("1 posto libero")
    return _("%(n)d posti liberi") % {"n": free}


def candidate_positions(pathway, *, on=None):
    """Positions a pathway may be placed at: open, of an approved organisation, suited to the
    pathway type, with a free seat, still available, and not reserved for another Comune."""
    on = on or today()
    residence_id = pathway.referral.beneficiary.residence_comune_id
    positions = Position.objects.filter(
        status=PositionStatus.OPEN, host__status=OrganisationStatus.APPROVED
    ).filter(Q(reserved_for_comune__isnull=True) | Q(reserved_for_comune_id=residence_id))
    positions = positions.filter(Q(available_to__isnull=True) | Q(available_to__gte=on))
    if pathway.pathway_type != PathwayType.PERSONALIZZATO:
        positions = positions.filter(
            pk__in=Position.objects.filter(pathway_types=pathway.pathway_type).values("pk")
        )
    return (
        with_free_seats(positions)
        .filter(free_seats__gt=0)
        .select_related("host", "host__comune", "reserved_for_comune")
        .prefetch_related("pathway_types")
    )


def rank_positions(pathway, *, on=None):
    """Every candidate position as a ``Ranked``, best first (three queries in all)."""
    on = on or today()
    person_comune = pathway.referral.beneficiary.residence_comune
    neighbours = neighbour_ids(person_comune.pk if person_comune else None)
    ranked = []
    for position in candidate_positions(pathway, on=on):
        row = Ranked(position)
        points, reason = _territory(person_comune, position.host.comune, neighbours)
        row.score += points
        row.reasons.append(reason)
        if position.reserved_for_comune_id:
            row.score += RESERVED_BONUS
            row.reasons.append(
                _("Riservata ai residenti di %(comune)s") % {"comune": position.reserved_for_comune}
            )
        points, reason = _complexity(pathway.pathway_type, position.complexity)
        row.score += points
        row.reasons.append(reason)
        if pathway.pathway_type == PathwayType.PERSONALIZZATO and any(
            option.code == PathwayType.PERSONALIZZATO for option in position.pathway_types.all()
        ):
            row.score += TAGGED_PERSONALISED_BONUS
            row.reasons.append(_("L'ente la propone per i progetti personalizzati"))
        if position.available_from and position.available_from > on:
            row.score -= NOT_YET_AVAILABLE_PENALTY
            row.reasons.append(
                _("Disponibile dal %(date)s")
                % {"date": date_format(position.available_from, "SHORT_DATE_FORMAT")}
            )
        row.reasons.append(_free_seats_reason(position.free_seats))
        ranked.append(row)
    ranked.sort(key=lambda row: (-row.score, -row.item.free_seats, row.item.title, row.item.pk))
    return ranked


def waiting_pathways(position, *, user):
    """Pathways waiting for a match that suit the position, within the user's Comuni."""
    pathways = Pathway.objects.filter(
        status__in=WAITING_ACTIVATION, position__isnull=True
    ).select_related("referral__beneficiary__residence_comune", "comune")
    type_codes = [option.code for option in position.pathway_types.all()]
    pathways = pathways.filter(
        Q(pathway_type__in=type_codes) | Q(pathway_type=PathwayType.PERSONALIZZATO)
    )
    if position.reserved_for_comune_id:
        pathways = pathways.filter(
            referral__beneficiary__residence_comune_id=position.reserved_for_comune_id
        )
    return scope(pathways, user, "comune")


def rank_candidates(position, *, user):
    """People waiting who suit the position, best first: same Comune as the organisation, then
    its neighbours, then complexity fit, then who has waited longest."""
    host_comune = position.host.comune
    neighbours = neighbour_ids(host_comune.pk)
    ranked = []
    for pathway in waiting_pathways(position, user=user):
        row = Ranked(pathway)
        person_comune = pathway.referral.beneficiary.residence_comune
        if person_comune.pk == host_comune.pk:
            row.score += SAME_COMUNE
            row.reasons.append(_("Residente nel Comune dell'ente (%(c)s)") % {"c": person_comune})
        elif person_comune.pk in neighbours:
            row.score += NEIGHBOUR
            row.reasons.append(_("Residente in un Comune vicino (%(c)s)") % {"c": person_comune})
        else:
            row.score += ELSEWHERE
            row.reasons.append(_("Residente a %(c)s") % {"c": person_comune})
        points, reason = _complexity(pathway.pathway_type, position.complexity)
        row.score += points
        row.reasons.append(reason)
        row.reasons.append(
            _("In carico dal %(date)s")
            % {"date": date_format(pathway.intake_on, "SHORT_DATE_FORMAT")}
        )
        ranked.append(row)
    ranked.sort(key=lambda row: (-row.score, row.item.intake_on, row.item.pk))
    return ranked
