"""Recovery codes: shown once at set-up, each usable once instead of the app's code, new ones
only after the password, every use audited and mailed to the user (username and time only)."""

import re
import time

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.audit.models import AuditEvent
from casework.security import recovery
from casework.security.models import RecoveryCode, RecoveryCodeDevice
from casework.security.recovery_views import RECOVERY_CODES_URL_NAME, RECOVERY_VERIFY_URL_NAME
from casework.security.twofactor import SETUP_URL_NAME, VERIFY_URL_NAME

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_throttle")]

PASSWORD = "password-di-prova-123"
CODE = re.compile(r"\b\d{4}-\d{4}\b")


@pytest.fixture
def fast_throttle(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def token_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.token()


def set_up_device(client, user):
    """The set-up screen as a person goes through it; returns the page after confirmation."""
    client.force_login(user)
    client.get(reverse(SETUP_URL_NAME))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(
        reverse(SETUP_URL_NAME),
        {"name": "Telefono", "otp_token": token_for(device), "password": PASSWORD},
    )


def sign_in_again(client, user):
    client.logout()
    client.force_login(user)  # password step done; the second factor still to pass


@pytest.fixture
def worker(social_worker_a):
    social_worker_a.email = "sociale.a@example.it"
    social_worker_a.save()
    return social_worker_a


@override_settings(ZO_REQUIRE_2FA=True)
def test_codes_are_shown_once_at_set_up_and_stored_as_hashes(client, worker):
    page = set_up_device(client, worker)
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "questa è l&#x27;unica volta che vengono mostrati" in html
    codes = sorted(set(CODE.findall(html)))
    assert len(codes) == recovery.RECOVERY_CODE_COUNT
    stored = list(
        RecoveryCode.objects.filter(device__user=worker).values_list("code_hash", flat=True)
    )
    assert len(stored) == 10
    for code in codes:
        assert all(code.replace("-", "") not in value for value in stored)
    # Never again: neither the account page nor the regeneration page shows a code.
    for url in (reverse("account_2fa_devices"), reverse(RECOVERY_CODES_URL_NAME)):
        later = client.get(url).content.decode()
        assert not set(CODE.findall(later)) & set(codes), url
    assert (
        "Ti restano 10 codici di recupero non usati."
        in client.get(reverse(RECOVERY_CODES_URL_NAME)).content.decode()
    )


@override_settings(ZO_REQUIRE_2FA=True)
def test_each_code_signs_in_once_and_the_user_hears_of_it(
    client, worker, django_capture_on_commit_callbacks
):
    codes = CODE.findall(set_up_device(client, worker).content.decode())
    sign_in_again(client, worker)
    assert client.get("/admin/")["Location"].startswith(reverse(VERIFY_URL_NAME))
    assert "Usa un codice di recupero" in client.get(reverse(VERIFY_URL_NAME)).content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": codes[0], "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    home = client.get("/admin/", follow=True)
    assert home.status_code == 200
    assert "te ne restano 9" in home.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sociale.a@example.it"]
    assert message.subject == str(recovery.MAIL_SUBJECT)
    assert worker.username in message.body
    assert "Ti restano 9 codici di recupero." in message.body
    for personal in (worker.first_name, worker.last_name, worker.email):
        if personal:
            assert personal not in message.body
    assert not re.search(r"[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]", message.body)  # no tax code

    event = AuditEvent.objects.get(model=recovery.AUDIT_MODEL, action=AuditEvent.Action.CHANGE)
    assert event.user == worker
    assert "ne restano 9" in event.detail

    # The same code a second time is refused, with the Italian message.
    sign_in_again(client, worker)
    again = client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": codes[0]})
    assert again.status_code == 200
    assert escape(str(recovery.MSG_RECOVERY_CODE_INVALID)) in again.content.decode()
    assert client.get("/admin/").status_code == 302
    # Another one works, written without the dash.
    ok = client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": codes[1].replace("-", "")})
    assert ok.status_code == 302
    assert recovery.remaining_codes(worker) == 8


@override_settings(ZO_REQUIRE_2FA=True)
def test_a_wrong_code_is_refused(client, worker):
    set_up_device(client, worker)
    sign_in_again(client, worker)
    for wrong in ("0000-0000", "abc", ""):
        page = client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": wrong})
        assert page.status_code == 200
    assert (
        escape(str(recovery.MSG_RECOVERY_CODE_INVALID))
        in client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": "1234-5678"}).content.decode()
    )
    assert client.get("/admin/").status_code == 302
    assert recovery.remaining_codes(worker) == 10


def test_service_refuses_a_wrong_or_spent_code(worker):
    TOTPDevice.objects.create(user=worker, name="Telefono", confirmed=True)
    codes = recovery.generate_recovery_codes(user=worker)
    with pytest.raises(Exception) as error:
        recovery.use_recovery_code(user=worker, code="9999-99999")
    assert recovery.MSG_RECOVERY_CODE_INVALID in error.value.messages
    device, remaining = recovery.use_recovery_code(user=worker, code=codes[3])
    assert isinstance(device, RecoveryCodeDevice) and remaining == 9
    with pytest.raises(Exception) as error:
        recovery.use_recovery_code(user=worker, code=codes[3])
    assert recovery.MSG_RECOVERY_CODE_INVALID in error.value.messages


@override_settings(ZO_REQUIRE_2FA=True)
def test_regeneration_needs_the_password_and_voids_the_old_codes(client, worker):
    old = CODE.findall(set_up_device(client, worker).content.decode())
    url = reverse(RECOVERY_CODES_URL_NAME)
    refused = client.post(url, {"password": "non-la-mia-password"})
    assert escape(str(recovery.MSG_RECOVERY_WRONG_PASSWORD)) in refused.content.decode()
    assert not set(CODE.findall(refused.content.decode())) - {"4821-7730"}

    page = client.post(url, {"password": PASSWORD})
    new = CODE.findall(page.content.decode())
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(model=recovery.AUDIT_MODEL, action="create").count() == 2

    sign_in_again(client, worker)
    page = client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": old[0]})
    assert escape(str(recovery.MSG_RECOVERY_CODE_INVALID)) in page.content.decode()
    assert client.post(reverse(RECOVERY_VERIFY_URL_NAME), {"code": new[0]}).status_code == 302


@override_settings(ZO_REQUIRE_2FA=True)
def test_regeneration_page_is_behind_the_second_factor(client, worker):
    set_up_device(client, worker)
    sign_in_again(client, worker)
    response = client.post(reverse(RECOVERY_CODES_URL_NAME), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(VERIFY_URL_NAME))
    assert recovery.remaining_codes(worker) == 10


@override_settings(ZO_REQUIRE_2FA=True)
def test_removing_the_last_app_removes_the_codes(client, worker):
    set_up_device(client, worker)
    device = TOTPDevice.objects.get(user=worker)
    client.post(reverse("account_2fa_remove", args=[device.pk]), {"password": PASSWORD})
    assert not RecoveryCodeDevice.objects.filter(user=worker).exists()
    assert client.get("/admin/")["Location"].startswith(reverse(SETUP_URL_NAME))
