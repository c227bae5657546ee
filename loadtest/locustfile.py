"""50 simulated staff of the three roles on the admin, through the real sign-in (password, then
the TOTP code of each account's own device). Run by scripts/load_test.sh (``make load``).

Reads the accounts and the ids to open from ``LOAD_USERS_FILE`` (written by loadtest/seed.py).
At the end prints p50/p95/p99 per page and the errors, and exits non-zero when a request failed
or when a list or inspect page has p95 over ``LOAD_P95_MS`` (500 ms).
"""

import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import threading
import time

from locust import HttpUser, between, events, task

USERS_FILE = os.environ.get("LOAD_USERS_FILE", "var/loadtest-users.json")
P95_TARGET_MS = float(os.environ.get("LOAD_P95_MS", "500"))
with open(USERS_FILE, encoding="utf-8") as users_file:
    DATA = json.load(users_file)
_accounts = itertools.cycle(DATA["accounts"])
_accounts_lock = threading.Lock()
_vouchers = list(DATA["proposed_vouchers"])
RNG = random.SystemRandom()
RNG.shuffle(_vouchers)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_WORDS = ["Prova0", "Prova12", "Prova345", "Carico7", "Rossi", "Bianchi", "LOAD/0001"]
# Pages held to the p95 target (lists and inspect pages); the rest is reported only.
TARGETED = ("list ", "inspect ")


def totp(hex_key, at=None, step=30, digits=6):
    """RFC 6238, as django-otp's TOTPDevice computes it (SHA-1, 30 s, 6 digits, t0 = 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def previous_quarter(today=None):
    today = today or datetime.date.today()
    first_of_quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - datetime.timedelta(days=1)
    start = datetime.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


class Staff(HttpUser):
    # A person reads a page before the next click: 5-15 s by default (LOAD_WAIT_MIN/MAX).
    wait_time = between(
        float(os.environ.get("LOAD_WAIT_MIN", "5")), float(os.environ.get("LOAD_WAIT_MAX", "15"))
    )

    def on_start(self):
        with _accounts_lock:
            self.account = next(_accounts)
        self.role = self.account["role"]
        comune = self.account["comune"]
        pools = [str(comune)] if comune else [str(pk) for pk in DATA["comuni"]]
        self.ids = {
            kind: [pk for pool in pools for pk in DATA["samples"].get(pool, {}).get(kind, [])]
            for kind in ("referrals", "pathways", "people", "vouchers")
        }
        self.log_in()

    # --- signing in, as a person does ------------------------------------------------------
    def csrf(self, response):
        match = CSRF.search(response.text)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def log_in(self):
        page = self.client.get("/admin/login/", name="login form")
        with self.client.post(
            "/admin/login/",
            {
                "csrfmiddlewaretoken": self.csrf(page),
                "username": self.account["username"],
                "password": self.account["password"],
                "next": "/admin/",
            },
            name="login password",
            catch_response=True,
        ) as response:
            if "/2fa/verify/" not in response.url:
                response.failure(f"no second-factor step after the password: {response.url}")
                return
        with self.client.post(
            "/admin/2fa/verify/?next=/admin/",
            {
                "csrfmiddlewaretoken": self.csrf(response),
                "otp_token": totp(self.account["totp_key"]),
            },
            name="login code",
            catch_response=True,
        ) as verified:
            if "/2fa/" in verified.url or verified.status_code != 200:
                verified.failure(f"code refused ({verified.status_code} {verified.url})")

    # --- pages ------------------------------------------------------------------------------
    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/login/" in response.url or "/2fa/" in response.url:
                response.failure(f"sent back to sign in: {response.url}")
            return response

    def pick(self, kind):
        return RNG.choice(self.ids[kind]) if self.ids[kind] else None

    @task(3)
    def dashboard(self):
        self.page("/admin/", "dashboard")

    @task(6)
    def referral_list(self):
        self.page("/admin/snippets/casework/referral/", "list referrals")

    @task(2)
    def referral_list_page(self):
        self.page(f"/admin/snippets/casework/referral/?p={RNG.randint(2, 5)}", "list referrals p>1")

    @task(3)
    def referral_search(self):
        word = RNG.choice(SEARCH_WORDS)
        self.page(f"/admin/snippets/casework/referral/?q={word}", "list referrals search")

    @task(3)
    def people_list(self):
        self.page("/admin/snippets/casework/beneficiary/", "list people")

    @task(4)
    def pathway_list(self):
        self.page("/admin/snippets/casework/pathway/", "list pathways")

    @task(4)
    def global_search(self):
        self.page(f"/admin/cerca/?q={RNG.choice(SEARCH_WORDS)}", "search /admin/cerca/")

    @task(6)
    def inspect_referral(self):
        pk = self.pick("referrals")
        if pk:
            self.page(f"/admin/snippets/casework/referral/inspect/{pk}/", "inspect referral")

    @task(6)
    def inspect_pathway(self):
        pk = self.pick("pathways")
        if pk:
            self.page(f"/admin/snippets/casework/pathway/inspect/{pk}/", "inspect pathway")

    @task(3)
    def inspect_person(self):
        pk = self.pick("people")
        if pk:
            self.page(f"/admin/snippets/casework/beneficiary/inspect/{pk}/", "inspect person")

    @task(3)
    def voucher_list(self):
        self.page("/admin/snippets/casework/voucher/", "list vouchers")

    @task(2)
    def inspect_voucher(self):
        pk = self.pick("vouchers")
        if pk:
            self.page(f"/admin/snippets/casework/voucher/inspect/{pk}/", "inspect voucher")

    @task(1)
    def report_list(self):
        self.page("/admin/snippets/documents/reportrun/", "list reports")

    @task(1)
    def voucher_decision(self):
        """The joint team's decision on a proposed voucher (programme manager only)."""
        if self.role != "manager":
            return
        with _accounts_lock:
            pk = _vouchers.pop() if _vouchers else None
        if pk is None:
            return
        url = f"/admin/snippets/casework/voucher/reject/{pk}/"
        form = self.page(url, "voucher decision form")
        with self.client.post(
            url,
            {"csrfmiddlewaretoken": self.csrf(form), "reason": "Prova di carico: respinto."},
            name="voucher decision",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/inspect/" not in response.url:
                response.failure(f"decision not recorded ({response.status_code} {response.url})")

    @task(1)
    def report_request(self):
        """A quarterly report of the whole programme (manager, agency; social workers may not
        request reports: the form sends them back to the dashboard)."""
        if self.role == "social":
            return
        url = "/admin/snippets/documents/reportrun/add/"
        form = self.page(url, "report request form")
        start, end = previous_quarter()
        with self.client.post(
            url,
            {
                "csrfmiddlewaretoken": self.csrf(form),
                "kind": "quarterly",
                "period_start": f"{start:%d/%m/%Y}",
                "period_end": f"{end:%d/%m/%Y}",
                "comune": self.account["comune"] or "",
            },
            name="report request",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/inspect/" not in response.url:
                response.failure(f"report not queued ({response.status_code} {response.url})")
                return
        match = re.search(r"/inspect/(\d+)/", response.url)
        if match:
            self.page(
                f"/admin/snippets/documents/reportrun/status/{match.group(1)}/", "report status"
            )


def row(name, requests, failures, p50, p95, p99):
    return f"{name:<28} {requests:>7} {failures:>6} {p50:>6.0f}ms {p95:>6.0f}ms {p99:>6.0f}ms"


@events.quitting.add_listener
def summary(environment, **kwargs):
    """p50/p95/p99 per page, the errors, and the verdict (the process's exit code)."""
    stats = environment.stats
    rows = sorted(stats.entries.values(), key=lambda entry: entry.name)
    print(f"\n{'page':<28} {'reqs':>7} {'fails':>6} {'p50':>8} {'p95':>8} {'p99':>8}")
    over = []
    for entry in rows:
        p50, p95, p99 = (entry.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99))
        print(row(entry.name, entry.num_requests, entry.num_failures, p50, p95, p99))
        if entry.name.startswith(TARGETED) and p95 > P95_TARGET_MS:
            over.append(f"{entry.name}: p95 {p95:.0f} ms > {P95_TARGET_MS:.0f} ms")
    total = stats.total
    percentiles = (total.get_response_time_percentile(q) for q in (0.5, 0.95, 0.99))
    print(row("TOTAL", total.num_requests, total.num_failures, *percentiles))
    for error in stats.errors.values():
        print(f"ERROR {error.occurrences}x {error.method} {error.name}: {error.error}")
    for line in over:
        print(f"OVER TARGET {line}")
    ok = total.num_failures == 0 and not over and total.num_requests > 0
    print("LOAD TEST " + ("PASSED" if ok else "FAILED"))
    environment.process_exit_code = 0 if ok else 1
