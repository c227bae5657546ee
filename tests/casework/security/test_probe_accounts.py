"""Findings 5 and 10 of the adversarial probe: demo data never under production settings and no
first second-factor set-up with the published demo password; the task monitor never answers 500
to a filter it does not know."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.models import Failure, Schedule, Success

from casework.permissions.demo import DEMO_PASSWORD
from casework.security import twofactor as security_twofactor
from casework.security import views as security_views
from home.management.commands import load_demo
from tests import factories as f

pytestmark = pytest.mark.django_db

FLAG = "--i-know-this-is-not-production"  # the command line the README documents


# --- Finding 5: demo data under production settings ---------------------------------------------


def test_finding_5_load_demo_refuses_under_production_settings_even_with_the_flag(tmp_path):
    """The real command under ``config.settings.production``, with DEBUG and the setting asked
    for in the environment: refused before it touches the database."""
    database = tmp_path / "never.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-secret-for-the-test",
        "DEBUG": "1",
        "ZO_ALLOW_DEMO_DATA": "1",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "load_demo", FLAG],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert str(load_demo.MSG_DEMO_NOT_ALLOWED) in result.stderr
    assert not database.exists()


@override_settings(ZO_ALLOW_DEMO_DATA=False, DEBUG=True)
def test_finding_5_load_demo_refuses_without_the_setting_even_with_the_flag():
    from django.contrib.auth import get_user_model

    for args in ((), (FLAG,)):
        with pytest.raises(CommandError) as excinfo:
            call_command("load_demo", *args, stdout=io.StringIO())
        assert str(excinfo.value) == str(load_demo.MSG_DEMO_NOT_ALLOWED)
    assert not get_user_model().objects.filter(username="admin").exists()


@override_settings(ZO_ALLOW_DEMO_DATA=True, DEBUG=False)
def test_finding_5_load_demo_needs_debug_or_the_explicit_flag():
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError) as excinfo:
        call_command("load_demo", stdout=io.StringIO())
    assert str(excinfo.value) == str(load_demo.MSG_DEMO_NEEDS_DEBUG % {"flag": FLAG})
    assert not get_user_model().objects.filter(username="admin").exists()


@override_settings(ZO_REQUIRE_2FA=True)
def test_finding_5_no_first_second_factor_with_the_demo_password(client):
    admin = f.UserFactory(
        username="admin", is_superuser=True, is_staff=True, password=DEMO_PASSWORD
    )
    client.force_login(admin)
    # The admin sends the account to the set-up page, which refuses instead of redirecting.
    first = client.get("/admin/")
    assert first["Location"].startswith(reverse(security_twofactor.SETUP_URL_NAME))
    page = client.get(first["Location"])
    assert page.status_code == 403
    body = page.content.decode()
    assert escape(str(security_views.DEMO_PASSWORD_REFUSED)) in body
    assert "<svg" not in body  # no QR code, no key
    assert not TOTPDevice.objects.filter(user=admin).exists()
    # A forged set-up POST is refused too.
    posted = client.post(
        reverse(security_twofactor.SETUP_URL_NAME),
        {"name": "Telefono", "otp_token": "123456", "password": DEMO_PASSWORD},
    )
    assert posted.status_code == 403
    assert not TOTPDevice.objects.filter(user=admin).exists()
    # The way out is open: the reset link by email, before the second factor, with no loop.
    reset = reverse("wagtailadmin_password_reset")
    assert reset in body
    assert client.get(reset).status_code == 200


@override_settings(ZO_REQUIRE_2FA=True)
def test_finding_5_a_changed_password_sets_up_the_second_factor(client):
    user = f.programme_manager(username="pal.nuova")
    client.force_login(user)
    response = client.get(reverse(security_twofactor.SETUP_URL_NAME))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()


# --- Finding 10: the task monitor answered 500 on ?comune=16 ------------------------------------

MONITOR = ("success", "failure", "schedule", "ormq")
MALFORMED = (
    "comune=16",
    "comune=abc",
    "comune__gt=1",
    "status=zz",
    "id__in=a",
    "group__isnull=zz",
    "started__gte=ieri",
    "p=abc",
    "o=x.-y",
)


@pytest.fixture
def tasks():
    now = timezone.now()
    Success.objects.create(
        id="a" * 32,
        name="report-uno",
        func="documents.tasks.build_report",
        group="reports",
        started=now,
        stopped=now,
        success=True,
        result="RISULTATO-NASCOSTO",
    )
    Success.objects.create(
        id="b" * 32,
        name="digest-due",
        func="casework.tasks.digest",
        group="digest",
        started=now,
        stopped=now,
        success=True,
    )
    Failure.objects.create(
        id="c" * 32,
        name="report-tre",
        func="documents.tasks.build_report",
        started=now,
        stopped=now,
        success=False,
    )
    Schedule.objects.create(name="trimestrale", func="documents.tasks.quarterly")


@pytest.mark.parametrize("query", MALFORMED)
@pytest.mark.parametrize("model", MONITOR)
def test_finding_10_task_monitor_ignores_unknown_and_malformed_filters(
    client, programme_manager, tasks, model, query
):
    client.force_login(programme_manager)
    response = client.get(f"/admin/django_q/{model}/?{query}")
    assert response.status_code == 200


def test_finding_10_task_monitor_filters_only_what_it_declares(client, programme_manager, tasks):
    client.force_login(programme_manager)
    url = "/admin/django_q/success/"
    both = client.get(f"{url}?comune=16").content.decode()
    assert "report-uno" in both and "digest-due" in both
    grouped = client.get(f"{url}?group=reports").content.decode()
    assert "report-uno" in grouped and "digest-due" not in grouped
    # Hidden fields are no search oracle: a lookup on the result is ignored.
    for probe in ("RISULTATO-NASCOSTO", "altro"):
        body = client.get(f"{url}?result__contains={probe}").content.decode()
        assert "report-uno" in body and "digest-due" in body


@pytest.mark.parametrize("query", ("comune=16", "comune=abc", "kind=zz", "status=zz"))
def test_finding_10_report_runs_listing_answers_with_any_comune_filter(
    client, programme_manager, social_worker_a, query
):
    for user in (programme_manager, social_worker_a):
        client.force_login(user)
        for name in ("list", "list_results"):
            url = reverse(f"wagtailsnippets_documents_reportrun:{name}")
            assert client.get(f"{url}?{query}").status_code == 200, (user, name)
