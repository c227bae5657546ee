"""Who may open a document filed in a report collection (see ``collections`` for the design).

Report documents are aggregated figures per Comune, but the budget and invoice checks list
vouchers by referral protocol: they are treated as personal data of their Comune."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from wagtail.models import Collection

from casework.access import can_see_comune, is_social_worker, sees_all_comuni, visible_comune_ids
from casework.audit.services import Action, record_event

from .collections import ROOT_NAME, owner_of
from .models import ReportCollection


def user_may_open(user, collection, owner=None):
    is_report, comune_id = owner or owner_of(collection)
    if not is_report:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if sees_all_comuni(user):
        return True
    return comune_id is not None and is_social_worker(user) and can_see_comune(user, comune_id)


def check_report_document(document, request):
    """``before_serve_document``: for a report, anonymous users go to the login page and anyone
    outside the collection's Comune gets 403; a report opened is an export in the audit trail.
    Other documents keep Wagtail's own rules."""
    owner = owner_of(document.collection)
    is_report, comune_id = owner
    if user_may_open(request.user, document.collection, owner):
        if is_report:
            record_event(
                request.user,
                Action.EXPORT,
                model="wagtaildocs.document",
                object_id=document.pk,
                comune_id=comune_id,
                detail=f"Report {document.filename}",
            )
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def hidden_report_collection_ids(user):
    """Report collections (and the "Report" root) the user may not open."""
    if sees_all_comuni(user):
        return []
    root = Collection.objects.filter(depth=2, name=ROOT_NAME).first()
    if root is None:
        return []
    allowed = []
    if is_social_worker(user):
        allowed = ReportCollection.objects.filter(
            comune_id__in=visible_comune_ids(user) or ()
        ).values_list("collection_id", flat=True)
    return list(
        Collection.objects.filter(path__startswith=root.path)
        .exclude(pk__in=list(allowed))
        .values_list("pk", flat=True)
    )


def scope_document_chooser(documents, request):
    """``construct_document_chooser_queryset``: never offer a report the user may not open."""
    hidden = hidden_report_collection_ids(request.user)
    return documents.exclude(collection_id__in=hidden) if hidden else documents
