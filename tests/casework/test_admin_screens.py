"""One-off admin screens carry their own title as the visible header (Wagtail shows the last
breadcrumb there), not "Home"."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _visible_breadcrumbs(html):
    crumbs = re.search(r"<ol[^>]*>.*?</ol>", html, re.S).group(0)
    return [
        re.sub(r"<[^>]+>|\s+", " ", item).strip()
        for item in re.findall(r"<li.*?</li>", crumbs, re.S)
    ]


@pytest.mark.parametrize(
    ("url_name", "title"),
    [
        ("casework_budget_overview:index", "Situazione dei budget"),
        ("casework_invoice_check:index", "Controllo fatture"),
        ("wagtailsnippets_casework_referral:add", "Nuova segnalazione"),
    ],
)
def test_screen_header_is_its_title(client, programme_manager, url_name, title):
    client.force_login(programme_manager)
    html = client.get(reverse(url_name)).content.decode()
    assert _visible_breadcrumbs(html)[-1] == title
