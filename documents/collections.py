"""The private collections that hold generated reports, and who may open them.

Roles are groups shared by every social worker, while the Comuni a social worker may see live in
``StaffProfile.comuni`` (read by ``casework.access``). Rather than a second, parallel group per
Comune that would have to be kept in step with those profiles, access works in three layers:

1. a Wagtail ``CollectionViewRestriction`` (groups) on the "Report" collection and on the
   programme collection keeps out anyone without a role (and social workers from the programme
   collection), and marks the collections as private in the admin;
2. the ``before_serve_document`` hook (``documents.wagtail_hooks``) asks ``casework.access``
   whether the user may see the Comune that owns the collection: a social worker of another
   Comune gets 403 on the document URL;
3. ``GroupCollectionPermission`` gives the library (``change``, ``choose``) to the programme
   manager and ``choose`` to the agency; social workers have no library permission (the library
   listing has no per-Comune hook) and find their reports in the "Report" snippet, which is
   scoped per Comune and links each document.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, CollectionViewRestriction, GroupCollectionPermission

from casework.permissions.roles import AGENCY_OPERATOR, PROGRAMME_MANAGER, SOCIAL_WORKER
from network.models import Comune

from .models import ReportCollection

ROOT_NAME = "Report"
PROGRAMME_NAME = "Report – Intero programma"

ROOT_GROUPS = (PROGRAMME_MANAGER, AGENCY_OPERATOR, SOCIAL_WORKER)
PROGRAMME_GROUPS = (PROGRAMME_MANAGER, AGENCY_OPERATOR)
LIBRARY_PERMISSIONS = {
    PROGRAMME_MANAGER: ("change_document", "choose_document"),
    AGENCY_OPERATOR: ("choose_document",),
}


def comune_collection_name(comune):
    return f"Report – {comune.name}"


def _restrict(collection, group_names):
    restriction = CollectionViewRestriction.objects.filter(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    ).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.set(Group.objects.filter(name__in=group_names))


def _grant_library(root):
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="wagtaildocs",
            codename__in={c for codes in LIBRARY_PERMISSIONS.values() for c in codes},
        )
    }
    for group_name, codenames in LIBRARY_PERMISSIONS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        for codename in codenames:
            if codename in permissions:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permissions[codename]
                )


@transaction.atomic
def report_root():
    """The "Report" collection under Wagtail's root, restricted and permissioned."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=ROOT_NAME).first()
    if existing is not None:
        return existing
    collection = root.add_child(name=ROOT_NAME)
    _restrict(collection, ROOT_GROUPS)
    _grant_library(collection)
    return collection


@transaction.atomic
def collection_for(comune=None):
    """The collection that files reports of ``comune`` (None: the whole programme)."""
    link = (
        ReportCollection.objects.select_related("collection")
        .filter(comune=comune)
        .order_by("pk")
        .first()
    )
    if link is not None:
        return link.collection
    root = report_root()
    name = comune_collection_name(comune) if comune else PROGRAMME_NAME
    collection = root.get_children().filter(name=name).first() or root.add_child(name=name)
    if comune is None:
        _restrict(collection, PROGRAMME_GROUPS)
    ReportCollection.objects.create(collection=collection, comune=comune)
    return collection


def ensure_report_collections():
    """Create every collection up front (idempotent): setup and demo call it."""
    collection_for(None)
    for comune in Comune.objects.all():
        collection_for(comune)


def owner_of(collection):
    """``(is_report_collection, comune_id)`` for the collection or its nearest report ancestor."""
    ancestors = collection.get_ancestors(inclusive=True)
    link = (
        ReportCollection.objects.filter(collection__in=ancestors)
        .order_by("-collection__depth")
        .first()
    )
    if link is not None:
        return True, link.comune_id
    root = Collection.get_first_root_node()
    in_root = ancestors.filter(depth=2, name=ROOT_NAME, path__startswith=root.path).exists()
    return in_root, None
