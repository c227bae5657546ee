"""The Python half of scripts/drill_import_gunicorn.sh (issue 17: "a 50,000-row file through
the admin under gunicorn --timeout 30 with a qcluster running lands whole with no worker
killed").

    drill_import_gunicorn.py setup ROWS   # the programme manager with a TOTP device + the CSV
    drill_import_gunicorn.py drive ROWS   # the admin over HTTP (urllib), then the checks

``setup`` runs before gunicorn starts; ``drive`` signs in through the real login form and the
second-factor form, uploads the file, polls the run's JSON status, confirms, polls again, then
checks the database and gunicorn's log. Every failed check exits non-zero. Paths and the base
URL come from the environment the shell script sets (DRILL_DIR, DRILL_URL, DRILL_GUNICORN_LOG,
DRILL_WORKERS).
"""

import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import secrets
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIR = Path(os.environ["DRILL_DIR"]) if "DRILL_DIR" in os.environ else ROOT / "var" / "drill-import"
CSV_FILE = DIR / "segnalazioni.csv"
ACCOUNT_FILE = DIR / "account.json"
BASE = os.environ.get("DRILL_URL", "http://127.0.0.1:8766")
KIND = "referrals"
RESPONSE_LIMIT = 2.0  # seconds: upload and Conferma answer at once
CHECK_LIMIT = float(os.environ.get("DRILL_CHECK_LIMIT", "900"))  # seconds to wait per task
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RUN_URL = re.compile(rf"/admin/casework/importazioni/{KIND}/(\d+)/$")


class DrillFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise DrillFailed(message)


def totp(hex_key, step=30, digits=6):
    """RFC 6238 as django-otp's TOTPDevice computes it (SHA-1, 30 s, 6 digits, t0 = 0)."""
    counter = int(time.time() // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def django_setup():
    import django

    django.setup()


# --- setup ------------------------------------------------------------------------------------
def setup(rows):
    django_setup()
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from bench.import_referrals import write_file
    from casework.permissions.roles import PROGRAMME_MANAGER
    from network.models import Comune
    from tests.factories import UserFactory

    password = secrets.token_urlsafe(18)
    user = UserFactory(username="drill.pal", first_name="Prova", last_name="Importazione")
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get(name=PROGRAMME_MANAGER)])
    key = secrets.token_hex(20)
    TOTPDevice.objects.create(user=user, name="Prova", key=key, confirmed=True)
    # The programme manager imports for every Comune: the bench's generator, all 18 in turn.
    comuni = list(Comune.objects.order_by("name").values_list("name", flat=True))
    write_file(CSV_FILE, rows, comuni)
    ACCOUNT_FILE.touch(mode=0o600)
    ACCOUNT_FILE.write_text(
        json.dumps({"username": user.username, "password": password, "key": key})
    )
    size = CSV_FILE.stat().st_size
    print(f"drill: {rows} rows for {len(comuni)} Comuni, {size / 1024 / 1024:.1f} MB -> {CSV_FILE}")


# --- the admin over HTTP ----------------------------------------------------------------------
class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None):
        """(final url, status, text, seconds) of a GET, or a POST when ``data`` is given
        (bytes with their headers, or a dict sent url-encoded); redirects are followed."""
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        url = urllib.parse.urljoin(BASE, path)
        check(url.startswith("http://127.0.0.1:"), f"not the drill's own server: {url}")
        request = urllib.request.Request(url, data, headers or {})  # noqa: S310 (checked above)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                text = response.read().decode("utf-8", "replace")
                status, url = response.status, response.geturl()
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            status, url = error.code, error.geturl()
        return url, status, text, time.perf_counter() - started

    def csrf(self, text):
        match = CSRF.search(text)
        check(match, "no csrfmiddlewaretoken in the form")
        return match.group(1)


def multipart(fields, file_field, file_name, content):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def log_in(browser, account):
    url, status, text, _ = browser.request("/admin/login/")
    check(status == 200, f"login form: HTTP {status}")
    url, status, text, _ = browser.request(
        "/admin/login/",
        {
            "csrfmiddlewaretoken": browser.csrf(text),
            "username": account["username"],
            "password": account["password"],
            "next": "/admin/",
        },
    )
    check("/2fa/verify/" in url, f"no second-factor step after the password: {status} {url}")
    url, status, text, _ = browser.request(
        url, {"csrfmiddlewaretoken": browser.csrf(text), "otp_token": totp(account["key"])}
    )
    check(status == 200 and "/2fa/" not in url, f"code refused: {status} {url}")


def wait_for(browser, run_pk, done, label):
    """Poll the run's JSON status (as its page does) until ``done(status)``; seconds taken."""
    started = time.perf_counter()
    last = None
    while True:
        _, status, text, _ = browser.request(
            f"/admin/casework/importazioni/{KIND}/{run_pk}/stato.json"
        )
        check(status == 200, f"stato.json: HTTP {status}")
        state = json.loads(text)
        if state != last:
            print(
                f"drill:   {time.perf_counter() - started:6.1f} s  {state['status']:<10} "
                f"{state['rows_read']}/{state['rows_total']} ({state['percent']}%)"
            )
            last = state
        if state["finished"]:
            check(done(state["status"]), f"{label}: the run ended {state['status']}")
            return time.perf_counter() - started
        check(time.perf_counter() - started < CHECK_LIMIT, f"{label}: still running")
        time.sleep(1)


def gunicorn_log_checks(log_path, workers):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    booted = len(re.findall(r"Booting worker with pid", text))
    timeouts = text.count("WORKER TIMEOUT")
    killed = len(
        re.findall(r"was sent SIG|exited with code|Worker exiting|Shutting down: Master", text)
    )
    print(
        f"drill: gunicorn log: {booted} workers booted, {timeouts} WORKER TIMEOUT, {killed} killed"
    )
    check(timeouts == 0, "gunicorn logged WORKER TIMEOUT")
    check(killed == 0, "a gunicorn worker was killed or exited")
    check(booted == workers, f"{booted} 'Booting worker' lines, expected {workers}")


def drive(rows):
    account = json.loads(ACCOUNT_FILE.read_text())
    browser = Browser()
    log_in(browser, account)
    upload_path = f"/admin/casework/importazioni/{KIND}/carica/"
    _, status, text, _ = browser.request(upload_path)
    check(status == 200, f"upload form: HTTP {status}")
    body, headers = multipart(
        {"csrfmiddlewaretoken": browser.csrf(text)}, "file", CSV_FILE.name, CSV_FILE.read_bytes()
    )
    url, status, text, upload_s = browser.request(upload_path, body, headers)
    match = RUN_URL.search(urllib.parse.urlparse(url).path)
    check(status == 200 and match, f"upload did not lead to the run's page: {status} {url}")
    run_pk = int(match.group(1))
    print(f"drill: upload answered in {upload_s:.2f} s (run {run_pk})")
    check(upload_s < RESPONSE_LIMIT, f"upload took {upload_s:.2f} s (limit {RESPONSE_LIMIT} s)")

    check_s = wait_for(browser, run_pk, lambda s: s == "preview", "check")
    print(f"drill: check done in {check_s:.1f} s")

    _, status, text, page_s = browser.request(f"/admin/casework/importazioni/{KIND}/{run_pk}/")
    check(status == 200 and "Conferma" in text, f"preview page: HTTP {status}, no Conferma")
    print(f"drill: preview page in {page_s:.2f} s")
    url, status, text, confirm_s = browser.request(
        f"/admin/casework/importazioni/{KIND}/conferma/{run_pk}/",
        {"csrfmiddlewaretoken": browser.csrf(text)},
    )
    check(
        status == 200 and RUN_URL.search(urllib.parse.urlparse(url).path),
        f"Conferma: {status} {url}",
    )
    print(f"drill: Conferma answered in {confirm_s:.2f} s")
    check(confirm_s < RESPONSE_LIMIT, f"Conferma took {confirm_s:.2f} s (limit {RESPONSE_LIMIT} s)")

    write_s = wait_for(browser, run_pk, lambda s: s == "completed", "write")
    print(f"drill: write done in {write_s:.1f} s")

    django_setup()
    from casework.models import ImportRun, Referral

    run = ImportRun.objects.get(pk=run_pk)
    referrals = Referral.objects.count()
    print(
        f"drill: run {run.status}, created {run.created}, errors {run.errors}; "
        f"referrals in the database {referrals}"
    )
    check(run.status == ImportRun.Status.COMPLETED, f"run {run.status}")
    check(referrals == rows, f"{referrals} referrals in the database, expected {rows}")
    check(
        run.created == rows and run.errors == 0, f"run created {run.created}, {run.errors} errors"
    )
    gunicorn_log_checks(os.environ["DRILL_GUNICORN_LOG"], int(os.environ.get("DRILL_WORKERS", "2")))
    print(
        f"drill timings ({rows} rows): upload {upload_s:.2f} s, check {check_s:.1f} s, "
        f"Conferma {confirm_s:.2f} s, write {write_s:.1f} s"
    )
    print("drill passed")


if __name__ == "__main__":
    command, count = sys.argv[1], int(sys.argv[2])
    try:
        {"setup": setup, "drive": drive}[command](count)
    except DrillFailed as failure:
        print(f"drill FAILED: {failure}")
        sys.exit(1)
