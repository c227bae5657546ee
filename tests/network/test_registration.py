import pytest
from django.core import mail

from network.choices import OrganisationStatus, PositionStatus
from network.codice_fiscale import MSG_ORG_CODE, MSG_PIVA_CHECK
from network.forms import (
    MSG_EMAIL,
    MSG_MIN_POSITIONS,
    MSG_PATHWAY_TYPES,
    MSG_PHONE,
    MSG_PRIVACY,
    MSG_REQUIRED,
    MSG_SEATS,
    MSG_URL,
)
from network.models import HostOrganisation, Position
from network.services import MSG_TAX_CODE_OTHER_EMAIL
from tests import factories as f
from tests.factories import _vat_number

from .conftest import started_seconds_ago

pytestmark = pytest.mark.django_db

VAT = _vat_number(4242)


def form_data(**overrides):
    lumezzane = f.comune("Lumezzane")
    data = {
        "started": started_seconds_ago(60),
        "fax_number": "",
        "name": "Associazione Il Ponte",
        "kind": "associazione",
        "tax_code": VAT,
        "comune": str(lumezzane.pk),
        "address": "Via Roma 1",
        "contact_person": "Anna Verdi",
        "email": "segreteria@ilponte.it",
        "phone": "+39 030 123456",
        "website": "",
        "public_description": "Doposcuola e attività per famiglie.",
        "privacy": "on",
        "positions-TOTAL_FORMS": "1",
        "positions-INITIAL_FORMS": "0",
        "positions-MIN_NUM_FORMS": "1",
        "positions-MAX_NUM_FORMS": "10",
        "positions-0-title": "Aiuto segreteria",
        "positions-0-tasks": "Accoglienza e archivio.",
        "positions-0-pathway_types": ["assistenziale", "tirocinio"],
        "positions-0-complexity": "simple",
        "positions-0-hours_per_week": "15",
        "positions-0-seats": "2",
        "positions-0-reserved_for_comune": "",
        "positions-0-available_from": "",
        "positions-0-available_to": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST the form, running the after-commit callbacks (the emails) as a real request would."""

    def send(client, page, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(page.url, data, **extra)

    return send


def test_the_form_page_renders_with_csrf_honeypot_and_timestamp(client, registration_page):
    html = client.get(registration_page.url).content.decode()
    assert "csrfmiddlewaretoken" in html
    assert 'name="fax_number"' in html and 'aria-hidden="true"' in html
    assert 'name="started"' in html
    assert 'type="file"' not in html  # the public form accepts no files
    assert "<h1>Offri una postazione</h1>" in html


def test_csrf_is_enforced(registration_page):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(registration_page.url, form_data())
    assert response.status_code == 403
    assert not HostOrganisation.objects.exists()


def test_an_accepted_submission_is_pending_and_mailed(client, registration_page, settings, post):
    settings.STAFF_NOTIFICATION_EMAILS = ["pal@example.it"]
    response = post(client, registration_page, form_data())
    assert response.status_code == 302
    assert response.url == registration_page.thanks_url()
    organisation = HostOrganisation.objects.get()
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.tax_code == VAT
    position = Position.objects.get()
    assert position.status == PositionStatus.PENDING
    assert position.host == organisation
    assert set(position.pathway_types.values_list("code", flat=True)) == {
        "assistenziale",
        "tirocinio",
    }
    assert [message.to for message in mail.outbox] == [
        ["segreteria@ilponte.it"],
        ["pal@example.it"],
    ]
    assert "Aiuto segreteria" in mail.outbox[0].body
    assert "/admin/rete/richieste/" in mail.outbox[1].body
    thanks = client.get(response.url)
    assert thanks.status_code == 200
    assert "Richiesta ricevuta" in thanks.content.decode()


def test_several_positions_in_one_submission(client, registration_page, post):
    data = form_data(
        **{
            "positions-TOTAL_FORMS": "2",
            "positions-1-title": "Manutenzione del verde",
            "positions-1-pathway_types": ["tirocinio"],
            "positions-1-complexity": "medium",
            "positions-1-seats": "1",
        }
    )
    post(client, registration_page, data)
    assert sorted(Position.objects.values_list("title", flat=True)) == [
        "Aiuto segreteria",
        "Manutenzione del verde",
    ]


def test_add_position_button_saves_nothing_and_shows_one_more_form(client, registration_page, post):
    response = post(client, registration_page, form_data(add_position="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="positions-1-title"' in html
    assert "La richiesta non è stata inviata" not in html
    assert not HostOrganisation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", MSG_REQUIRED),
        ("kind", "", MSG_REQUIRED),
        ("kind", "sindacato", None),
        ("tax_code", "", MSG_REQUIRED),
        ("tax_code", "12345", MSG_ORG_CODE),
        ("tax_code", "01234567891", MSG_PIVA_CHECK),
        ("comune", "", MSG_REQUIRED),
        ("contact_person", "", MSG_REQUIRED),
        ("email", "", MSG_REQUIRED),
        ("email", "non-una-email", MSG_EMAIL),
        ("phone", "chiamatemi", MSG_PHONE),
        ("website", "www senza schema", MSG_URL),
        ("privacy", "", MSG_PRIVACY),
        ("positions-0-title", "", MSG_REQUIRED),
        ("positions-0-pathway_types", [], MSG_PATHWAY_TYPES),
        ("positions-0-seats", "30", MSG_SEATS % {"limit_value": 20}),
        ("positions-0-seats", "0", "Indicare almeno un posto."),
        ("positions-0-hours_per_week", "60", "Le ore settimanali non possono superare 48."),
        ("positions-0-complexity", "difficilissima", None),
        ("positions-0-available_from", "31/02/2017", None),
    ],
)
def test_each_field_is_validated_with_an_italian_message(
    client, registration_page, field, value, message, post
):
    data = form_data(**{field: value})
    if value == "" and field == "privacy":
        data.pop("privacy")
    response = post(client, registration_page, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "La richiesta non è stata inviata" in html
    if message is not None:
        from django.utils.html import escape

        assert escape(str(message)) in html
    assert not HostOrganisation.objects.exists()
    assert not Position.objects.exists()
    assert not mail.outbox


def test_availability_dates_must_be_in_order(client, registration_page, post):
    data = form_data(
        **{"positions-0-available_from": "2017-03-01", "positions-0-available_to": "2017-01-01"}
    )
    html = post(client, registration_page, data).content.decode()
    assert "La data di fine disponibilità precede quella di inizio." in html
    assert not HostOrganisation.objects.exists()


def test_at_least_one_position(client, registration_page, post):
    data = form_data(**{"positions-0-DELETE": "on"})
    html = post(client, registration_page, data).content.decode()
    assert str(MSG_MIN_POSITIONS) in html
    assert not HostOrganisation.objects.exists()


def test_a_personal_tax_code_is_accepted_for_a_sole_trader(client, registration_page, post):
    code = f.make_tax_code(77)
    post(client, registration_page, form_data(tax_code=code.lower(), kind="impresa"))
    assert HostOrganisation.objects.get().tax_code == code


@pytest.mark.parametrize(
    "bot",
    [
        {"fax_number": "+39 02 555"},  # honeypot filled
        {"started": "__now__"},  # sent back at once
        {"started": ""},  # no timestamp
        {"started": "1700000000:forged:signature"},  # forged timestamp
    ],
)
def test_bots_store_nothing_and_see_the_neutral_answer(client, registration_page, bot, post):
    if bot.get("started") == "__now__":
        bot = {"started": started_seconds_ago(0)}
    response = post(client, registration_page, form_data(**bot))
    assert response.status_code == 302
    assert response.url == registration_page.thanks_url()
    assert not HostOrganisation.objects.exists()
    assert not Position.objects.exists()
    assert not mail.outbox


def test_a_person_pressing_send_at_once_on_an_empty_form_sees_what_is_missing(
    client, registration_page, post
):
    data = {"started": started_seconds_ago(0), "fax_number": ""}
    response = post(client, registration_page, data)
    assert response.status_code == 200
    assert "La richiesta non è stata inviata" in response.content.decode()


def test_a_bot_with_invalid_data_gets_the_same_answer(client, registration_page, post):
    response = post(client, registration_page, form_data(fax_number="x", name="", email="x"))
    assert response.status_code == 302
    assert response.url == registration_page.thanks_url()


def test_over_the_rate_limit_nothing_is_stored(client, registration_page, settings, post):
    settings.NETWORK_REGISTRATION_RATE_LIMIT = 2
    for number in range(3):
        response = post(
            client,
            registration_page,
            form_data(tax_code=_vat_number(5000 + number), email=f"ente{number}@example.it"),
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 302
        assert response.url == registration_page.thanks_url()
    assert HostOrganisation.objects.count() == 2
    # Another address is not affected.
    post(
        client,
        registration_page,
        form_data(tax_code=_vat_number(5100), email="altro@example.it"),
        REMOTE_ADDR="203.0.113.10",
    )
    assert HostOrganisation.objects.count() == 3


def test_a_known_organisation_is_recognised_by_tax_code_and_email(client, registration_page, post):
    known = f.HostOrganisationFactory(tax_code=VAT, email="Segreteria@IlPonte.it", name="Il Ponte")
    post(client, registration_page, form_data(name="Nome diverso"))
    assert HostOrganisation.objects.count() == 1
    known.refresh_from_db()
    assert known.name == "Il Ponte"  # the public form does not overwrite a known organisation
    assert known.status == OrganisationStatus.APPROVED
    position = Position.objects.get()
    assert position.host == known and position.status == PositionStatus.PENDING
    assert "già registrato" in mail.outbox[0].body


def test_a_known_tax_code_with_another_email_is_refused(client, registration_page, post):
    f.HostOrganisationFactory(tax_code=VAT, email="vera@ente.it")
    html = post(client, registration_page, form_data()).content.decode()
    from django.utils.html import escape

    assert escape(str(MSG_TAX_CODE_OTHER_EMAIL)) in html
    assert not Position.objects.exists()


def test_a_pending_submission_is_invisible_in_the_directory(
    client, registration_page, directory_page, post
):
    post(client, registration_page, form_data())
    html = client.get(directory_page.url).content.decode()
    assert "Associazione Il Ponte" not in html
    organisation = HostOrganisation.objects.get()
    response = client.get(directory_page.organisation_url(organisation))
    assert response.status_code == 404


def test_behind_a_proxy_the_rate_limit_counts_the_forwarded_address(
    client, registration_page, settings, post
):
    settings.NETWORK_REGISTRATION_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    for number, forwarded in enumerate(["1.1.1.1", "6.6.6.6, 2.2.2.2", "9.9.9.9, 2.2.2.2"]):
        post(
            client,
            registration_page,
            form_data(tax_code=_vat_number(6000 + number), email=f"p{number}@example.it"),
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )
    # Two visitors (1.1.1.1 and 2.2.2.2) behind one proxy; the forged left entry is ignored.
    assert HostOrganisation.objects.count() == 2


def test_hours_accept_the_decimal_comma(client, registration_page, post):
    post(client, registration_page, form_data(**{"positions-0-hours_per_week": "17,5"}))
    assert str(Position.objects.get().hours_per_week) == "17.5"


def test_editors_change_the_confirmation_text(client, registration_page):
    registration_page.thanks_title = "Grazie per la disponibilità"
    registration_page.save_revision().publish()
    html = client.get(registration_page.thanks_url()).content.decode()
    assert "<h1>Grazie per la disponibilità</h1>" in html
