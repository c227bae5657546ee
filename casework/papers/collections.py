"""The private collections that file the pathways' papers: "Fascicoli" under Wagtail's root and
"Fascicoli – <Comune>" under it, one per Comune.

The root carries a ``CollectionViewRestriction`` for the three staff roles, so Wagtail treats
every file in it as private (anyone else is sent to the login page). Which Comune may open a file
is decided per file by ``access.check_paper_document`` (the ``before_serve_document`` hook), from
the pathway the file belongs to. No role gets a library permission on these collections: staff
reach the files from the pathway's page, whose listing is scoped per Comune."""

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Collection, CollectionViewRestriction

from casework.permissions.roles import ROLES

ROOT_NAME = "Fascicoli"


def comune_collection_name(comune):
    return f"Fascicoli – {comune.name}"


def _restrict(collection):
    restriction = CollectionViewRestriction.objects.filter(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    ).first()
    if restriction is None:
        restriction = CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    restriction.groups.set(Group.objects.filter(name__in=ROLES))


@transaction.atomic
def papers_root():
    """The "Fascicoli" collection under Wagtail's root, restricted to the staff roles."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=ROOT_NAME).first()
    if existing is not None:
        return existing
    collection = root.add_child(name=ROOT_NAME)
    _restrict(collection)
    return collection


@transaction.atomic
def papers_collection_for(comune):
    """The collection that files the papers of ``comune``'s pathways (created on first use)."""
    root = papers_root()
    name = comune_collection_name(comune)
    return root.get_children().filter(name=name).first() or root.add_child(name=name)
