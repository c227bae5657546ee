"""Stored script (from the public form or an imported file) is shown as text everywhere: the
public pages, the admin and the notification emails."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from casework.models import Referral
from network import services as network_services
from network.models import HostOrganisation
from tests import factories as f
from tests.network.conftest import network_pages as network_pages_fixture
from tests.network.test_registration import form_data

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('zo')</script>"
ESCAPED = "&lt;script&gt;alert("


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_inert(html, where):
    assert SCRIPT not in html, where
    assert "<script>alert(" not in html, where


network_pages = network_pages_fixture  # the network tests' page tree, reused


def test_script_in_the_public_form_is_text_on_the_site_in_the_admin_and_in_emails(
    client, network_pages, programme_manager, settings, django_capture_on_commit_callbacks
):
    directory, registration = network_pages
    settings.STAFF_NOTIFICATION_EMAILS = ["pal@example.it"]
    data = form_data(
        name=f"Il Ponte {SCRIPT}",
        contact_person=f"Anna {SCRIPT}",
        public_description=f"Doposcuola {SCRIPT}",
        **{"positions-0-title": f"Segreteria {SCRIPT}", "positions-0-tasks": SCRIPT},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(registration.url, data)
    assert response.status_code == 302
    organisation = HostOrganisation.objects.get()
    assert SCRIPT in organisation.name  # stored as typed: escaping happens on output

    # Emails are plain text only: no HTML part a mail client could run.
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", [])

    client.force_login(programme_manager)
    for url in (
        reverse("network_moderation:index"),
        reverse("network_moderation:organisation", args=[organisation.pk]),
        reverse("wagtailsnippets_network_hostorganisation:list"),
        reverse("wagtailsnippets_network_hostorganisation:edit", args=[organisation.pk]),
    ):
        html = _html(client, url)
        _assert_inert(html, url)
        assert ESCAPED in html, url

    network_services.approve_organisation(organisation, user=programme_manager, with_positions=True)
    client.logout()
    for url in (directory.url, directory.organisation_url(organisation)):
        html = _html(client, url)
        _assert_inert(html, url)
        assert ESCAPED in html, url


def test_script_in_an_imported_note_is_text_in_the_admin(tmp_path, client, programme_manager):
    tax_code = f.make_tax_code(77, sex="F")
    header = (
        "protocollo;comune;data_segnalazione;codice_fiscale;cognome;nome;data_nascita;sesso;"
        "telefono;email;condizione;target;percorso_proposto;assistente_sociale;note"
    )
    line = (
        f"P-77;Lumezzane;01/09/2016;{tax_code};Rossi;Anna;01/01/1980;F;030 111;a@example.it;"
        f"disoccupato;giovane;tirocinio;Bianchi;{SCRIPT}"
    )
    path = tmp_path / "segnalazioni.csv"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    call_command("import_referrals", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    referral = Referral.objects.get(protocol="P-77")
    assert referral.reason == SCRIPT

    client.force_login(programme_manager)
    for url in (
        reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk]),
        reverse("wagtailsnippets_casework_referral:edit", args=[referral.pk]),
        reverse("wagtailsnippets_casework_beneficiary:inspect", args=[referral.beneficiary_id]),
    ):
        html = _html(client, url)
        _assert_inert(html, url)
    html = _html(client, reverse("wagtailsnippets_casework_referral:inspect", args=[referral.pk]))
    assert ESCAPED in html
