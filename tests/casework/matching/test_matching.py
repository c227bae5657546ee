import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.cases.services import pathways as cases_pathways
from casework.matching import services as matching_services
from casework.matching.selectors import (
    ELSEWHERE,
    NEIGHBOUR,
    SAME_COMUNE,
    rank_candidates,
    rank_positions,
)
from casework.models import Pathway
from tests import factories as f

pytestmark = pytest.mark.django_db


def person_in(comune_name, pathway_type="tirocinio", **pathway_fields):
    person = f.BeneficiaryFactory(residence_comune=f.comune(comune_name))
    referral = f.ReferralFactory(beneficiary=person, status="taken_in_charge")
    pathway_fields.setdefault("status", "matching")
    return f.PathwayFactory(referral=referral, pathway_type=pathway_type, **pathway_fields)


def position_in(comune_name, title, *, types=("tirocinio",), **fields):
    host = f.HostOrganisationFactory(comune=f.comune(comune_name), status="approved")
    return f.PositionFactory(host=host, title=title, pathway_types=list(types), **fields)


def titles(ranked):
    return [row.item.title for row in ranked]


def test_same_comune_first_then_neighbours_then_the_valley():
    pathway = person_in("Lumezzane")
    far = position_in("Collio", "Lontana", complexity="medium")
    neighbour = position_in("Sarezzo", "Vicina", complexity="medium")
    same = position_in("Lumezzane", "Sotto casa", complexity="simple")
    ranked = rank_positions(pathway)
    assert titles(ranked) == ["Sotto casa", "Vicina", "Lontana"]
    assert ranked[0].score >= SAME_COMUNE and NEIGHBOUR <= ranked[1].score < SAME_COMUNE
    assert ELSEWHERE <= ranked[2].score < NEIGHBOUR
    assert "Stesso Comune di residenza (Lumezzane)" in ranked[0].reasons
    assert "Comune vicino (Sarezzo)" in ranked[1].reasons
    assert "Altro Comune della valle (Collio)" in ranked[2].reasons
    assert {same.pk, neighbour.pk, far.pk} == {row.item.pk for row in ranked}


def test_neighbours_come_from_the_editable_list():
    pathway = person_in("Lumezzane")
    position_in("Collio", "Collio")
    position_in("Irma", "Irma")
    lumezzane = f.comune("Lumezzane")
    lumezzane.neighbours.add(f.comune("Irma"))
    assert titles(rank_positions(pathway)) == ["Irma", "Collio"]


def test_complexity_fit_orders_within_the_same_comune():
    pathway = person_in("Lumezzane", pathway_type="assistenziale")
    position_in("Lumezzane", "Media", types=("assistenziale",), complexity="medium")
    position_in("Lumezzane", "Semplice", types=("assistenziale",), complexity="simple")
    ranked = rank_positions(pathway)
    assert titles(ranked) == ["Semplice", "Media"]
    assert any("più impegnative" in reason for reason in ranked[1].reasons)


def test_reserved_positions_only_for_residents_of_that_comune():
    resident = person_in("Sarezzo")
    outsider = person_in("Lumezzane")
    sarezzo = f.comune("Sarezzo")
    position_in("Sarezzo", "Riservata", reserved_for_comune=sarezzo)
    assert titles(rank_positions(resident)) == ["Riservata"]
    assert "Riservata ai residenti di Sarezzo" in rank_positions(resident)[0].reasons
    assert titles(rank_positions(outsider)) == []


def test_full_closed_unapproved_and_unsuited_positions_are_excluded():
    pathway = person_in("Lumezzane")
    full = position_in("Lumezzane", "Piena", seats=1)
    f.PathwayFactory(position=full, host=full.host, status="active")
    position_in("Lumezzane", "Chiusa", status="closed")
    position_in("Lumezzane", "Altro tipo", types=("inserimento",))
    suspended = position_in("Lumezzane", "Ente sospeso")
    suspended.host.status = "suspended"
    suspended.host.save()
    position_in(
        "Lumezzane", "Scaduta", available_to=datetime.date.today() - datetime.timedelta(days=1)
    )
    two_seats = position_in("Lumezzane", "Un posto libero su due", seats=2)
    f.PathwayFactory(position=two_seats, host=two_seats.host, status="active")
    ranked = rank_positions(pathway)
    assert titles(ranked) == ["Un posto libero su due"]
    assert "1 posto libero" in ranked[0].reasons


def test_ranking_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    pathway = Pathway.objects.select_related("referral__beneficiary__residence_comune").get(
        pk=person_in("Lumezzane").pk
    )
    for number in range(15):
        position_in(["Lumezzane", "Sarezzo", "Collio"][number % 3], f"P{number}")
    with django_assert_max_num_queries(3):
        assert len(rank_positions(pathway)) == 15


def test_place_at_position_sets_host_and_keeps_the_seat(agency_operator):
    pathway = person_in("Lumezzane", status="intake")
    position = position_in("Lumezzane", "Unica", seats=1)
    matching_services.place_at_position(pathway, position=position, user=agency_operator)
    pathway.refresh_from_db()
    assert (pathway.position, pathway.host, pathway.status) == (position, position.host, "matching")
    other = person_in("Lumezzane")
    with pytest.raises(ValidationError) as error:
        matching_services.place_at_position(other, position=position, user=agency_operator)
    assert error.value.message_dict == {"position": [cases_pathways.MSG_POSITION_FULL]}
    assert titles(rank_positions(other)) == []
    other.refresh_from_db()
    assert other.position is None


def test_place_at_position_rechecks_the_rules(agency_operator):
    pathway = person_in("Lumezzane")
    reserved = position_in("Sarezzo", "Riservata", reserved_for_comune=f.comune("Sarezzo"))
    with pytest.raises(ValidationError) as error:
        matching_services.place_at_position(pathway, position=reserved, user=agency_operator)
    assert "riservata ai residenti di Sarezzo" in error.value.messages[0]
    closed = position_in("Lumezzane", "Chiusa", status="closed")
    with pytest.raises(ValidationError):
        matching_services.place_at_position(pathway, position=closed, user=agency_operator)
    active = person_in("Lumezzane", status="active")
    free = position_in("Lumezzane", "Libera")
    with pytest.raises(ValidationError) as error:
        matching_services.place_at_position(active, position=free, user=agency_operator)
    assert error.value.messages == [str(matching_services.MSG_NOT_WAITING_FOR_MATCH)]


def test_candidates_for_a_position_are_scoped_and_ranked(social_worker_a, agency_operator):
    position = position_in("Lumezzane", "Magazzino", types=("tirocinio",))
    near = person_in("Sarezzo")
    same = person_in("Lumezzane")
    person_in("Lumezzane", pathway_type="inserimento")  # wrong type
    person_in("Lumezzane", status="active")  # not waiting
    ranked = rank_candidates(position, user=agency_operator)
    assert [row.item.pk for row in ranked] == [same.pk, near.pk]
    assert "Residente nel Comune dell'ente (Lumezzane)" in ranked[0].reasons
    # A social worker of Lumezzane sees only Lumezzane's people.
    assert [row.item.pk for row in rank_candidates(position, user=social_worker_a)] == [same.pk]


def test_candidates_of_a_reserved_position_are_its_residents(agency_operator):
    position = position_in("Sarezzo", "Riservata", reserved_for_comune=f.comune("Sarezzo"))
    resident = person_in("Sarezzo")
    person_in("Lumezzane")
    ranked = rank_candidates(position, user=agency_operator)
    assert [row.item.pk for row in ranked] == [resident.pk]


# --- Admin screens -----------------------------------------------------------------------------


def test_matching_screen_lists_reasons_and_places(client, agency_operator):
    pathway = person_in("Lumezzane")
    position = position_in("Lumezzane", "Biblioteca civica")
    client.force_login(agency_operator)
    url = reverse("casework_pathway_matching", args=[pathway.pk])
    html = client.get(url).content.decode()
    assert "Biblioteca civica" in html and "Stesso Comune di residenza" in html
    assert "Colloca qui" in html
    # "Colloca qui" opens the confirmation; only its POST places.
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    assert confirm in html
    response = client.post(confirm)
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.position == position


def test_matching_screen_is_scoped_to_the_users_comuni(client, social_worker_b):
    pathway = person_in("Lumezzane")
    client.force_login(social_worker_b)
    assert client.get(reverse("casework_pathway_matching", args=[pathway.pk])).status_code == 404


def test_social_workers_see_but_cannot_place(client, social_worker_a):
    pathway = person_in("Lumezzane")
    position = position_in("Lumezzane", "Biblioteca civica")
    client.force_login(social_worker_a)
    url = reverse("casework_pathway_matching", args=[pathway.pk])
    html = client.get(url).content.decode()
    assert "Biblioteca civica" in html and "Colloca qui" not in html
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    # Wagtail answers a refused admin view with a redirect and "non hai i permessi".
    assert client.get(confirm).status_code in (302, 403)
    assert client.post(confirm).status_code in (302, 403)
    pathway.refresh_from_db()
    assert pathway.position is None


def test_candidates_screen_is_scoped(client, social_worker_b, agency_operator):
    position = position_in("Lumezzane", "Magazzino")
    lumezzane_person = person_in("Lumezzane")
    client.force_login(social_worker_b)
    url = reverse("casework_position_candidates", args=[position.pk])
    html = client.get(url).content.decode()
    assert str(lumezzane_person.referral.beneficiary) not in html
    # Confirming someone outside the scope is a 404 and places nobody.
    confirm = (
        reverse("casework_place_confirm", args=[lumezzane_person.pk]) + f"?posizione={position.pk}"
    )
    assert client.post(confirm).status_code == 404
    lumezzane_person.refresh_from_db()
    assert lumezzane_person.position is None
    client.force_login(agency_operator)
    html = client.get(url).content.decode()
    assert str(lumezzane_person.referral.beneficiary) in html
    assert confirm in html
    # After confirming from the position's screen, "Annulla" and errors lead back to it.
    page = client.get(f"{confirm}&next={url}").content.decode()
    assert f'href="{url}"' in page
    client.post(confirm, {"next": url})
    lumezzane_person.refresh_from_db()
    assert lumezzane_person.position == position


def test_the_position_listing_links_to_the_candidates(client, agency_operator):
    position = position_in("Lumezzane", "Magazzino")
    client.force_login(agency_operator)
    html = client.get(reverse("wagtailsnippets_network_position:list")).content.decode()
    assert reverse("casework_position_candidates", args=[position.pk]) in html


def test_the_screens_leave_an_audit_trail(client, agency_operator):
    from casework.models import AuditEvent

    pathway = person_in("Lumezzane")
    position = position_in("Lumezzane", "Magazzino")
    client.force_login(agency_operator)
    client.get(reverse("casework_pathway_matching", args=[pathway.pk]))
    client.get(reverse("casework_position_candidates", args=[position.pk]))
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    client.get(confirm)
    client.post(confirm)
    events = list(
        AuditEvent.objects.filter(object_id=str(pathway.pk)).values_list("action", "detail")
    )
    assert sorted(events) == [
        ("change", "place_at_position"),
        ("view", "matching"),
        ("view", "place_confirm"),
        ("view", "position_candidates"),
    ]
    assert AuditEvent.objects.filter(beneficiary_id=pathway.referral.beneficiary_id).count() == 4
