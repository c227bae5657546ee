"""The load test's settings (``make load``, scripts/load_test.sh): production's, with the values
that only make sense on a loopback run without TLS.

Everything production enforces stays: DEBUG off, the second factor (the load test's users pass
it through the real verify form with TOTP codes of their own devices), axes, the CSP, no-store.
Only what needs HTTPS is turned off, and ``load_demo`` is allowed (a throw-away database).
Never point these settings at a real database.
"""

import os

os.environ.setdefault("SECRET_KEY", "load-test-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("PSEUDONYMISATION_KEY", "load-test-only-pseudonymisation-key")

from .production import *

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Plain HTTP on loopback: no redirect to HTTPS, no secure-only cookies, no HSTS.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# The database is created, seeded and dropped by the load test itself.
ZO_ALLOW_DEMO_DATA = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
