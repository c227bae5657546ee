"""Where document files are stored: under a random directory, so that a path under
``MEDIA_ROOT/documents`` can never be guessed from a report's kind, Comune and period.

The file's own name stays readable: Wagtail's serve view (the only way a document is opened,
with its permission checks and audit row) uses it for the URL and the download name."""

import posixpath
import secrets

# 24 random bytes: 32 URL-safe characters, 192 bits; nobody enumerates that.
TOKEN_BYTES = 24


def unguessable_name(filename):
    """``<random token>/<basename>``: the storage's ``upload_to`` adds ``documents/`` in front."""
    basename = posixpath.basename(str(filename).replace("\\", "/")) or "documento"
    return posixpath.join(secrets.token_urlsafe(TOKEN_BYTES), basename)


def name_new_upload(sender, instance, **kwargs):
    """``pre_save`` of the Wagtail document model: a file uploaded through the admin (new
    document or replaced file) is not committed yet, so its name can still change before
    ``FileField.pre_save`` writes it. Files the services already stored keep their name (they
    were named with ``unguessable_name`` already)."""
    file = instance.file
    if file and not file._committed:
        file.name = unguessable_name(file.name)
