"""Accounts: lockout keyed on username + address, the second factor for every admin role, OTP
throttling, device changes behind the password, and a password reset that skips nothing."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.security import demo as security_demo
from casework.security import twofactor as security_twofactor
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "password-di-prova-123"
LOGIN = "/admin/login/"


def token_for(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset
    return totp.token()


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})


# --- django-axes ------------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_failures_for_one_username_only(client, comune_a):
    victim = f.social_worker(comune_a, username="sociale.bloccato")
    colleague = f.social_worker(comune_a, username="sociale.collega")
    for _attempt in range(3):
        response = _login(client, victim.username, "sbagliata-123456")
        assert "_auth_user_id" not in client.session
    locked = _login(client, victim.username, PASSWORD)
    assert locked.status_code == 429
    assert "Troppi tentativi di accesso falliti" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # Same office, same address: the colleague still signs in.
    response = _login(client, colleague.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_lockout_is_keyed_on_username_and_address():
    from django.conf import settings

    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_COOLOFF_TIME.total_seconds() > 0
    assert settings.AXES_FAILURE_LIMIT >= 3


# --- second factor ----------------------------------------------------------------------------


@pytest.fixture
def role_users(comune_a, social_worker_a, agency_operator, programme_manager, superuser):
    return [social_worker_a, agency_operator, programme_manager, superuser]


@override_settings(ZO_REQUIRE_2FA=True)
def test_every_admin_role_must_set_up_a_device(client, role_users):
    for user in role_users:
        client.force_login(user)
        for url in ("/admin/", "/admin/snippets/casework/beneficiary/", "/documents/1/x.pdf"):
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert response["Location"].startswith(reverse(security_twofactor.SETUP_URL_NAME)), url
        client.logout()


@override_settings(ZO_REQUIRE_2FA=True)
def test_a_device_means_the_code_is_asked_at_each_sign_in(client, social_worker_a):
    TOTPDevice.objects.create(user=social_worker_a, name="tel", confirmed=True)
    response = _login(client, social_worker_a.username, PASSWORD)
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse(security_twofactor.VERIFY_URL_NAME))
    # Setting up another device first needs the existing one.
    response = client.get(reverse(security_twofactor.SETUP_URL_NAME))
    assert response["Location"] == reverse(security_twofactor.VERIFY_URL_NAME)


@override_settings(ZO_REQUIRE_2FA=True)
def test_verified_login_helper_reaches_the_admin(client, social_worker_a):
    f.verified_login(client, social_worker_a)
    assert client.get("/admin/").status_code == 200


@override_settings(ZO_REQUIRE_2FA=True)
def test_public_site_is_not_behind_the_second_factor(client, social_worker_a):
    client.force_login(social_worker_a)
    response = client.get("/")
    assert response.status_code in (200, 404)


@override_settings(ZO_REQUIRE_2FA=True)
def test_verify_with_the_right_code_then_throttled_after_a_wrong_one(client, social_worker_a):
    device = TOTPDevice.objects.create(user=social_worker_a, name="tel", confirmed=True)
    client.force_login(social_worker_a)
    url = reverse(security_twofactor.VERIFY_URL_NAME)

    wrong = client.post(url, {"otp_token": "000000" if token_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert escape(str(security_twofactor.INVALID_CODE)) in wrong.content.decode()
    # Right code at once: refused, django-otp makes the next attempt wait.
    throttled = client.post(url, {"otp_token": token_for(device)})
    assert escape(str(security_twofactor.THROTTLED)) in throttled.content.decode()
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post(url, {"otp_token": token_for(device), "next": "/admin/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@override_settings(ZO_REQUIRE_2FA=True, AXES_FAILURE_LIMIT=100)
def test_too_many_wrong_codes_close_the_session(client, social_worker_a):
    device = TOTPDevice.objects.create(user=social_worker_a, name="tel", confirmed=True)
    client.force_login(social_worker_a)
    url = reverse(security_twofactor.VERIFY_URL_NAME)
    for _attempt in range(security_twofactor.OTP_MAX_FAILURES):
        device.throttle_reset()
        response = client.post(url, {"otp_token": "12345x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_login")
    assert "_auth_user_id" not in client.session


@override_settings(ZO_REQUIRE_2FA=True)
def test_setting_up_a_device_asks_for_the_password(client, social_worker_a):
    client.force_login(social_worker_a)
    url = reverse(security_twofactor.SETUP_URL_NAME)
    page = client.get(url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    device = TOTPDevice.objects.get(user=social_worker_a, confirmed=False)

    refused = client.post(
        url, {"name": "tel", "otp_token": token_for(device), "password": "non-la-mia-password"}
    )
    assert escape(str(security_twofactor.WRONG_PASSWORD)) in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post(url, {"name": "tel", "otp_token": token_for(device), "password": PASSWORD})
    # The first device: the page that shows its recovery codes once.
    assert done.status_code == 200
    assert "Codici di recupero" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200


@override_settings(ZO_REQUIRE_2FA=True)
def test_removing_a_device_asks_for_the_password(client, social_worker_a, social_worker_b):
    device = f.verified_login(client, social_worker_a)
    other = TOTPDevice.objects.create(user=social_worker_b, name="altro", confirmed=True)
    remove = reverse(security_twofactor.REMOVE_URL_NAME, args=[device.pk])

    client.post(remove, {"password": "sbagliata-123456"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    # Somebody else's device is not ours to remove.
    response = client.post(
        reverse(security_twofactor.REMOVE_URL_NAME, args=[other.pk]), {"password": PASSWORD}
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(pk=other.pk).exists()

    client.post(remove, {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    # Without a device the admin asks for a new one.
    assert client.get("/admin/")["Location"].startswith(reverse(security_twofactor.SETUP_URL_NAME))


@override_settings(ZO_REQUIRE_2FA=True)
def test_a_password_reset_never_skips_the_second_factor(client, social_worker_a):
    TOTPDevice.objects.create(user=social_worker_a, name="tel", confirmed=True)
    response = client.post(reverse("wagtailadmin_password_reset"), {"email": social_worker_a.email})
    assert response.status_code == 302
    link = re.search(r"https?://[^\s]+/password_reset/confirm/[^\s]+", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    confirm = client.get(link.group(0).replace("http://testserver", ""), follow=True)
    new_password = "Una-nuova-password-2026"
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    # The reset logged nobody in; signing in with the new password still asks for the code.
    assert "_auth_user_id" not in client.session
    _login(client, social_worker_a.username, new_password)
    assert client.session["_auth_user_id"] == str(social_worker_a.pk)
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse(security_twofactor.VERIFY_URL_NAME))


@override_settings(ZO_REQUIRE_2FA=True, SHOW_DEMO_PASSWORDS=True)
def test_demo_users_get_a_printed_key_and_a_code_command_in_dev_only(social_worker_a):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    context = {"stdout": out, "logins": [(social_worker_a.username, "x", "ruolo")]}
    security_demo.demo_devices(context)
    security_demo.demo_devices(context)  # idempotent
    device = TOTPDevice.objects.get(user=social_worker_a, confirmed=True)
    assert social_worker_a.username in out.getvalue()
    code = io.StringIO()
    call_command("demo_code", social_worker_a.username, stdout=code)
    assert device.verify_token(code.getvalue().strip())

    with override_settings(SHOW_DEMO_PASSWORDS=False), pytest.raises(CommandError):
        call_command("demo_code", social_worker_a.username, stdout=io.StringIO())


@override_settings(ZO_REQUIRE_2FA=True, SHOW_DEMO_PASSWORDS=True)
def test_verify_page_shows_the_demo_code_in_dev_only(client, social_worker_a):
    import io

    security_demo.demo_devices(
        {"stdout": io.StringIO(), "logins": [(social_worker_a.username, "x", "r")]}
    )
    _login(client, social_worker_a.username, PASSWORD)
    page = client.get(reverse(security_twofactor.VERIFY_URL_NAME)).content.decode()
    shown = re.search(r"codice attuale dell'utente demo è <strong>(\d{6})</strong>", page)
    assert shown is not None
    client.post(reverse(security_twofactor.VERIFY_URL_NAME), {"otp_token": shown.group(1)})
    assert client.get("/admin/").status_code == 200  # verified with the shown code

    with override_settings(SHOW_DEMO_PASSWORDS=False):
        client.logout()
        _login(client, social_worker_a.username, PASSWORD)
        page = client.get(reverse(security_twofactor.VERIFY_URL_NAME)).content.decode()
        assert "utente demo" not in page


@override_settings(ZO_REQUIRE_2FA=True)
def test_the_second_factor_pages_sign_out_with_a_post(client, social_worker_a):
    """Django logs out on POST only: the "Esci" of the set-up page is a form, and it works."""
    client.force_login(social_worker_a)
    page = client.get(reverse(security_twofactor.SETUP_URL_NAME)).content.decode()
    logout_url = reverse("wagtailadmin_logout")
    assert f'<form method="post" action="{logout_url}">' in page
    assert f'href="{logout_url}"' not in page
    client.post(logout_url)
    assert "_auth_user_id" not in client.session
