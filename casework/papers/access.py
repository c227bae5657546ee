"""Who may open a pathway's paper, on both its doors: our download view and Wagtail's document
serve URL (the ``before_serve_document`` hook). Each opening is an EXPORT in the audit trail."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from casework.audit.services import Action, record_event
from casework.permissions.access import can_see_comune

from .models import PathwayDocument


def may_open(user, paper):
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.has_perm("casework.view_pathwaydocument")
        and can_see_comune(user, paper.pathway.comune_id)
    )


def record_opening(user, paper, door):
    record_event(
        user,
        Action.EXPORT,
        paper,
        detail=f"{paper.get_kind_display()} v{paper.version} {paper.format} ({door})",
    )


def check_paper_document(document, request):
    """``before_serve_document``: a pathway's paper only for users who see its Comune (403 for
    the others, the login page for anonymous users); other documents keep their own rules."""
    paper = (
        PathwayDocument.objects.select_related("pathway").filter(document_id=document.pk).first()
    )
    if paper is None:
        return None
    if may_open(request.user, paper):
        record_opening(request.user, paper, "wagtail")
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied
