"""In a real browser: a programme manager signs in, sets up the second factor from the QR page's
key, and works in the admin under its Content-Security-Policy without a single violation; the
public site runs under the strict policy. Debian's /usr/bin/chromium through Playwright."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests import factories as f
from tests.e2e.conftest import CHROMIUM

PASSWORD = "password-di-prova-123"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _code(secret):
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_second_factor_and_csp_end_to_end(browser, live_server, settings):
    settings.ZO_REQUIRE_2FA = True
    manager = f.programme_manager(username="pal.e2e")
    person = f.BeneficiaryFactory(last_name="Cespuglio")
    f.PathwayFactory(referral__beneficiary=person)

    page = browser.new_page()
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # A script the policy broke shows up as an uncaught error.
    page.on("pageerror", lambda error: problems.append(str(error)))
    base = live_server.url

    page.goto(base + "/admin/login/")
    page.locator("input[name=username]").fill(manager.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/2fa/setup/**")
    assert page.locator("svg").count() >= 1  # the QR code
    secret = page.locator("code").inner_text()
    page.locator("input[name=otp_token]").fill(_code(secret))
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Attiva").click()
    page.wait_for_load_state("networkidle")
    # The first device's recovery codes, shown once (tests/e2e/test_recovery_codes.py).
    page.get_by_role("link", name="Ho conservato i codici, continua").click()
    page.wait_for_load_state("networkidle")
    assert "/admin/" in page.url and "/2fa/setup/" not in page.url

    for path in (
        "/admin/",
        "/admin/snippets/casework/beneficiary/",
        f"/admin/snippets/casework/beneficiary/edit/{person.pk}/",
        "/admin/snippets/casework/teammeeting/add/",
        "/admin/reports/site-history/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        assert "unsafe-eval" not in response.headers["content-security-policy"]
        assert "no-store" in response.headers["cache-control"]
        page.wait_for_load_state("networkidle")
    assert person.last_name in page.goto(base + "/admin/snippets/casework/beneficiary/").text()

    public = browser.new_page()
    public.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    response = public.goto(base + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert not problems, problems
