"""Weekly hours against the person's availability (the part-time person offered a 38 h job), the
positions the pathway forms offer, and the confirmation step before placing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.cases.forms import ActivateForm, DefinePathwayForm
from casework.cases.services import pathways as cases_pathways
from casework.matching import services as matching_services
from casework.matching.selectors import HOURS_FIT, rank_candidates, rank_positions
from casework.matching.views import MSG_POSITION_NOT_OFFERED
from tests import factories as f

pytestmark = pytest.mark.django_db


def person_in(comune_name, *, available=None, pathway_type="tirocinio", **pathway_fields):
    person = f.BeneficiaryFactory(
        residence_comune=f.comune(comune_name), available_hours_per_week=available
    )
    referral = f.ReferralFactory(beneficiary=person, status="taken_in_charge")
    pathway_fields.setdefault("status", "matching")
    return f.PathwayFactory(referral=referral, pathway_type=pathway_type, **pathway_fields)


def position_in(comune_name, title, *, types=("tirocinio",), host_status="approved", **fields):
    host = f.HostOrganisationFactory(comune=f.comune(comune_name), status=host_status)
    return f.PositionFactory(host=host, title=title, pathway_types=list(types), **fields)


def titles(ranked):
    return [row.item.title for row in ranked]


# --- Matching ----------------------------------------------------------------------------------


def test_a_part_time_person_is_not_offered_a_full_time_job():
    pathway = person_in("Lumezzane", available=Decimal("20"))
    position_in("Lumezzane", "Magazzino 38 ore", hours_per_week=Decimal("38"), complexity="medium")
    position_in("Lumezzane", "Biblioteca 20 ore", hours_per_week=Decimal("20"))
    assert titles(rank_positions(pathway)) == ["Biblioteca 20 ore"]


def test_unknown_availability_offers_every_timetable():
    pathway = person_in("Lumezzane")
    position_in("Lumezzane", "Magazzino 38 ore", hours_per_week=Decimal("38"))
    ranked = rank_positions(pathway)
    assert titles(ranked) == ["Magazzino 38 ore"]
    assert "38 ore settimanali (disponibilità della persona non indicata)" in ranked[0].reasons


def test_hours_that_fill_the_availability_rank_first_unknown_hours_last():
    pathway = person_in("Lumezzane", available=Decimal("20"))
    position_in("Lumezzane", "Dieci ore", hours_per_week=Decimal("10"))
    position_in("Lumezzane", "Orario ignoto")
    position_in("Lumezzane", "Venti ore", hours_per_week=Decimal("20"))
    ranked = rank_positions(pathway)
    assert titles(ranked) == ["Venti ore", "Dieci ore", "Orario ignoto"]
    assert ranked[0].score - ranked[2].score == HOURS_FIT
    assert "20 ore settimanali, entro la disponibilità di 20 ore" in ranked[0].reasons
    assert "Orario settimanale non indicato dall'ente: da verificare" in ranked[2].reasons


def test_hours_never_outweigh_territory():
    pathway = person_in("Lumezzane", available=Decimal("20"))
    position_in("Collio", "Lontana piena", hours_per_week=Decimal("20"))
    position_in("Lumezzane", "Vicina corta", hours_per_week=Decimal("4"))
    assert titles(rank_positions(pathway)) == ["Vicina corta", "Lontana piena"]


def test_the_waiting_people_of_a_position_fit_its_hours(agency_operator):
    position = position_in("Lumezzane", "Magazzino", hours_per_week=Decimal("38"))
    full_time = person_in("Lumezzane", available=Decimal("40"))
    unknown = person_in("Lumezzane")
    person_in("Lumezzane", available=Decimal("20"))  # part-time: not proposed
    ranked = rank_candidates(position, user=agency_operator)
    assert [row.item.pk for row in ranked] == [full_time.pk, unknown.pk]


def test_the_service_refuses_hours_above_the_availability(agency_operator):
    pathway = person_in("Lumezzane", available=Decimal("17.5"))
    position = position_in("Lumezzane", "Magazzino", hours_per_week=Decimal("38"))
    with pytest.raises(ValidationError) as error:
        matching_services.place_at_position(pathway, position=position, user=agency_operator)
    expected = cases_pathways.MSG_POSITION_HOURS_ABOVE_AVAILABILITY % {
        "hours": "38",
        "available": "17,5",
    }
    assert error.value.message_dict == {"position": [expected]}
    pathway.refresh_from_db()
    assert pathway.position is None


# --- Pathway forms -----------------------------------------------------------------------------


def _choice_titles(form):
    return sorted(position.title for position in form.fields["position"].queryset)


@pytest.mark.parametrize("form_class", [DefinePathwayForm, ActivateForm])
def test_the_pathway_forms_offer_only_assignable_positions(form_class):
    pathway = person_in("Lumezzane", available=Decimal("20"), status="intake")
    position_in("Lumezzane", "Adatta", hours_per_week=Decimal("20"))
    position_in("Lumezzane", "Ente non approvato", host_status="pending")
    full = position_in("Lumezzane", "Piena")
    f.PathwayFactory(position=full, host=full.host, status="active")
    position_in("Lumezzane", "Altro tipo", types=("inserimento",))
    position_in("Lumezzane", "Troppe ore", hours_per_week=Decimal("38"))
    position_in("Lumezzane", "Chiusa", status="closed")
    form = form_class(pathway=pathway)
    assert _choice_titles(form) == ["Adatta"]
    label = form.fields["position"].label_from_instance(form.fields["position"].queryset.get())
    assert "20 ore/settimana" in label and "1 posto libero" in label


def test_the_position_a_pathway_holds_stays_a_choice():
    position = position_in("Lumezzane", "Unica", seats=1)
    pathway = person_in("Lumezzane", status="matching", position=position, host=position.host)
    assert _choice_titles(ActivateForm(pathway=pathway)) == ["Unica"]
    assert _choice_titles(ActivateForm(pathway=person_in("Lumezzane"))) == []


# --- Confirmation before placing ---------------------------------------------------------------


def test_colloca_qui_asks_for_confirmation_before_placing(client, agency_operator):
    pathway = person_in("Lumezzane", available=Decimal("20"))
    position = position_in("Lumezzane", "Biblioteca civica", hours_per_week=Decimal("20"))
    client.force_login(agency_operator)
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    html = client.get(confirm).content.decode()
    person = pathway.referral.beneficiary
    for text in (
        person.full_name,
        position.host.name,
        "Biblioteca civica",
        "20 ore/settimana",
        "Conferma la collocazione",
    ):
        assert text in html
    pathway.refresh_from_db()
    assert pathway.position is None  # opening the confirmation places nobody
    # The old one-click POST on the matching screen no longer places.
    matching = reverse("casework_pathway_matching", args=[pathway.pk])
    client.post(matching, {"position": position.pk})
    pathway.refresh_from_db()
    assert pathway.position is None
    response = client.post(confirm)
    assert response.url == reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])
    pathway.refresh_from_db()
    assert pathway.position == position


def test_the_confirmation_says_why_a_position_cannot_be_chosen(client, agency_operator):
    pathway = person_in("Lumezzane", available=Decimal("20"))
    position = position_in("Lumezzane", "Magazzino", hours_per_week=Decimal("38"))
    client.force_login(agency_operator)
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    html = client.get(confirm).content.decode()
    assert str(MSG_POSITION_NOT_OFFERED).replace("'", "&#x27;") in html
    assert "Conferma la collocazione</button>" not in html
    client.post(confirm)
    pathway.refresh_from_db()
    assert pathway.position is None


def test_the_confirmation_ignores_a_foreign_next(client, agency_operator):
    pathway = person_in("Lumezzane")
    position = position_in("Lumezzane", "Biblioteca")
    client.force_login(agency_operator)
    confirm = reverse("casework_place_confirm", args=[pathway.pk]) + f"?posizione={position.pk}"
    html = client.get(confirm + "&next=https://example.com/").content.decode()
    assert "example.com" not in html.split("<form", 1)[1].split('name="next"')[0]
    assert reverse("casework_pathway_matching", args=[pathway.pk]) in html


def test_the_matching_screen_runs_a_fixed_number_of_queries(
    client, agency_operator, django_assert_max_num_queries
):
    pathway = person_in("Lumezzane", available=Decimal("30"))
    for number in range(12):
        position_in(
            ["Lumezzane", "Sarezzo", "Collio"][number % 3],
            f"P{number}",
            hours_per_week=Decimal(10 + number),
        )
    client.force_login(agency_operator)
    url = reverse("casework_pathway_matching", args=[pathway.pk])
    client.get(url)  # warm caches (site, permissions)
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    assert html.count(">Colloca qui<") == 12
