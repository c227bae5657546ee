from .base import *

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
MEDIA_ROOT = VAR_DIR / "test-media"
SIGNED_SCANS_ROOT = VAR_DIR / "test-private" / "scans"
SHOW_DEMO_PASSWORDS = False
ZO_ALLOW_DEMO_DATA = True
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests log in with force_login; the two-factor tests switch this on (tests/casework/
# test_security_accounts.py) and tests.factories.verified_login gives a verified session.
ZO_REQUIRE_2FA = False
PSEUDONYMISATION_KEY = "test-only-pseudonymisation-key"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not SQLite's in-memory database: Django shares one in-memory connection between
    # the browser tests' live-server threads, and the browser's parallel requests (a page, its
    # favicon, jsi18n) then interleave savepoints on it ("no such savepoint").
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-zeroottanta.sqlite3")}
