from .base import *
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ALLOWED_HOSTS = ["*"]
# Demo passwords are printed by load_demo only when this is on.
SHOW_DEMO_PASSWORDS = True
ZO_ALLOW_DEMO_DATA = True
PSEUDONYMISATION_KEY = PSEUDONYMISATION_KEY or "dev-only-pseudonymisation-key"
