"""The page check itself must be able to fail: it finds what it is meant to find."""

from tests.e2e.page_checks import problems


def test_the_check_finds_none_utc_and_english():
    assert "None" in problems("Operatore: None")
    assert problems("Richiesto il 2026-12-02 05:46:29.057314+00:00")
    assert "Created at" in problems("Created at 02/12/2026")
    assert "Wagtail" in problems("", title="Dashboard – Wagtail")


def test_the_check_passes_an_italian_page():
    assert problems("Segnalazione del 02/12/2026 alle 07:12 — Operatore: Maria Rossi") == []
