"""Where document files are stored: under a random directory, so that a path under
``MEDIA_ROOT/documents`` can never be guessed from a report's kind, Comune and period.

The file's own name stays readable: Wagtail's serve view (the only way a document is opened,
with its permission checks and audit row) uses it for the URL and the download name."""

import base64
import hashlib
import hmac
import posixpath
import secrets

from django.conf import settings

# 24 random bytes: 32 URL-safe characters, 192 bits; nobody enumerates that.
TOKEN_BYTES = 24


# Wagtail's document ``FileField(upload_to="documents")``.
UPLOAD_DIRECTORY = "documents"


def unguessable_name(filename, *, token=None):
    """``<random token>/<basename>``: the storage's ``upload_to`` adds ``documents/`` in front."""
    basename = posixpath.basename(str(filename).replace("\\", "/")) or "documento"
    return posixpath.join(token or secrets.token_urlsafe(TOKEN_BYTES), basename)


def attempt_token(run_id, attempt, part):
    """The directory of one attempt at a report run: as long and as unguessable as a random
    token (a keyed hash under SECRET_KEY), but known again to the next attempt, which removes
    what a worker killed while filing (SIGKILL, out of memory) left in it. One per file
    (``part``: its extension), as random tokens were."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"report-run:{run_id}:{attempt}:{part}".encode(),
        hashlib.sha256,
    ).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def attempt_directory(run_id, attempt, part):
    return posixpath.join(UPLOAD_DIRECTORY, attempt_token(run_id, attempt, part))


def name_new_upload(sender, instance, **kwargs):
    """``pre_save`` of the Wagtail document model: a file uploaded through the admin (new
    document or replaced file) is not committed yet, so its name can still change before
    ``FileField.pre_save`` writes it. Files the services already stored keep their name (they
    were named with ``unguessable_name`` already)."""
    file = instance.file
    if file and not file._committed:
        file.name = unguessable_name(file.name)
