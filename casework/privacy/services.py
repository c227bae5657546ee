"""Data protection by design: retention and anonymisation, the right of access, pseudonymised
exports and the purge of the audit trail. See SECURITY.md.

Anonymisation keeps every row (so report figures, budgets and invoices do not move) and replaces
what identifies the person: names, tax code, contacts, birth day and month, protocols and free
text. Copies of the old values elsewhere are scrubbed too: Wagtail revisions of the person's
records are deleted, log-entry labels rewritten, and every text column of every table is searched
for the old tax code and full name.
"""

import datetime
import hashlib
import hmac
import json

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.audit.models import AUDIT_MIN_RETENTION_MONTHS, AuditEvent, audit_purge_latest_cutoff
from casework.audit.services import Action, record_event
from casework.cases.anonymisation import PERSON_ANONYMISED_HOOK
from casework.cases.choices import OPEN_PATHWAY_STATUSES, OPEN_REFERRAL_STATUSES
from casework.cases.models import (
    Beneficiary,
    FollowUp,
    Pathway,
    PathwayActivity,
    Referral,
    TeamMeeting,
)
from casework.cases.signatures.models import SignedScan
from casework.money.models import InvoiceLine, TutoringSession, Voucher

ANONYMISED_LAST_NAME = "Anonimizzato"


SCRUBBED = "[dato anonimizzato]"


# The audit trail is kept at least this long whatever the setting says (casework.models holds
# the floor, with the database triggers).
MIN_AUDIT_RETENTION_MONTHS = AUDIT_MIN_RETENTION_MONTHS


ONLY_PROGRAMME_MANAGER = gettext_lazy(
    "Solo il responsabile PAL può esportare i dati di una persona."
)


NO_PSEUDONYMISATION_KEY = (
    "PSEUDONYMISATION_KEY non è impostata: l'esportazione pseudonimizzata non è disponibile."
)


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_cutoff(today=None):
    today = today or timezone.localdate()
    return _years_before(today, settings.RETENTION_YEARS)


def due_for_anonymisation(today=None):
    """People with nothing open whose last referral or pathway closed (and last follow-up
    happened) before the retention cutoff."""
    cutoff = retention_cutoff(today)
    cutoff_moment = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return (
        Beneficiary.objects.filter(anonymised_at__isnull=True, created_at__lt=cutoff_moment)
        .exclude(referrals__status__in=OPEN_REFERRAL_STATUSES)
        .exclude(referrals__pathways__status__in=OPEN_PATHWAY_STATUSES)
        .exclude(referrals__updated_at__gte=cutoff_moment)
        .exclude(referrals__pathways__ended_on__gte=cutoff)
        .exclude(referrals__pathways__updated_at__gte=cutoff_moment)
        .exclude(referrals__pathways__follow_ups__on__gte=cutoff)
        .distinct()
    )


def placeholder_tax_code(beneficiary_id):
    """Unique (so the column's constraint holds) and about nobody: no real code starts with
    four letters followed by twelve digits."""
    return f"ANON{beneficiary_id:012d}"


def _text_fields(model):
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.primary_key
    ]


def _scrub_text_everywhere(needles, *, skip=()):
    """Replace each needle in every text column of every managed model (JSON columns through
    their text form). The audit trail is not touched: it holds ids only."""
    needles = [n for n in dict.fromkeys(needles) if n and len(n) >= 4]
    if not needles:
        return 0
    changed = 0
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or model is AuditEvent or model in skip:
            continue
        manager = model._base_manager
        for name in _text_fields(model):
            found = Q()
            replaced = F(name)
            for needle in needles:
                found |= Q(**{f"{name}__contains": needle})
                replaced = Replace(replaced, Value(needle), Value(SCRUBBED))
            changed += manager.filter(found).update(**{name: replaced})
        for field in meta.concrete_fields:
            if isinstance(field, models.JSONField):
                changed += _scrub_json(manager, field.name, needles)
    return changed


def _scrub_json(manager, name, needles):
    query = Q()
    for needle in needles:
        query |= Q(_zo_text__contains=needle)
    changed = 0
    rows = manager.annotate(_zo_text=Cast(name, TextField())).filter(query)
    for row in rows.only("pk", name):
        text = json.dumps(getattr(row, name))
        for needle in needles:
            text = text.replace(needle, SCRUBBED)
        manager.filter(pk=row.pk).update(**{name: json.loads(text)})
        changed += 1
    return changed


def _person_objects(beneficiary):
    referrals = list(Referral.objects.filter(beneficiary=beneficiary))
    pathways = list(Pathway.objects.filter(referral__in=referrals))
    vouchers = list(Voucher.objects.filter(pathway__in=pathways))
    return referrals, pathways, vouchers


def _forget_revisions_and_labels(objects):
    from wagtail.models import ModelLogEntry, Revision

    for obj in objects:
        content_type = ContentType.objects.get_for_model(type(obj))
        object_id = str(obj.pk)
        Revision.objects.filter(object_id=object_id).filter(
            Q(content_type=content_type) | Q(base_content_type=content_type)
        ).delete()
        ModelLogEntry.objects.filter(content_type=content_type, object_id=object_id).update(
            label=str(obj)[:255], data={}
        )


def _reindex(objects):
    from wagtail.search import index

    for obj in objects:
        if isinstance(obj, index.Indexed):
            index.insert_or_update_object(obj)


def _forget_files(person, pathways):
    """Files about the person go too: the signed scans here, the generated papers (and whatever
    another area keeps) through ``PERSON_ANONYMISED_HOOK``. Files leave the disk on commit."""
    from wagtail import hooks

    scans = list(SignedScan.objects.filter(pathway__in=pathways))
    SignedScan.objects.filter(pk__in=[scan.pk for scan in scans]).delete()
    for scan in scans:
        storage, name = scan.file.storage, scan.file.name
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    for forget in hooks.get_hooks(PERSON_ANONYMISED_HOOK):
        forget(person=person, pathways=pathways)


@transaction.atomic
def anonymise(beneficiary_id, *, user=None, now=None):
    """Anonymise one person; returns the person. Idempotent: a second call changes nothing."""
    person = Beneficiary.objects.select_for_update().get(pk=beneficiary_id)
    if person.anonymised_at is not None:
        return person
    now = now or timezone.now()
    old_values = [
        person.tax_code,
        person.tax_code.lower(),
        f"{person.first_name} {person.last_name}",
        f"{person.last_name} {person.first_name}",
        person.email,
        person.phone,
        person.address,
    ]
    referrals, pathways, vouchers = _person_objects(person)
    old_values += [referral.protocol for referral in referrals if len(referral.protocol) >= 6]

    # Bypasses full_clean on purpose: the placeholder is not a valid codice fiscale, by design.
    Beneficiary.objects.filter(pk=person.pk).update(
        tax_code=placeholder_tax_code(person.pk),
        first_name=f"#{person.pk}",
        last_name=ANONYMISED_LAST_NAME,
        birth_date=person.birth_date.replace(month=1, day=1),
        address="",
        phone="",
        email="",
        confidential_notes="",
        anonymised_at=now,
    )
    for referral in referrals:
        Referral.objects.filter(pk=referral.pk).update(
            protocol=f"ANON-{referral.pk}",
            reason="",
            status_note="",
            deadline_reason="",
        )
    Pathway.objects.filter(pk__in=[p.pk for p in pathways]).update(
        assessment="", cv_summary="", objectives="", outcome_note=""
    )
    PathwayActivity.objects.filter(pathway__in=pathways).update(note="")
    FollowUp.objects.filter(pathway__in=pathways).update(note="")
    TutoringSession.objects.filter(pathway__in=pathways).update(note="")
    Voucher.objects.filter(pk__in=[v.pk for v in vouchers]).update(decision_note="")
    InvoiceLine.objects.filter(voucher__in=vouchers).update(
        description=_("Voce relativa a persona anonimizzata")
    )

    _scrub_text_everywhere(old_values)
    _forget_files(person, pathways)

    person.refresh_from_db()
    fresh = [
        person,
        *Referral.objects.filter(pk__in=[r.pk for r in referrals]),
        *Pathway.objects.filter(pk__in=[p.pk for p in pathways]).select_related(
            "referral__beneficiary"
        ),
        *Voucher.objects.filter(pk__in=[v.pk for v in vouchers]),
    ]
    _forget_revisions_and_labels(fresh)
    _reindex(fresh + list(TeamMeeting.objects.filter(cases__in=referrals)))
    record_event(user, Action.ANONYMISE, person, detail="conservazione scaduta")
    return person


def anonymise_due(today=None):
    """The scheduled task's work: returns the ids anonymised (ids only, never names)."""
    done = []
    for person_id in due_for_anonymisation(today).values_list("pk", flat=True):
        anonymise(person_id)
        done.append(person_id)
    return done


def purge_audit_events(now=None):
    """Delete audit rows older than the retention (never less than 24 months); returns how
    many. ``now`` may only be the present or the past: ``purge_older_than`` refuses a cutoff
    younger than the retention counted from the real clock."""
    deleted, _rows = AuditEvent.objects.purge_older_than(audit_purge_latest_cutoff(now))
    return deleted


def pseudonymise(value):
    """Keyed hash (HMAC-SHA256 with ``PSEUDONYMISATION_KEY``) of a tax code: the same person gets
    the same pseudonym in every export, and nobody without the key can recompute it."""
    key = settings.PSEUDONYMISATION_KEY
    if not key:
        raise ImproperlyConfigured(NO_PSEUDONYMISATION_KEY)
    normalised = (value or "").strip().upper().encode("utf-8")
    return hmac.new(key.encode("utf-8"), normalised, hashlib.sha256).hexdigest()[:32]
