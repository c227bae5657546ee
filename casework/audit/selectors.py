"""Reads of the audit trail that screens share."""

from .models import AuditEvent

PERSON_VIEWS_LIMIT = 50


def person_views(beneficiary_id, *, limit=PERSON_VIEWS_LIMIT):
    """Who opened a person's records (AuditEvent VIEW rows about them), newest first, with the
    user in the same query."""
    return list(
        AuditEvent.objects.filter(beneficiary_id=beneficiary_id, action=AuditEvent.Action.VIEW)
        .select_related("user")
        .order_by("-at", "-pk")[:limit]
    )
