"""Writes of the pathway's signatures and signed scans. One transaction each, Italian
``ValidationError`` when a rule forbids; each write is audited and goes in the pathway's history,
and the checklist's paperwork item follows the signatures (``sync_paperwork``)."""

import os

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.audit.services import Action, record_event

from ..choices import ENDED_PATHWAY_STATUSES, WAITING_ACTIVATION_STATUSES, Activity
from ..models import Pathway
from ..services.referrals import _history, _not_future, _required_text
from . import access, selectors
from .choices import Party
from .models import PaperSignature, SignedScan
from .rules import required_papers

MSG_PATHWAY_ENDED = _("Il percorso è concluso: le firme non si registrano più.")


MSG_PAPER_NOT_REQUIRED = _("Questo documento non è previsto per il percorso.")


MSG_PARTY_NOT_REQUIRED = _("Questa parte non firma questo documento.")


MSG_NO_HOST_YET = _(
    "Il percorso non ha ancora un ente ospitante: indicare prima la posizione presso l'ente."
)


MSG_PARTY_NOT_ALLOWED = _("Non può registrare la firma di questa parte.")


MSG_SIGNED_BEFORE_INTAKE = _("La firma non può precedere la presa in carico.")


MSG_ALREADY_SIGNED = _(
    "La firma di questa parte è già registrata: per correggerla ritirarla prima."
)


MSG_ALREADY_WITHDRAWN = _("La firma è già stata ritirata.")


MSG_WITHDRAW_AFTER_ACTIVATION = _("Il percorso è già attivo: le firme non si ritirano più.")


MSG_HOST_CHANGED = _("Cambio dell'ente ospitante.")


MSG_SCAN_NOT_ALLOWED = _("Non può caricare le scansioni dei documenti firmati.")


MSG_SCAN_TOO_LARGE = _("Il file supera la dimensione massima di %(mb)s MB.")


MSG_SCAN_WRONG_TYPE = _(
    "Il contenuto del file non è un PDF, un'immagine JPEG o PNG: caricare la scansione in uno di "
    "questi formati."
)


MSG_SCAN_NAME_MISMATCH = _(
    "Il nome del file (%(name)s) non corrisponde al suo contenuto (%(type)s): rinominarlo o "
    "caricare il file giusto."
)


# Content type -> (what the person reads, the extensions its name may carry, the stored one).
SCAN_TYPES = {
    "application/pdf": ("PDF", (".pdf",), ".pdf"),
    "image/jpeg": ("JPEG", (".jpg", ".jpeg"), ".jpg"),
    "image/png": ("PNG", (".png",), ".png"),
}


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _locked(pathway):
    return Pathway.objects.select_for_update().get(pk=pathway.pk)


def _check_kind(pathway, kind):
    papers = dict(required_papers(pathway))
    if kind not in papers:
        raise ValidationError({"kind": MSG_PAPER_NOT_REQUIRED})
    return papers[kind]


@transaction.atomic
def record_signature(pathway, *, kind, party, signed_on, signer_name="", user):
    """One party's signature of one of the pathway's papers, on ``signed_on`` (not in the
    future, not before the intake). A host signs for the pathway's current host."""
    pathway = _locked(pathway)
    if pathway.status in ENDED_PATHWAY_STATUSES:
        raise ValidationError(MSG_PATHWAY_ENDED)
    parties = _check_kind(pathway, kind)
    if party not in parties:
        raise ValidationError({"party": MSG_PARTY_NOT_REQUIRED})
    if not access.can_record(user, pathway, party):
        raise ValidationError({"party": MSG_PARTY_NOT_ALLOWED})
    if party == Party.HOST and pathway.host_id is None:
        raise ValidationError({"party": MSG_NO_HOST_YET})
    _not_future(signed_on, "signed_on")
    if signed_on < pathway.intake_on:
        raise ValidationError({"signed_on": MSG_SIGNED_BEFORE_INTAKE})
    in_force = PaperSignature.objects.filter(
        pathway=pathway, kind=kind, party=party, withdrawn_at__isnull=True
    ).first()
    if in_force is not None:
        if party != Party.HOST or in_force.host_id == pathway.host_id:
            raise ValidationError(MSG_ALREADY_SIGNED)
        # The position moved to another host: the former host's signature no longer counts.
        _withdraw(in_force, reason=str(MSG_HOST_CHANGED), user=user)
    signature = PaperSignature(
        pathway=pathway,
        kind=kind,
        party=party,
        host_id=pathway.host_id if party == Party.HOST else None,
        signed_on=signed_on,
        signer_name=(signer_name or "").strip(),
        recorded_by=_user(user),
    )
    signature.full_clean()
    signature.save()
    record_event(user, Action.CREATE, signature, detail=f"{kind}:{party}")
    _history(pathway, "casework.sign", user, kind=kind, party=party, on=signed_on.isoformat())
    sync_paperwork(pathway, user=user)
    return signature


def _withdraw(signature, *, reason, user):
    signature.withdrawn_at = timezone.now()
    signature.withdrawn_by = _user(user)
    signature.withdrawal_reason = reason
    signature.full_clean()
    signature.save()
    record_event(user, Action.CHANGE, signature, detail=f"withdrawn {signature.kind}")


@transaction.atomic
def withdraw_signature(signature, *, reason, user):
    """Takes back a signature recorded by mistake, with the reason; only before activation."""
    signature = PaperSignature.objects.select_for_update().get(pk=signature.pk)
    pathway = _locked(signature.pathway)
    if signature.withdrawn_at is not None:
        raise ValidationError(MSG_ALREADY_WITHDRAWN)
    if pathway.status not in WAITING_ACTIVATION_STATUSES:
        raise ValidationError(MSG_WITHDRAW_AFTER_ACTIVATION)
    if not access.can_record(user, pathway, signature.party):
        raise ValidationError(MSG_PARTY_NOT_ALLOWED)
    reason = _required_text(reason, "reason")
    _withdraw(signature, reason=reason, user=user)
    _history(
        pathway, "casework.unsign", user, kind=signature.kind, party=signature.party, reason=reason
    )
    sync_paperwork(pathway, user=user)
    return signature


def sync_paperwork(pathway, *, user=None):
    """The checklist's paperwork item is done exactly when every required party has signed
    every required paper (on the day of the last signature), undone when one is missing again."""
    item = pathway.activities.filter(activity=Activity.PAPERWORK).first()
    if item is None:
        return None
    signatures = selectors.current_signatures(pathway)
    if selectors.all_signed(pathway, signatures):
        if item.done_on is None:
            item.done_on = max(row.signed_on for row in signatures.values())
            item.done_by = _user(user)
            item.save(update_fields=["done_on", "done_by"])
    elif item.done_on is not None:
        item.done_on = None
        item.done_by = None
        item.save(update_fields=["done_on", "done_by"])
    return item


def _scan_type(upload):
    """The content type read from the file's first bytes (never from its name or the browser)."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(position)
    guess = filetype.guess(head) if head else None
    mime = guess.mime if guess is not None else None
    if mime not in SCAN_TYPES:
        raise ValidationError({"file": MSG_SCAN_WRONG_TYPE})
    return mime


def max_scan_bytes():
    return settings.SIGNED_SCAN_MAX_BYTES


@transaction.atomic
def upload_signed_scan(pathway, *, kind, file, user):
    """The scan of a signed paper: PDF, JPEG or PNG by content, at most
    ``settings.SIGNED_SCAN_MAX_BYTES``, stored privately under a random name. Older scans stay."""
    pathway = _locked(pathway)
    if not access.can_upload(user, pathway):
        raise ValidationError(MSG_SCAN_NOT_ALLOWED)
    _check_kind(pathway, kind)
    if file.size > max_scan_bytes():
        raise ValidationError(
            {"file": MSG_SCAN_TOO_LARGE % {"mb": max_scan_bytes() // (1024 * 1024)}}
        )
    mime = _scan_type(file)
    label, extensions, stored_extension = SCAN_TYPES[mime]
    original_name = os.path.basename(file.name or "")
    if os.path.splitext(original_name)[1].lower() not in extensions:
        raise ValidationError(
            {"file": MSG_SCAN_NAME_MISMATCH % {"name": original_name, "type": label}}
        )
    file.seek(0)
    scan = SignedScan(
        pathway=pathway,
        kind=kind,
        original_name=original_name[:255],
        content_type=mime,
        size=file.size,
        uploaded_by=_user(user),
    )
    scan.file.save(f"scan{stored_extension}", File(file), save=False)
    scan.full_clean()
    scan.save()
    record_event(user, Action.CREATE, scan, detail=f"scan {kind}")
    _history(pathway, "casework.scan", user, kind=kind, name=original_name)
    return scan


__all__ = [
    "MSG_ALREADY_SIGNED",
    "MSG_ALREADY_WITHDRAWN",
    "MSG_HOST_CHANGED",
    "MSG_NO_HOST_YET",
    "MSG_PAPER_NOT_REQUIRED",
    "MSG_PARTY_NOT_ALLOWED",
    "MSG_PARTY_NOT_REQUIRED",
    "MSG_PATHWAY_ENDED",
    "MSG_SCAN_NAME_MISMATCH",
    "MSG_SCAN_NOT_ALLOWED",
    "MSG_SCAN_TOO_LARGE",
    "MSG_SCAN_WRONG_TYPE",
    "MSG_SIGNED_BEFORE_INTAKE",
    "MSG_WITHDRAW_AFTER_ACTIVATION",
    "record_signature",
    "sync_paperwork",
    "upload_signed_scan",
    "withdraw_signature",
]
