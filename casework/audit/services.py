"""The audit trail of personal data: who opened, changed, exported or imported what, and when.

It stores ids, never the record's contents, so the trail itself leaks nothing and survives the
person's anonymisation. Every event that concerns a person carries the person's and the Comune's
ids, so the person's access report (``casework.privacy.selectors.access_report``) lists it: a bulk export
leaves one event per exported record (``record_rows``) or per person named
(``record_people_of_log_entries``), inserted in bulk, in a number of queries that does not grow
with the number of rows.
"""

from collections import defaultdict
from functools import cache

from .models import AuditEvent

Action = AuditEvent.Action
# The label of the person model: the trail names it without importing the cases area.
PERSON_MODEL = "casework.beneficiary"


def follow_id(obj, path):
    """The id at the end of ``path`` (``"pathway__referral__beneficiary"``) from ``obj``, reading
    ``*_id`` at the last step so that a one-step path costs no query."""
    if path == "pk":
        return obj.pk
    *steps, last = path.split("__")
    for step in steps:
        obj = getattr(obj, step, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def _ids_of(obj):
    """The person and Comune an object belongs to, as its model declares them."""
    person_path = getattr(obj, "person_path", None)
    comune_path = getattr(obj, "comune_path", None)
    return (
        follow_id(obj, person_path) if person_path else None,
        follow_id(obj, comune_path) if comune_path else getattr(obj, "comune_id", None),
    )


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


@cache
def person_paths():
    """Model -> path from it to the person (``Beneficiary``) whose personal data it holds: every
    casework model that declares a ``person_path``."""
    from django.apps import apps

    return {
        model: model.person_path
        for model in apps.get_app_config("casework").get_models()
        if getattr(model, "person_path", None)
    }


def _person_and_comune_paths(model):
    return getattr(model, "person_path", None), getattr(model, "comune_path", None)


def record_rows(user, action, queryset, *, detail=""):
    """One event per row of ``queryset`` (a listing or a file as it was handed out), with its
    person and Comune: one query reads the ids, one insert per thousand rows. For a model that
    holds no person (budgets) one event says how many rows went out."""
    model = queryset.model
    label = model._meta.label_lower
    person_path, comune_path = _person_and_comune_paths(model)
    if person_path is None:
        return record_event(user, action, model=label, detail=f"{detail}: {queryset.count()} righe")
    # The listing's own ordering and prefetches serve the page, not this read of three ids.
    rows = (
        queryset.order_by()
        .prefetch_related(None)
        .values_list("pk", person_path, comune_path)
        .iterator(chunk_size=2000)
    )
    record_events(
        user,
        action,
        (
            {
                "model": label,
                "object_id": pk,
                "beneficiary_id": person_id,
                "comune_id": comune_id,
                "detail": detail,
            }
            for pk, person_id, comune_id in rows
        ),
    )
    return None


def record_people_of_log_entries(user, action, entries, *, detail=""):
    """One event per person named by ``entries`` (Wagtail log entries: the site history), with
    the person's Comune of residence. Log entries carry the record's label (a name) but not its
    person, so each model with personal data is read once for the people behind its entries:
    a fixed number of queries whatever the number of entries."""
    from django.contrib.contenttypes.models import ContentType

    paths = person_paths()
    ids_by_model = defaultdict(set)
    for entry in entries:
        # Page log entries have no object_id field of ours to follow: pages hold no case data.
        content_type_id = getattr(entry, "content_type_id", None)
        object_id = str(getattr(entry, "object_id", "") or "")
        if content_type_id is None or not object_id.isdigit():
            continue
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model in paths:
            ids_by_model[model].add(int(object_id))
    people = {}
    for model, ids in ids_by_model.items():
        person = paths[model]
        person_comune = "residence_comune" if person == "pk" else f"{person}__residence_comune"
        rows = model._default_manager.filter(pk__in=ids).values_list(person, person_comune)
        for person_id, comune_id in rows:
            if person_id is not None:
                people.setdefault(person_id, comune_id)
    record_events(
        user,
        action,
        (
            {
                "model": PERSON_MODEL,
                "object_id": person_id,
                "beneficiary_id": person_id,
                "comune_id": comune_id,
                "detail": detail,
            }
            for person_id, comune_id in sorted(people.items())
        ),
    )
