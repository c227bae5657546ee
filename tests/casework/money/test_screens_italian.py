"""The money screens the Italian way: the voucher's page audited as a VIEW of the person's record,
amounts "€ 1.234,56", moments in Rome's time, "—" for what is not there, and the viewsets' own
messages with the right gender ("Edizione … creata", "Budget … creato")."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.cases import models as cases_models
from casework.money import models as money_models
from casework.money import services as money_services
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

RAW_AMOUNT = re.compile(r"\b\d+\.\d{2}\b")


@pytest.fixture
def edition(db):
    return seed_edition()


def _proposed(comune, user):
    return money_services.create_voucher(
        active_pathway(comune), kind="traineeship_activation", user=user
    )


def test_voucher_str_is_italian(edition, comune_a, programme_manager):
    voucher = _proposed(comune_a, programme_manager)
    assert str(voucher) == "Attivazione tirocinio × 1 – € 244,00"


def test_voucher_page_is_audited_as_a_view(client, edition, comune_a, programme_manager):
    voucher = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    url = reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, model="casework.voucher")
    assert (event.object_id, event.beneficiary_id, event.comune_id, event.user_id) == (
        str(voucher.pk),
        voucher.pathway.referral.beneficiary_id,
        comune_a.pk,
        programme_manager.pk,
    )
    edit = reverse("wagtailsnippets_casework_voucher:edit", args=[voucher.pk])
    assert client.get(edit).status_code == 200
    assert (
        AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, model="casework.voucher").count()
        == 2
    )


def test_proposed_voucher_page_shows_dashes_euro_and_rome_time(
    client, edition, comune_a, programme_manager
):
    voucher = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    html = client.get(
        reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk])
    ).content.decode()
    body = re.sub(r"<[^>]+>", " ", html[html.index("<main") :])  # the visible text
    assert "None" not in body
    assert "€ 244,00" in body and "€ 200,00" in body and "€ 44,00" in body
    assert "22 %" in body
    assert not RAW_AMOUNT.search(body), RAW_AMOUNT.findall(body)
    assert body.count("—") >= 3  # meeting, decided at, decided by (and the note)
    created = voucher.created_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
    assert created.strftime("%d/%m/%Y %H:%M") in body  # Rome in winter: UTC+1


def test_decided_voucher_page_names_the_meeting_and_the_person(
    client, edition, comune_a, programme_manager
):
    budget(comune_a, edition, "1000.00")
    meeting = cases_models.TeamMeeting.objects.create(held_on=datetime.date(2016, 10, 5))
    voucher = money_services.approve_voucher(
        _proposed(comune_a, programme_manager), user=programme_manager, meeting=meeting
    )
    client.force_login(programme_manager)
    html = client.get(
        reverse("wagtailsnippets_casework_voucher:inspect", args=[voucher.pk])
    ).content.decode()
    assert str(meeting) in html
    assert (programme_manager.get_full_name() or programme_manager.username) in html


def test_voucher_list_amounts_and_dates_the_italian_way(
    client, edition, comune_a, programme_manager
):
    voucher = _proposed(comune_a, programme_manager)
    client.force_login(programme_manager)
    html = client.get(reverse("wagtailsnippets_casework_voucher:list")).content.decode()
    assert "€ 244,00" in html
    assert "244.00" not in html and "1.00" not in html
    assert voucher.created_at.astimezone().strftime("%d/%m/%Y") in html


def _success(response):
    return [str(m).split("<")[0].strip() for m in get_messages(response.wsgi_request)]


def test_edition_and_budget_messages_with_the_right_gender(
    client, edition, comune_a, programme_manager
):
    client.force_login(programme_manager)
    response = client.post(
        reverse("wagtailsnippets_casework_edition:add"),
        {"name": "2030-2031", "starts_on": "01/09/2030", "ends_on": "31/08/2031"},
        follow=True,
    )
    assert "Edizione «2030-2031» creata." in _success(response)
    new = money_models.Edition.objects.get(name="2030-2031")
    response = client.post(
        reverse("wagtailsnippets_casework_budget:add"),
        {"comune": comune_a.pk, "edition": new.pk, "amount": "1000.00"},
        follow=True,
    )
    plan = money_models.Budget.objects.get(edition=new)
    assert f"Budget «{plan}» creato." in _success(response)


def test_budget_page_in_euro_with_dashes(client, edition, comune_a, programme_manager):
    plan = budget(comune_a, edition, "1234.50")
    client.force_login(programme_manager)
    html = client.get(
        reverse("wagtailsnippets_casework_budget:inspect", args=[plan.pk])
    ).content.decode()
    body = re.sub(r"<[^>]+>", " ", html[html.index("<main") :])
    assert "€ 1.234,50" in body
    assert "1234.50" not in body and "None" not in body
    assert "—" in body  # criteria and notes left empty
