"""Issue 13, public site: the accessibility statement, the privacy notice and the hosts page are
created by the setup content and linked; the staff handbook opens from the admin's Aiuto menu."""

import pytest
from django.urls import reverse

from home.content import (
    ACCESSIBILITY_SLUG,
    FEEDBACK_EMAIL,
    HANDBOOK_PAGES,
    REGISTRATION_PATH,
    build_page_tree,
)
from home.models import HandbookPage, StandardPage
from home.wagtail_hooks import HANDBOOK_MENU_NAME

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_pages(db):
    build_page_tree()


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _footer(html):
    return html[html.index('<footer class="site-footer">') :]


def test_every_public_page_links_the_statement_and_the_notice_from_the_footer(client, site_pages):
    for url in ("/", "/per-gli-enti/", "/privacy/", "/accessibilita/", "/manuale/"):
        footer = _footer(_html(client, url))
        assert 'href="/accessibilita/"' in footer and "Dichiarazione di accessibilità" in footer
        assert 'href="/privacy/"' in footer


def test_the_accessibility_statement_follows_the_agid_model(client, site_pages):
    html = _html(client, f"/{ACCESSIBILITY_SLUG}/")
    for section in (
        "Stato di conformità",
        "Contenuti non accessibili",
        "Redazione della dichiarazione di accessibilità",
        "Meccanismo di feedback",
        "Procedura di attuazione",
        "legge 9 gennaio 2004",
    ):
        assert section in html, section
    assert f'href="mailto:{FEEDBACK_EMAIL}"' in html
    assert 'href="https://www.agid.gov.it/' in html and "Difensore civico per il digitale" in html


def test_the_privacy_notice_covers_article_13(client, site_pages):
    html = _html(client, "/privacy/")
    for section in (
        "Titolare del trattamento",
        "Responsabile della protezione dei dati (DPO)",
        "Finalità e base giuridica",
        "Destinatari",
        "Trasferimenti fuori dall&#x27;Unione europea",
        "Conservazione",
        "Diritti dell&#x27;interessato",
        "Reclamo al Garante",
        "Obbligatorietà del conferimento",
    ):
        assert section in html, section
    assert 'href="mailto:dpo@' in html


def test_the_hosts_page_links_to_the_registration_form(client, site_pages):
    from network.demo import REGISTRATION_SLUG, build_pages

    build_pages()
    assert f"/{REGISTRATION_SLUG}/" == REGISTRATION_PATH
    html = _html(client, "/per-gli-enti/")
    assert f'href="{REGISTRATION_PATH}"' in html
    assert _html(client, REGISTRATION_PATH)


def test_the_statement_and_the_notice_stay_out_of_the_main_menu(client, site_pages):
    html = _html(client, "/")
    nav = html[
        html.index('class="main-nav"') : html.index("</nav>", html.index('class="main-nav"'))
    ]
    assert "/per-gli-enti/" in nav
    for hidden in ("/privacy/", "/accessibilita/", "/manuale/"):
        assert hidden not in nav


def test_an_earlier_install_gets_the_new_texts_but_an_edited_page_is_kept(site_pages):
    privacy = StandardPage.objects.get(slug="privacy")
    privacy.body = [("paragraph", "<p>Testo di prima.</p>")]
    privacy.save()
    build_page_tree()
    privacy.refresh_from_db()
    assert "Titolare del trattamento" in str(privacy.body.raw_data)
    privacy.body = [("paragraph", "<p>Scritto dalla redazione.</p>")]
    privacy.save_revision().publish()
    build_page_tree()
    privacy.refresh_from_db()
    assert "Scritto dalla redazione" in str(privacy.body.raw_data)


def test_the_handbook_has_a_page_per_role(client, site_pages):
    handbook = HandbookPage.objects.get()
    titles = [page.title for page in handbook.get_children()]
    assert titles == [
        "Assistente sociale",
        "Operatore dell'agenzia",
        "Responsabile del programma",
        "Ente ospitante",
    ]
    assert len(HANDBOOK_PAGES) == 4
    index = _html(client, handbook.url)
    for page in handbook.get_children():
        assert f'href="{page.url}"' in index
        html = _html(client, page.url)
        assert f'href="{handbook.url}"' in html  # breadcrumb back to the handbook
        assert html.count("<li>") >= 5  # real steps of the day
    assert "gg/mm/aaaa" in _html(client, "/manuale/assistente-sociale/")


def test_the_help_menu_opens_the_handbook_first_and_keeps_the_editor_guide(
    client, site_pages, social_worker_a
):
    from tests.factories import verified_login

    verified_login(client, social_worker_a)
    html = _html(client, reverse("wagtailadmin_home"))
    handbook_url = reverse("home_handbook")
    assert handbook_url in html and "Manuale di ZeroOttanta" in html
    assert HANDBOOK_MENU_NAME in html and "editor-guide" in html
    assert "whats-new-in-wagtail" not in html
    assert html.index(HANDBOOK_MENU_NAME) < html.index("editor-guide")
    response = client.get(handbook_url)
    assert response.status_code == 302 and response.url == HandbookPage.objects.get().url


def test_the_handbook_item_needs_a_login(client, site_pages):
    response = client.get(reverse("home_handbook"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_the_handbook_link_is_404_until_the_handbook_exists(client, social_worker_a):
    from tests.factories import verified_login

    verified_login(client, social_worker_a)
    assert client.get(reverse("home_handbook")).status_code == 404


def test_the_public_site_switches_to_english_and_back(client, site_pages):
    html = _html(client, "/")
    assert 'action="/i18n/setlang/"' in html and 'value="en"' in html
    assert 'lang="en">English</button>' in html  # each language in its own name
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/privacy/"})
    assert response.status_code == 302 and response.url == "/privacy/"
    html = _html(client, "/privacy/")
    assert 'lang="en"' in html
    assert 'value="it"' in html
