"""Probe findings on the public form "Offri una postazione" and its moderation: control
characters in public fields (finding 8), mail that cannot leave, absurd lengths, and a start
token replayed."""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils.html import escape

from network import services
from network.choices import OrganisationStatus, PositionStatus
from network.models import HostOrganisation, Position
from network.text import (
    DESCRIPTION_MAX_LENGTH,
    MSG_CONTROL_MULTI_LINE,
    MSG_CONTROL_SINGLE_LINE,
    MSG_TOO_LONG,
)
from tests import factories as f

from .test_registration import form_data

pytestmark = pytest.mark.django_db

INJECTED = "Ente\r\nBcc: x@evil.example"


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down: every send raises, as smtplib does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 server down (test)")


FAILING_BACKEND = f"{__name__}.FailingEmailBackend"


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST, running the after-commit callbacks (the emails) as a real request would."""

    def send(client, url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return send


@pytest.fixture
def moderator(client, programme_manager):
    client.force_login(programme_manager)
    return client


def approve_url(organisation):
    return reverse("network_moderation:organisation", args=[organisation.pk])


APPROVE = {"decision": "approve", "reason": "", "with_positions": "on"}


def headers_are_clean(message):
    built = message.message()
    for name, value in built.items():
        assert "\r" not in value and "\n" not in value.replace("\n ", "").replace("\n\t", ""), (
            name,
            value,
        )
    assert built.get("Bcc") is None
    assert "evil" not in str(built["Subject"]) and "evil" not in str(built["To"])


@pytest.mark.parametrize(
    "field",
    ["name", "contact_person", "address", "positions-0-title"],
)
def test_finding_8_crlf_in_a_public_field_is_an_italian_field_error(
    client, registration_page, post, field
):
    response = post(client, registration_page.url, form_data(**{field: INJECTED}))
    assert response.status_code == 200
    assert escape(str(MSG_CONTROL_SINGLE_LINE)) in response.content.decode()
    assert not HostOrganisation.objects.exists()
    assert mail.outbox == []


def test_finding_8_text_areas_keep_line_breaks_but_refuse_other_controls(
    client, registration_page, post
):
    response = post(
        client,
        registration_page.url,
        form_data(public_description="Doposcuola\r\n\x1b[31mrosso"),
    )
    assert response.status_code == 200
    assert escape(str(MSG_CONTROL_MULTI_LINE)) in response.content.decode()
    assert not HostOrganisation.objects.exists()
    response = post(
        client,
        registration_page.url,
        form_data(public_description="Doposcuola.\r\nAttività per famiglie."),
    )
    assert response.status_code == 302
    organisation = HostOrganisation.objects.get()
    assert organisation.public_description == "Doposcuola.\nAttività per famiglie."
    assert organisation.name == "Associazione Il Ponte"
    for message in mail.outbox:
        headers_are_clean(message)


def test_finding_8_approving_an_organisation_with_crlf_in_its_name_saves_the_decision(
    moderator, post
):
    # Stored before the fix (the factory writes the row as it is, like the old form did).
    organisation = f.HostOrganisationFactory(
        name=INJECTED, status="pending", email="ente@example.it"
    )
    position = f.PositionFactory(host=organisation, title="Aiuto\r\nsegreteria", status="pending")
    response = post(moderator, approve_url(organisation), APPROVE)
    assert response.status_code == 302
    organisation.refresh_from_db()
    position.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.name == "Ente Bcc: x@evil.example"
    assert position.status == PositionStatus.OPEN
    assert position.title == "Aiuto segreteria"
    assert [message.to for message in mail.outbox] == [["ente@example.it"]] * 2
    for message in mail.outbox:
        headers_are_clean(message)


def test_finding_8_no_visitor_text_in_mail_subjects(client, registration_page, settings, post):
    settings.STAFF_NOTIFICATION_EMAILS = ["pal@example.it"]
    post(client, registration_page.url, form_data(name="Associazione Il Ponte"))
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "Il Ponte" not in message.subject
        assert "Il Ponte" in message.body


def test_finding_8_a_mail_server_down_loses_neither_submission_nor_decision(
    client, registration_page, programme_manager, settings, post, caplog
):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    settings.STAFF_NOTIFICATION_EMAILS = ["pal@example.it"]
    with caplog.at_level(logging.ERROR, logger="network.services"):
        response = post(client, registration_page.url, form_data())
    assert response.status_code == 302
    assert response.url == registration_page.thanks_url()
    organisation = HostOrganisation.objects.get()
    assert organisation.status == OrganisationStatus.PENDING
    assert Position.objects.filter(host=organisation).count() == 1
    assert len([r for r in caplog.records if r.name == "network.services"]) == 2

    client.force_login(programme_manager)
    # Staff still find it in the queue, whatever happened to the mail.
    assert "Associazione Il Ponte" in client.get(reverse("network_moderation:index")).text
    response = post(client, approve_url(organisation), APPROVE)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert Position.objects.get(host=organisation).status == PositionStatus.OPEN


def test_finding_8_a_bad_stored_address_or_a_failing_mail_is_never_a_500(
    programme_manager, settings, django_capture_on_commit_callbacks
):
    # An address with a header in it, stored before validation (as the old form allowed).
    organisation = f.HostOrganisationFactory(status="pending", email="ente@example.it\nBcc: x@y")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.approve_organisation(organisation, user=programme_manager)
    # Refused by the model's email validation, before anything is saved or sent: a clear
    # error, not a 500 after saving.
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    assert mail.outbox == []
    # Any failure of the mail itself, after the commit, is logged and the decision stands.
    organisation.email = "ente@example.it"
    organisation.save()
    settings.EMAIL_BACKEND = FAILING_BACKEND
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_organisation(
            organisation, user=programme_manager, reason="Dati\r\nmancanti"
        )
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert organisation.status_reason == "Dati\nmancanti"


def test_probe_a_two_megabyte_description_is_refused(client, registration_page, post):
    huge = "x" * 2_000_000
    response = post(client, registration_page.url, form_data(public_description=huge))
    assert response.status_code == 200
    html = response.content.decode()
    message = MSG_TOO_LONG % {"limit_value": DESCRIPTION_MAX_LENGTH, "show_value": len(huge)}
    assert escape(message) in html
    assert f'maxlength="{DESCRIPTION_MAX_LENGTH}"' in html
    assert not HostOrganisation.objects.exists()
    # The same limit holds for every other way in (services, admin edits).
    with pytest.raises(ValidationError) as error:
        services.register_submission(
            {
                "name": "Ente",
                "kind": "associazione",
                "tax_code": f.HostOrganisationFactory.build().tax_code,
                "comune": f.comune("Lumezzane"),
                "contact_person": "Anna",
                "email": "a@example.it",
                "public_description": huge,
            },
            positions_data=[{"title": "Aiuto", "pathway_types": []}],
        )
    assert "public_description" in error.value.message_dict
    assert not HostOrganisation.objects.exists()


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("positions-0-tasks", 1001),
        ("name", 201),
        ("contact_person", 151),
        ("positions-0-title", 201),
    ],
)
def test_probe_every_public_text_field_has_a_maximum_length(
    client, registration_page, post, field, length
):
    response = post(client, registration_page.url, form_data(**{field: "y" * length}))
    assert response.status_code == 200
    assert "Il testo è troppo lungo" in response.content.decode()
    assert not HostOrganisation.objects.exists()


def test_probe_the_start_token_is_single_use(client, registration_page, post):
    data = form_data()
    first = post(client, registration_page.url, data)
    second = post(client, registration_page.url, data)
    # The replay gets the same answer as a person, and nothing more is stored.
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == registration_page.thanks_url()
    assert HostOrganisation.objects.count() == 1
    assert Position.objects.count() == 1
    assert len(mail.outbox) == 2  # one submission's two mails
    # A new served form (a new token) is accepted again.
    post(client, registration_page.url, form_data(**{"positions-0-title": "Magazzino"}))
    assert Position.objects.count() == 2


def test_probe_a_form_sent_back_with_errors_keeps_its_token(client, registration_page, post):
    data = form_data()
    response = post(client, registration_page.url, {**data, "privacy": ""})
    assert response.status_code == 200
    assert not HostOrganisation.objects.exists()
    response = post(client, registration_page.url, data)
    assert response.status_code == 302
    assert HostOrganisation.objects.count() == 1


def test_probe_two_forms_served_in_the_same_second_have_different_tokens():
    from network.forms import signed_now

    assert signed_now(at=1_700_000_000) != signed_now(at=1_700_000_000)
