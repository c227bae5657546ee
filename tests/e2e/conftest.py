"""What every browser test needs: Debian's /usr/bin/chromium through Playwright (never a
downloaded browser), and the migrated data put back after the transactional tests."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def _sequences_past_the_rows():
    # A flush resets PostgreSQL's sequences (TRUNCATE ... RESTART IDENTITY) and the serialized
    # copy is put back with its own ids: without this the next insert would reuse id 1.
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connections

    for connection in connections.all():
        statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def sequences_in_step(django_db_blocker):
    """Transactional tests before this one may have restored rows behind the sequences' back."""
    with django_db_blocker.unblock():
        _sequences_past_the_rows()


@pytest.fixture(scope="module", autouse=True)
def restore_migrated_data(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying the tables; put back what the migrations loaded
    (Comuni, roles, the Wagtail root) so that a later run with --reuse-db still finds it."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            content = getattr(connection, "_test_serialized_contents", None)
            if content:
                connection.creation.deserialize_db_from_string(content)
        _sequences_past_the_rows()


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test body's ORM calls are
    # still synchronous and safe. Set for this test only: a leaked variable would reach the
    # subprocesses of other tests (``check --deploy`` warns about it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


E2E_PASSWORD = "password-di-prova-e2e-123"


@pytest.fixture
def italian_page(browser):
    """A page as an Italian member of staff has it: Italian locale, Rome's clock."""
    context = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    page = context.new_page()
    yield page
    context.close()


def log_in(page, base_url, user, password=E2E_PASSWORD):
    """Log in through the admin login form (the second factor is off in test settings)."""
    user.set_password(password)
    user.save()
    page.goto(base_url + "/admin/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(password)
    page.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/")


def type_date(page, selector, typed):
    """Type a date as a person does: click, select what is there, type it key by key, leave."""
    field = page.locator(selector)
    field.click()
    if field.get_attribute("autocomplete") == "off":
        # Wagtail's picker opens (or, on a field that had the focus, closes) 100 ms after the
        # click. A test types faster than that, so the picker would open after Tab closed it
        # and cover the next field; a person, who sees it settle before typing, never meets that.
        page.wait_for_timeout(200)
    field.press("Control+a")
    field.press_sequentially(typed)
    field.press("Tab")
