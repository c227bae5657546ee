"""The audit trail of personal data: who opened, changed, exported or imported what, and when.

It stores ids, never the record's contents, so the trail itself leaks nothing and survives the
person's anonymisation.
"""

from .models import AuditEvent

Action = AuditEvent.Action


def _ids_of(obj):
    """The person and Comune an object belongs to, without extra queries where possible."""
    from .models import Beneficiary, Pathway, Referral, Voucher

    if isinstance(obj, Beneficiary):
        return obj.pk, obj.residence_comune_id
    if isinstance(obj, Referral):
        return obj.beneficiary_id, obj.comune_id
    if isinstance(obj, Pathway | Voucher) and hasattr(obj, "comune_id"):
        pathway = obj if isinstance(obj, Pathway) else obj.pathway
        return pathway.referral.beneficiary_id, obj.comune_id
    return None, getattr(obj, "comune_id", None)


def record_event(
    user,
    action,
    obj=None,
    *,
    model=None,
    object_id=None,
    beneficiary_id=None,
    comune_id=None,
    detail="",
):
    if obj is not None:
        model = model or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        obj_beneficiary, obj_comune = _ids_of(obj)
        beneficiary_id = beneficiary_id if beneficiary_id is not None else obj_beneficiary
        comune_id = comune_id if comune_id is not None else obj_comune
    return AuditEvent.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        model=model or "",
        object_id="" if object_id is None else str(object_id),
        beneficiary_id=beneficiary_id,
        comune_id=comune_id,
        detail=detail[:200],
    )


def record_events(user, action, rows, *, batch_size=1000):
    """Many events in bulk (imports, exports): ``rows`` yields dicts with model, object_id,
    beneficiary_id, comune_id and optionally detail."""
    user = user if user is not None and user.is_authenticated else None
    events = (
        AuditEvent(
            user=user,
            action=action,
            model=row.get("model", ""),
            object_id=str(row.get("object_id", "")),
            beneficiary_id=row.get("beneficiary_id"),
            comune_id=row.get("comune_id"),
            detail=row.get("detail", "")[:200],
        )
        for row in rows
    )
    batch = []
    for event in events:
        batch.append(event)
        if len(batch) >= batch_size:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
