"""The public directory's cache: pages are reused until anything they show changes.

Every change to an organisation, a position or a Comune bumps one version number; cached pages
carry the version in their key, so stale pages are simply never asked for again and expire.
"""

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "network:directory:version"


def version():
    return cache.get_or_set(VERSION_KEY, 1, timeout=None)


def bump(**_kwargs):
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def timeout():
    return getattr(settings, "NETWORK_DIRECTORY_CACHE_SECONDS", 600)


def key(*parts):
    return ":".join(["network:directory", f"v{version()}", *(str(part) for part in parts)])


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import Comune, HostOrganisation, PathwayTypeOption, Position

    for model in (Comune, HostOrganisation, Position, PathwayTypeOption):
        post_save.connect(bump, sender=model, dispatch_uid=f"network-cache-save-{model.__name__}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"network-cache-del-{model.__name__}")
    m2m_changed.connect(
        bump, sender=Position.pathway_types.through, dispatch_uid="network-cache-m2m-types"
    )
