import re

import pytest
from django.core.management import call_command

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(db):
    from home.content import build_page_tree

    build_page_tree()


def _h1_count(html):
    return len(re.findall(r"<h1[\s>]", html))


def test_home_page_renders_the_programme(client, site_pages):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert _h1_count(html) == 1
    assert 'lang="it"' in html
    assert 'href="#contenuto"' in html  # skip link
    assert "<main" in html and "<nav" in html and "<footer" in html
    for text in (
        "Chi può accedere",
        "Assistenziale",
        "Tirocinio",
        "Inserimento lavorativo",
        "Progetto personalizzato",
        "servizio sociale",
        "Lumezzane",
        "Villa Carcina",
        "sportello@zeroottanta.it",
    ):
        assert text in html, text
    assert 'href="/per-gli-enti/"' in html


@pytest.mark.parametrize("path", ["/per-gli-enti/", "/privacy/"])
def test_content_pages_render(client, site_pages, path):
    response = client.get(path)
    assert response.status_code == 200
    assert _h1_count(response.content.decode()) == 1


def test_unknown_page_is_a_friendly_404(client, site_pages):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()


def test_public_pages_show_no_personal_data(client, site_pages):
    person = f.BeneficiaryFactory(first_name="Ermenegildo", last_name="Pasquarelli")
    f.ReferralFactory(beneficiary=person, protocol="PROT-SEGRETO")
    for path in ("/", "/per-gli-enti/", "/privacy/"):
        html = client.get(path).content.decode()
        for secret in (person.tax_code, "Ermenegildo", "Pasquarelli", "PROT-SEGRETO"):
            assert secret not in html


def test_admin_login_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200


def test_load_demo_is_idempotent(db, capsys):
    call_command("load_demo", "--i-know-this-is-not-production")
    from django.contrib.auth import get_user_model
    from wagtail.models import Page

    users, pages = get_user_model().objects.count(), Page.objects.count()
    call_command("load_demo", "--i-know-this-is-not-production")
    assert get_user_model().objects.count() == users
    assert Page.objects.count() == pages
    out = capsys.readouterr().out
    assert "password non mostrata" in out  # test settings are not dev: no passwords printed


def test_admin_and_site_are_italian_whatever_the_browser_asks(client, site_pages):
    login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Accedi" in login or "Entra" in login
    assert "Sign in" not in login
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert 'lang="it"' in home
