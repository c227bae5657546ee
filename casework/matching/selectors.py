"""Matching a person with a host position: the ranking (with the reasons for each rank) and the
two admin screens, "posizioni adatte" on a pathway and "persone in attesa" on a position.

The ranking puts territory first (the person's Comune, then its neighbours, then the rest of the
valley), then how well the position's complexity fits the pathway type; positions reserved for
another Comune's residents, full ones, closed ones, those of organisations not approved and those
whose weekly hours exceed the person's availability never appear (a part-time person is not
offered a full-time job: leaving it out, rather than ranking it last, keeps the list to what can
actually be chosen, like the pathway forms); among the others, hours that fill the availability
rank a little higher. Placing goes through ``services.place_at_position``, which re-checks the seats.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from casework.cases.deadlines import WAITING_ACTIVATION, today
from casework.cases.models import Pathway
from casework.cases.services.pathways import assignable_positions
from casework.permissions.access import scope
from network.choices import Complexity, PathwayType
from network.selectors import neighbour_ids

# Territory decides first; the other points only order positions within the same band.
SAME_COMUNE, NEIGHBOUR, ELSEWHERE = 300, 200, 100


IDEAL_FIT, ACCEPTABLE_FIT = 30, 10


RESERVED_BONUS = 20


TAGGED_PERSONALISED_BONUS = 10


NOT_YET_AVAILABLE_PENALTY = 5


# At most this many points for weekly hours that use the person's availability in full: less
# than the complexity fit, so hours order positions only among those alike in the rest.
HOURS_FIT = 8


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
    pathway type, with a free seat, still available, not reserved for another Comune and with
    weekly hours within the person's availability (the rules of the pathway services)."""
    return (
        assignable_positions(pathway, on=on)
        .select_related("host", "host__comune", "reserved_for_comune")
        .prefetch_related("pathway_types")
    )


def _hours(position_hours, available_hours):
    """Points and reason for the weekly hours. Positions above the availability never get here
    (``assignable_positions`` leaves them out); among the others a known timetable within the
    availability ranks above an unknown one, and the closer to the availability the better."""
    if position_hours is None:
        return 0, _("Orario settimanale non indicato dall'ente: da verificare")
    hours = number_format(position_hours, decimal_pos=_decimals(position_hours))
    if available_hours is None:
        return 0, _("%(hours)s ore settimanali (disponibilità della persona non indicata)") % {
            "hours": hours
        }
    available = number_format(available_hours, decimal_pos=_decimals(available_hours))
    # HOURS_FIT for a timetable equal to the availability, less for a much shorter one.
    points = round(HOURS_FIT * position_hours / available_hours) if available_hours else 0
    return points, _("%(hours)s ore settimanali, entro la disponibilità di %(available)s ore") % {
        "hours": hours,
        "available": available,
    }


def _decimals(value):
    return 0 if value == value.to_integral() else 1


def rank_positions(pathway, *, on=None):
    """Every candidate position as a ``Ranked``, best first (three queries in all)."""
    on = on or today()
    person_comune = pathway.referral.beneficiary.residence_comune
    available = pathway.referral.beneficiary.available_hours_per_week
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
        points, reason = _hours(position.hours_per_week, available)
        row.score += points
        row.reasons.append(reason)
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
    if position.hours_per_week is not None:
        # Nobody whose weekly availability is shorter than the position's hours.
        pathways = pathways.filter(
            Q(referral__beneficiary__available_hours_per_week__isnull=True)
            | Q(referral__beneficiary__available_hours_per_week__gte=position.hours_per_week)
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
        if position.hours_per_week is not None:
            points, reason = _hours(
                position.hours_per_week, pathway.referral.beneficiary.available_hours_per_week
            )
            row.score += points
            row.reasons.append(reason)
        row.reasons.append(
            _("In carico dal %(date)s")
            % {"date": date_format(pathway.intake_on, "SHORT_DATE_FORMAT")}
        )
        ranked.append(row)
    ranked.sort(key=lambda row: (-row.score, row.item.intake_on, row.item.pk))
    return ranked
