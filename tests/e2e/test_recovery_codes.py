"""In a browser: a social worker sets up the second factor, sees the recovery codes once, signs
out, signs in with a recovery code instead of the app's code and sees how many are left."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP

from tests import factories as f
from tests.e2e.conftest import CHROMIUM
from tests.e2e.page_checks import assert_clean_page

PASSWORD = "password-di-prova-123"
SHOTS = "/tmp/"  # noqa: S108 - screenshots to look at, nothing secret

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _code(secret):
    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _sign_in(page, base, user):
    page.goto(base + "/admin/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()


def test_recovery_code_signs_in_once_and_shows_what_is_left(
    italian_page, live_server, settings, comune_a
):
    settings.ZO_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    worker = f.social_worker(comune_a, username="sociale.recupero", email="recupero@example.it")
    page, base = italian_page, live_server.url

    _sign_in(page, base, worker)
    page.wait_for_url("**/admin/2fa/setup/**")
    secret = page.locator("code").inner_text()
    page.locator("input[name=otp_token]").fill(_code(secret))
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Attiva").click()

    page.get_by_role("heading", name="Codici di recupero").wait_for()
    codes = re.findall(r"\d{4}-\d{4}", page.locator("[data-recovery-codes]").inner_text())
    assert len(set(codes)) == 10
    assert "unica volta" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Stampa").is_visible()
    assert page.get_by_role("button", name="Copia").is_visible()
    assert_clean_page(page)
    page.screenshot(path=SHOTS + "recovery-codes-shown.png", full_page=True)
    page.get_by_role("link", name="Ho conservato i codici, continua").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    page.goto(base + "/admin/2fa/")
    assert "Ti restano 10 codici di recupero non usati." in page.locator("main").inner_text()
    assert not re.search(r"\d{4}-\d{4}", page.locator("main").inner_text())
    page.screenshot(path=SHOTS + "recovery-codes-devices.png", full_page=True)

    page.context.clear_cookies()  # signed out, as the other browser tests do
    _sign_in(page, base, worker)
    page.wait_for_url("**/admin/2fa/verify/**")
    page.get_by_role("link", name="Usa un codice di recupero").click()
    page.wait_for_url("**/admin/2fa/verify/recupero/**")
    page.locator("input[name=code]").fill("1111-2222")
    page.get_by_role("button", name="Accedi").click()
    page.get_by_text("Codice di recupero non valido o già usato").wait_for()
    assert_clean_page(page)
    page.screenshot(path=SHOTS + "recovery-codes-wrong.png", full_page=True)

    page.locator("input[name=code]").fill(codes[0])
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    assert "te ne restano 9" in page.locator("body").inner_text()
    page.screenshot(path=SHOTS + "recovery-codes-signed-in.png", full_page=True)

    page.goto(base + "/admin/2fa/codici-di-recupero/")
    assert "Ti restano 9 codici di recupero non usati." in page.locator("main").inner_text()
    assert_clean_page(page)
    page.screenshot(path=SHOTS + "recovery-codes-regenerate.png", full_page=True)
