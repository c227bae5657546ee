"""Italian unless the person chose English: the browser's own language does not decide."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_italian(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "it"


def test_the_language_switch_chooses_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})
    assert response.status_code == 302
    assert client.get("/admin/login/").headers["Content-Language"] == "en"
    client.post("/i18n/setlang/", {"language": "it", "next": "/admin/login/"})
    assert client.get("/admin/login/").headers["Content-Language"] == "it"


def test_an_unknown_language_falls_back_to_italian(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/admin/login/").headers["Content-Language"] == "it"
