"""State changes of the network: public registrations and the staff's decisions on them.

Each function is one transaction, validates before saving and raises ``ValidationError`` with an
Italian message (module constants the tests reuse). Emails leave only after the commit, so a
rolled-back decision never tells an organisation something that did not happen; and a mail that
cannot leave (server down, a refused address) is logged, never turned into an error page for a
submission or a decision that is already stored.

No text a visitor typed goes into a mail header: subjects are fixed strings, the organisation's
name is in the body only.
"""

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import OrganisationStatus, PositionStatus
from .codice_fiscale import normalize
from .models import HostOrganisation, Position
from .text import single_line

logger = logging.getLogger(__name__)

# The longest subject we send; a header is kept short and on one line whatever it holds.
SUBJECT_MAX_LENGTH = 150

MSG_REASON_REQUIRED = _("Indicare la motivazione: verrà comunicata all'ente.")
MSG_NOT_PENDING = _("La richiesta è già stata decisa (stato attuale: %(status)s).")
MSG_CANNOT_SUSPEND = _("Si può sospendere solo un ente approvato.")
MSG_HOST_NOT_APPROVED = _("Approvare prima l'ente che offre la posizione.")
MSG_TAX_CODE_OTHER_EMAIL = _(
    "Questo codice fiscale è già registrato con un altro indirizzo email. Usare l'email con cui "
    "l'ente si è registrato oppure contattare lo sportello."
)
MSG_NO_POSITIONS = _("Indicare almeno una posizione.")

ORGANISATION_FIELDS = (
    "name",
    "kind",
    "tax_code",
    "comune",
    "address",
    "contact_person",
    "email",
    "phone",
    "website",
    "public_description",
    "publish_contacts",
)
POSITION_FIELDS = (
    "title",
    "tasks",
    "complexity",
    "hours_per_week",
    "seats",
    "reserved_for_comune",
    "available_from",
    "available_to",
)


def _deliver(subject, body, recipients):
    """Runs after the commit: whatever the mail server or backend does, the stored data stands
    (staff still find every submission in the moderation queue)."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
    except Exception:
        logger.exception(
            "Email «%s» to %d recipient(s) could not be sent", subject, len(recipients)
        )


def _send(subject, template, context, recipients):
    recipients = [single_line(address) for address in recipients if address]
    if not recipients:
        return
    body = render_to_string(template, context)
    subject = single_line(subject)[:SUBJECT_MAX_LENGTH]
    transaction.on_commit(partial(_deliver, subject, body, recipients))


def _admin_url(name, *args):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(name, args=args)


def find_known_organisation(tax_code, email):
    """The organisation already registered with this tax code, if the email matches it.

    Raises ``ValidationError`` (on the ``tax_code`` field) when the code is known under another
    email, so nobody can attach positions to an organisation they do not speak for."""
    organisation = HostOrganisation.objects.filter(tax_code=normalize(tax_code)).first()
    if organisation is None:
        return None
    if organisation.email.strip().lower() != str(email).strip().lower():
        raise ValidationError({"tax_code": MSG_TAX_CODE_OTHER_EMAIL})
    return organisation


@transaction.atomic
def register_submission(organisation_data, *, positions_data):
    """Store a public registration: the organisation (or the known one) and its positions, all
    pending. Returns ``(organisation, positions, recognised)``."""
    if not positions_data:
        raise ValidationError(MSG_NO_POSITIONS)
    organisation = find_known_organisation(
        organisation_data.get("tax_code", ""), organisation_data.get("email", "")
    )
    recognised = organisation is not None
    if not recognised:
        organisation = HostOrganisation(
            **{
                field: organisation_data[field]
                for field in ORGANISATION_FIELDS
                if field in organisation_data
            },
            status=OrganisationStatus.PENDING,
        )
        organisation.full_clean()
        organisation.save()
    positions = []
    for data in positions_data:
        position = Position(
            host=organisation,
            status=PositionStatus.PENDING,
            **{field: data[field] for field in POSITION_FIELDS if field in data},
        )
        position.full_clean()
        position.save()
        position.pathway_types.set(data["pathway_types"])
        positions.append(position)
    context = {"organisation": organisation, "positions": positions, "recognised": recognised}
    _send(
        _("ZeroOttanta: abbiamo ricevuto la vostra richiesta"),
        "network/email/registration_received.txt",
        context,
        [organisation.email],
    )
    _send(
        _("ZeroOttanta: nuova richiesta di adesione alla rete"),
        "network/email/staff_new_submission.txt",
        {**context, "queue_url": _admin_url("network_moderation:index")},
        settings.STAFF_NOTIFICATION_EMAILS,
    )
    return organisation, positions, recognised


def _lock_organisation(organisation):
    return HostOrganisation.objects.select_for_update().get(pk=organisation.pk)


def _lock_position(position):
    return (
        Position.objects.select_for_update(of=("self",)).select_related("host").get(pk=position.pk)
    )


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": MSG_REASON_REQUIRED})
    return reason


def _decide_organisation(organisation, *, status, reason, user):
    organisation.status = status
    organisation.status_reason = reason
    organisation.decided_at = timezone.now()
    organisation.decided_by = user
    organisation.full_clean()
    organisation.save()
    _send(
        _("ZeroOttanta: esito della vostra richiesta di adesione alla rete"),
        "network/email/organisation_decision.txt",
        {"organisation": organisation, "reason": reason},
        [organisation.email],
    )
    return organisation


@transaction.atomic
def approve_organisation(organisation, *, user, reason="", with_positions=False):
    """Approve a pending (or re-admit a rejected or suspended) organisation; with
    ``with_positions`` its pending positions are opened in the same step."""
    organisation = _lock_organisation(organisation)
    if organisation.status == OrganisationStatus.APPROVED:
        raise ValidationError(MSG_NOT_PENDING % {"status": organisation.get_status_display()})
    _decide_organisation(
        organisation,
        status=OrganisationStatus.APPROVED,
        reason=(reason or "").strip(),
        user=user,
    )
    if with_positions:
        for position in organisation.positions.filter(status=PositionStatus.PENDING):
            approve_position(position, user=user)
    return organisation


@transaction.atomic
def reject_organisation(organisation, *, user, reason):
    reason = _require_reason(reason)
    organisation = _lock_organisation(organisation)
    if organisation.status != OrganisationStatus.PENDING:
        raise ValidationError(MSG_NOT_PENDING % {"status": organisation.get_status_display()})
    # Its pending positions go with it, so they leave the moderation queue.
    organisation.positions.filter(status=PositionStatus.PENDING).update(
        status=PositionStatus.CLOSED, status_reason=reason, decided_at=timezone.now()
    )
    return _decide_organisation(
        organisation, status=OrganisationStatus.REJECTED, reason=reason, user=user
    )


@transaction.atomic
def suspend_organisation(organisation, *, user, reason):
    """Takes the organisation and all its positions off the public pages and out of matching;
    its positions keep their status so that re-approval brings them back as they were."""
    reason = _require_reason(reason)
    organisation = _lock_organisation(organisation)
    if organisation.status != OrganisationStatus.APPROVED:
        raise ValidationError(MSG_CANNOT_SUSPEND)
    return _decide_organisation(
        organisation, status=OrganisationStatus.SUSPENDED, reason=reason, user=user
    )


def _decide_position(position, *, status, reason):
    position.status = status
    position.status_reason = reason
    position.decided_at = timezone.now()
    position.full_clean()
    position.save()
    return position


@transaction.atomic
def approve_position(position, *, user, reason=""):
    position = _lock_position(position)
    if position.status != PositionStatus.PENDING:
        raise ValidationError(MSG_NOT_PENDING % {"status": position.get_status_display()})
    if position.host.status != OrganisationStatus.APPROVED:
        raise ValidationError(MSG_HOST_NOT_APPROVED)
    _decide_position(position, status=PositionStatus.OPEN, reason=(reason or "").strip())
    _send(
        _("ZeroOttanta: posizione pubblicata"),
        "network/email/position_decision.txt",
        {"position": position, "organisation": position.host, "approved": True},
        [position.host.email],
    )
    return position


@transaction.atomic
def reject_position(position, *, user, reason):
    reason = _require_reason(reason)
    position = _lock_position(position)
    if position.status != PositionStatus.PENDING:
        raise ValidationError(MSG_NOT_PENDING % {"status": position.get_status_display()})
    _decide_position(position, status=PositionStatus.CLOSED, reason=reason)
    _send(
        _("ZeroOttanta: posizione non accolta"),
        "network/email/position_decision.txt",
        {"position": position, "organisation": position.host, "approved": False, "reason": reason},
        [position.host.email],
    )
    return position
