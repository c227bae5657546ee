import re
import unicodedata

from django.db.models import Count, F, Prefetch, Q

from .choices import OrganisationStatus, PositionStatus
from .models import Comune, HostOrganisation, PathwayTypeOption, Position


def comune_key(value):
    """Fold a Comune's name for comparison: no case, accents, spaces or punctuation."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def comune_index(queryset=None):
    """A dict from every accepted spelling (name key, 6-digit and short ISTAT code) to a Comune;
    build it once per file or request, then look up in memory."""
    index = {}
    for comune in queryset if queryset is not None else Comune.objects.all():
        index[comune_key(comune.name)] = comune
        index[comune.istat_code] = comune
        index[comune.istat_code.lstrip("0")] = comune
        index[comune.cadastral_code.lower()] = comune
    return index


def istat_key(value):
    """'17096', '017096', 17096 and 17096.0 (a spreadsheet number) all mean the same Comune."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return text.split(".")[0].lstrip("0")
    return None


def find_comune(value, index=None):
    """The Comune meant by an ISTAT code (leading zeros optional) or a name written any way;
    None when nothing matches."""
    if value is None or str(value).strip() == "":
        return None
    index = index if index is not None else comune_index()
    code = istat_key(value)
    if code is not None:
        return index.get(code)
    return index.get(comune_key(value))


# --- Positions, seats and the public directory ------------------------------------------------

# Pathway status codes (owned by casework, which network must not import) of the pathways that
# hold a seat: a person placed at a position keeps the seat from placement until the pathway
# ends, so two people cannot be placed on the last seat while the first waits for activation.
SEAT_HOLDING_PATHWAY_STATUSES = ("intake", "matching", "active")


def seats_in_use_expression():
    return Count(
        "pathways",
        filter=Q(pathways__status__in=SEAT_HOLDING_PATHWAY_STATUSES),
        distinct=True,
    )


def with_free_seats(queryset):
    """Annotate ``seats_in_use`` and ``free_seats``: counted from pathways, never typed twice."""
    return queryset.annotate(seats_in_use=seats_in_use_expression()).annotate(
        free_seats=F("seats") - F("seats_in_use")
    )


def seats_in_use(position, *, exclude_pathway_id=None):
    """Seats taken at one position (used inside the placing transaction, after the lock)."""
    pathways = position.pathways.filter(status__in=SEAT_HOLDING_PATHWAY_STATUSES)
    if exclude_pathway_id is not None:
        pathways = pathways.exclude(pk=exclude_pathway_id)
    return pathways.count()


def public_organisations():
    return HostOrganisation.objects.filter(status=OrganisationStatus.APPROVED)


def public_positions():
    """Open positions of approved organisations: all that the public may ever see."""
    return Position.objects.filter(
        status=PositionStatus.OPEN, host__status=OrganisationStatus.APPROVED
    )


def fold(value):
    """Lower case without accents: "Comunità" and "comunita" compare equal."""
    text = unicodedata.normalize("NFKD", str(value or ""))
    return "".join(char for char in text if not unicodedata.combining(char)).casefold()


def name_matches(q):
    """Primary keys of the approved organisations whose name holds every word of ``q``, in any
    order, partial, whatever the case and accents ("comunit" finds "Comunità …"). Folded in
    Python over the approved names (one query): SQLite and PostgreSQL without ``unaccent`` fold
    accents differently, and the public network holds hundreds of names, not millions."""
    words = fold(q).split()
    if not words:
        return []
    return [
        pk
        for pk, name in public_organisations().values_list("pk", "name")
        if all(word in fold(name) for word in words)
    ]


def directory_organisations(*, comune=None, kind=None, pathway_type=None, q=None):
    """Approved organisations, each with ``public_positions`` (its open positions, restricted to
    ``pathway_type`` when given) prefetched: three queries for a page however large."""
    positions = (
        public_positions()
        .order_by("title")
        .prefetch_related(
            Prefetch("pathway_types", queryset=PathwayTypeOption.objects.order_by("sort_order"))
        )
    )
    organisations = public_organisations().select_related("comune")
    if comune:
        organisations = organisations.filter(comune=comune)
    if kind:
        organisations = organisations.filter(kind=kind)
    if q:
        organisations = organisations.filter(pk__in=name_matches(q))
    if pathway_type:
        positions = positions.filter(pathway_types=pathway_type)
        organisations = organisations.filter(
            pk__in=public_positions().filter(pathway_types=pathway_type).values("host_id")
        )
    return organisations.order_by("name", "pk").prefetch_related(
        Prefetch("positions", queryset=positions, to_attr="public_positions")
    )


def pending_counts():
    """Submissions waiting for a decision: organisations, and positions of any organisation."""
    return {
        "organisations": HostOrganisation.objects.filter(status=OrganisationStatus.PENDING).count(),
        "positions": Position.objects.filter(status=PositionStatus.PENDING).count(),
    }


def neighbour_ids(comune_id):
    if comune_id is None:
        return frozenset()
    return frozenset(
        Comune.neighbours.through.objects.filter(from_comune_id=comune_id).values_list(
            "to_comune_id", flat=True
        )
    )
