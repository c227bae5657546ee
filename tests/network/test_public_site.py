"""The public side of the network for issue 13: partial, accent-insensitive directory search;
form errors tied to their fields; Italian-typed dates; the consent box's link to the notice."""

import datetime
import re

import pytest

from network.forms import MSG_DATE, MSG_REQUIRED, PositionForm
from network.models import Position
from tests import factories as f

from .test_registration import form_data

pytestmark = pytest.mark.django_db


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def organisations():
    f.HostOrganisationFactory(name="Comunità Montana di Valle Trompia", status="approved")
    f.HostOrganisationFactory(name="Cooperativa Sociale La Fonte", status="approved")
    f.HostOrganisationFactory(name="Comunità in attesa", status="pending")


@pytest.mark.parametrize("q", ["comunit", "COMUNITA", "montana comunità", "  valle   trompia "])
def test_directory_finds_a_partial_name_whatever_case_and_accents(
    client, directory_page, organisations, q
):
    html = _html(client.get(directory_page.url, {"q": q}))
    assert "Comunità Montana di Valle Trompia" in html
    assert "Cooperativa Sociale La Fonte" not in html
    assert "Comunità in attesa" not in html  # never a pending organisation
    assert "1 ente corrisponde ai filtri" in html


def test_a_name_that_matches_nothing_shows_the_empty_text(client, directory_page, organisations):
    html = _html(client.get(directory_page.url, {"q": "inesistente"}))
    assert "0 enti corrispondono ai filtri" in html and directory_page.empty_text in html


def test_the_search_adds_one_query_whatever_the_network_size(
    client, directory_page, organisations, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(directory_page.url)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(directory_page.url, {"q": "comunit"})
    for number in range(30):
        f.HostOrganisationFactory(name=f"Comunità {number}", status="approved")
    cache.clear()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(directory_page.url, {"q": "comunit"})


def _field_tag(html, field_id):
    match = re.search(rf'<(input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, field_id
    return match.group(0)


def test_each_invalid_field_is_tied_to_its_error(client, registration_page):
    data = form_data(name="", email="non-una-email", **{"positions-0-title": ""})
    data.pop("privacy")
    html = _html(client.post(registration_page.url, data))
    for field_id in ("id_name", "id_email", "id_privacy", "id_positions-0-title"):
        tag = _field_tag(html, field_id)
        assert 'aria-invalid="true"' in tag, tag
        described = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert f"{field_id}_error" in described
        assert f'id="{field_id}_error"' in html
    # A valid field is not marked.
    assert "aria-invalid" not in _field_tag(html, "id_contact_person")


def test_the_error_summary_links_to_each_field(client, registration_page):
    data = form_data(name="", **{"positions-0-title": "", "positions-0-pathway_types": []})
    html = _html(client.post(registration_page.url, data))
    summary = html[html.index('class="error-summary"') : html.index('class="registration-form"')]
    assert 'href="#id_name"' in summary and str(MSG_REQUIRED) in summary
    assert 'href="#id_positions-0-title"' in summary and "Posizione 1 – " in summary
    assert 'href="#id_positions-0-pathway_types_0"' in summary
    assert 'id="id_positions-0-pathway_types_0"' in html
    # The checkbox group's fieldset points at its error too.
    assert 'aria-describedby="id_positions-0-pathway_types_error"' in html


def test_the_add_position_button_marks_no_field_invalid(client, registration_page):
    data = form_data(name="", add_position="1")
    html = _html(client.post(registration_page.url, data))
    assert 'name="positions-1-title"' in html
    assert "aria-invalid" not in html and "error-summary" not in html


def test_dates_are_typed_and_shown_the_italian_way(
    client, registration_page, django_capture_on_commit_callbacks
):
    html = _html(client.get(registration_page.url))
    tag = _field_tag(html, "id_positions-0-available_from")
    assert 'type="text"' in tag and 'placeholder="gg/mm/aaaa"' in tag
    assert 'inputmode="numeric"' in tag
    # The format is said in words too (a placeholder vanishes once typing starts).
    assert 'aria-describedby="id_positions-0-available_from_helptext"' in tag
    data = form_data(
        **{"positions-0-available_from": "15/11/2026", "positions-0-available_to": "1/2/2027"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(registration_page.url, data)
    assert response.status_code == 302
    position = Position.objects.get(title="Aiuto segreteria")
    assert position.available_from == datetime.date(2026, 11, 15)
    assert position.available_to == datetime.date(2027, 2, 1)


def test_a_prefilled_date_is_shown_dd_mm_yyyy():
    form = PositionForm(initial={"available_from": datetime.date(2026, 11, 15)})
    assert 'value="15/11/2026"' in str(form["available_from"])


def test_a_wrong_date_gets_an_italian_message_next_to_the_field(client, registration_page):
    html = _html(
        client.post(
            registration_page.url, form_data(**{"positions-0-available_from": "31/02/2026"})
        )
    )
    assert str(MSG_DATE) in html
    assert 'aria-invalid="true"' in _field_tag(html, "id_positions-0-available_from")


def test_the_consent_box_links_to_the_privacy_notice(client, registration_page):
    html = _html(client.get(registration_page.url))
    box = html[html.index("Trattamento dei dati") :]
    assert 'href="/privacy/"' in box[: box.index("id_privacy")]
    notice = _html(client.get("/privacy/"))
    assert "Titolare del trattamento" in notice


def test_the_public_form_speaks_english_when_chosen(client, registration_page, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _html(client.get(registration_page.url))
    assert 'lang="en"' in html
