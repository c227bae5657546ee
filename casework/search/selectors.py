"""The reads of the admin search: each kind of result scoped as its own list is, in a fixed
number of queries (a count and a page per kind), whatever the number of results."""

from dataclasses import dataclass, field

from django.contrib.admin.utils import quote
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from casework.cases.models import Beneficiary, Referral
from casework.cases.search import Normalised, people_matching_query, query_words
from casework.permissions.access import scope
from network.models import HostOrganisation, Position

# How many results of each kind the search shows before "all of them", and per page of a kind.
PREVIEW_SIZE = 10
PAGE_SIZE = 25


@dataclass
class Kind:
    """One kind of result: its name in the URL, its heading and who may see it."""

    name: str
    label: str
    permission: str
    model: type


KINDS = (
    Kind("persone", _("Persone"), "casework.view_beneficiary", Beneficiary),
    Kind("segnalazioni", _("Segnalazioni"), "casework.view_referral", Referral),
    Kind("enti", _("Enti ospitanti"), "network.view_hostorganisation", HostOrganisation),
    Kind("posizioni", _("Posizioni"), "network.view_position", Position),
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


@dataclass
class Group:
    kind: Kind
    page: object  # a Paginator page
    count: int
    rows: list = field(default_factory=list)


def visible_kinds(user):
    return [kind for kind in KINDS if user.has_perm(kind.permission)]


def _people(user, query):
    people = scope(Beneficiary.objects.all(), user, Beneficiary.comune_path)
    return (
        people_matching_query(query, people)
        .select_related("residence_comune")
        # Sorted by expressions the (last_name, first_name) index cannot serve: PostgreSQL then
        # takes the matches from the trigram indexes and sorts those few, instead of walking
        # the whole index filtering row by row until a page is full.
        .order_by(Lower("last_name"), Lower("first_name"), "pk")
    )


def _referrals(user, query):
    words = query_words(query)
    referrals = scope(Referral.objects.all(), user, Referral.comune_path)
    for word in words:
        referrals = referrals.filter(protocol__icontains=word)
    return referrals.select_related("beneficiary", "comune").order_by("-referred_on", "-pk")


def _organisations(user, query):
    # Host organisations and positions are the programme's network, not personal data: every
    # role that may open their list finds all of them.
    organisations = HostOrganisation.objects.alias(_zo_name=Normalised(F("name")))
    for word in query_words(query):
        organisations = organisations.filter(_zo_name__contains=word)
    return organisations.select_related("comune").order_by("name", "pk")


def _positions(user, query):
    positions = Position.objects.alias(
        _zo_title=Normalised(F("title")), _zo_host=Normalised(F("host__name"))
    )
    for word in query_words(query):
        positions = positions.filter(Q(_zo_title__contains=word) | Q(_zo_host__contains=word))
    return positions.select_related("host").order_by("host__name", "title", "pk")


FINDERS = {
    "persone": _people,
    "segnalazioni": _referrals,
    "enti": _organisations,
    "posizioni": _positions,
}


def inspect_url(obj):
    """The record's own page (its inspect view; its edit form where it has none)."""
    viewset = type(obj).snippet_viewset
    for view_name in ("inspect", "edit"):
        try:
            return reverse(viewset.get_url_name(view_name), args=[quote(obj.pk)])
        except NoReverseMatch:
            continue
    return ""


def search(user, query, *, kind=None, page=1):
    """The groups of results of ``query`` the user may see: every kind with its first
    ``PREVIEW_SIZE`` results, or only ``kind`` by pages of ``PAGE_SIZE``."""
    if not query_words(query):
        return []
    kinds = visible_kinds(user)
    if kind is not None:
        kinds = [item for item in kinds if item.name == kind]
    size = PAGE_SIZE if kind is not None else PREVIEW_SIZE
    groups = []
    for item in kinds:
        paginator = Paginator(FINDERS[item.name](user, query), size)
        current = paginator.get_page(page if kind is not None else 1)
        rows = list(current.object_list)
        for row in rows:
            row.search_url = inspect_url(row)
        groups.append(Group(kind=item, page=current, count=paginator.count, rows=rows))
    return groups


def audit_rows(groups):
    """The audit trail's rows for the records shown that name a person: each one shown is an
    access to that person's record."""
    for group in groups:
        for row in group.rows:
            if isinstance(row, Beneficiary):
                person_id, comune_id = row.pk, row.residence_comune_id
            elif isinstance(row, Referral):
                person_id, comune_id = row.beneficiary_id, row.comune_id
            else:
                continue
            yield {
                "model": row._meta.label_lower,
                "object_id": row.pk,
                "beneficiary_id": person_id,
                "comune_id": comune_id,
                "detail": "search",
            }
