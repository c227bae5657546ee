"""Writes of a tirocinio's regional paperwork: the edition's rules, extensions, suspensions and
the compulsory communications (COB). One transaction each, Italian ValidationError messages."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework.cases.choices import PathwayStatus
from casework.cases.models import Pathway

from .checks import check_planned_end, is_traineeship
from .choices import CommunicationKind
from .models import (
    TraineeshipCommunication,
    TraineeshipExtension,
    TraineeshipRules,
    TraineeshipSuspension,
)

MSG_NOT_A_TRAINEESHIP = _("Il percorso non è un tirocinio.")
MSG_TRAINEESHIP_NOT_ACTIVE = _("Il tirocinio non è attivo.")
MSG_EXTENSION_NEEDS_LATER_END = _("La proroga deve spostare la fine prevista dopo il %(date)s.")
MSG_EXTENSION_NEEDS_PLANNED_END = _("Indicare prima la fine prevista del tirocinio.")
MSG_DATE_BEFORE_ACTIVATION = _("La data non può precedere l'attivazione del tirocinio.")
MSG_ALREADY_SUSPENDED = _("Il tirocinio è già sospeso.")
MSG_NOT_SUSPENDED = _("Il tirocinio non è sospeso.")
MSG_RESUME_BEFORE_SUSPENSION = _("La ripresa deve seguire l'inizio della sospensione.")
MSG_COMMUNICATION_NOT_DUE = _("Questa comunicazione non è prevista per il tirocinio.")
MSG_COMMUNICATION_BEFORE_INTAKE = _(
    "La comunicazione non può precedere la presa in carico del percorso."
)
MSG_PROTOCOL_REQUIRED = _("Indicare il protocollo della comunicazione.")


def _user(user):
    return user if user is not None and user.is_authenticated else None


def _not_future(value, field):
    from casework.cases.services.referrals import _not_future as check

    check(value, field)


def _history(instance, action, user, **data):
    from casework.cases.services.referrals import _history as log

    log(instance, action, user, **data)


def ensure_rules(edition):
    """The edition's traineeship rules, created with the regional defaults when missing."""
    rules, _created = TraineeshipRules.objects.get_or_create(edition_id=edition.pk)
    return rules


@transaction.atomic
def update_rules(rules, *, user, **changes):
    """The programme manager's edit of an edition's rules."""
    rules = TraineeshipRules.objects.select_for_update().get(pk=rules.pk)
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()
    return rules


def _active_traineeship(pathway):
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("referral__beneficiary")
        .get(pk=pathway.pk)
    )
    if not is_traineeship(pathway):
        raise ValidationError(MSG_NOT_A_TRAINEESHIP)
    if pathway.status != PathwayStatus.ACTIVE:
        raise ValidationError(MSG_TRAINEESHIP_NOT_ACTIVE)
    return pathway


def _on_or_after_activation(pathway, on, field):
    _not_future(on, field)
    if on < pathway.activated_on:
        raise ValidationError({field: MSG_DATE_BEFORE_ACTIVATION})


@transaction.atomic
def extend_traineeship(pathway, *, on, new_end_on, reason, user):
    """Proroga: the planned end moves later, never past the maximum duration for the person's
    target (suspended days not counted). Needs an extension COB afterwards."""
    pathway = _active_traineeship(pathway)
    _on_or_after_activation(pathway, on, "on")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indicare la motivazione.")})
    previous = pathway.planned_end_on
    if previous is None:
        raise ValidationError({"new_end_on": MSG_EXTENSION_NEEDS_PLANNED_END})
    if new_end_on <= previous:
        raise ValidationError(
            {"new_end_on": MSG_EXTENSION_NEEDS_LATER_END % {"date": previous.strftime("%d/%m/%Y")}}
        )
    check_planned_end(pathway, new_end_on, field="new_end_on")
    extension = TraineeshipExtension(
        pathway=pathway,
        on=on,
        previous_end_on=previous,
        new_end_on=new_end_on,
        reason=reason.strip(),
        recorded_by=_user(user),
    )
    extension.full_clean()
    extension.save()
    pathway.planned_end_on = new_end_on
    pathway.save(update_fields=["planned_end_on", "updated_at"])
    _history(pathway, "casework.traineeship_extend", user, new_end_on=new_end_on.isoformat())
    return extension


@transaction.atomic
def suspend_traineeship(pathway, *, on, reason, user):
    """A pause from ``on``; its days will not count toward the maximum duration."""
    pathway = _active_traineeship(pathway)
    _on_or_after_activation(pathway, on, "on")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indicare la motivazione.")})
    if pathway.traineeship_suspensions.filter(ends_on__isnull=True).exists():
        raise ValidationError(MSG_ALREADY_SUSPENDED)
    suspension = TraineeshipSuspension(
        pathway=pathway, starts_on=on, reason=reason.strip(), recorded_by=_user(user)
    )
    suspension.full_clean()
    suspension.save()
    _history(pathway, "casework.traineeship_suspend", user, on=on.isoformat())
    return suspension


@transaction.atomic
def resume_traineeship(pathway, *, on, user):
    """The end of the open suspension: the tirocinio runs again from ``on``."""
    pathway = _active_traineeship(pathway)
    suspension = (
        pathway.traineeship_suspensions.select_for_update().filter(ends_on__isnull=True).first()
    )
    if suspension is None:
        raise ValidationError(MSG_NOT_SUSPENDED)
    _not_future(on, "on")
    if on <= suspension.starts_on:
        raise ValidationError({"on": MSG_RESUME_BEFORE_SUSPENSION})
    suspension.ends_on = on
    suspension.full_clean()
    suspension.save(update_fields=["ends_on"])
    _history(pathway, "casework.traineeship_resume", user, on=on.isoformat())
    return suspension


@transaction.atomic
def record_communication(pathway, *, kind, sent_on, protocol, user):
    """A compulsory communication (COB) sent for a tirocinio, with its date and protocol."""
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    if not is_traineeship(pathway):
        raise ValidationError(MSG_NOT_A_TRAINEESHIP)
    if kind not in CommunicationKind.values:
        raise ValidationError({"kind": MSG_COMMUNICATION_NOT_DUE})
    if kind == CommunicationKind.EXTENSION and not pathway.traineeship_extensions.exists():
        raise ValidationError({"kind": MSG_COMMUNICATION_NOT_DUE})
    if kind == CommunicationKind.END and pathway.status not in (
        PathwayStatus.COMPLETED,
        PathwayStatus.INTERRUPTED,
    ):
        raise ValidationError({"kind": MSG_COMMUNICATION_NOT_DUE})
    protocol = (protocol or "").strip()
    if not protocol:
        raise ValidationError({"protocol": MSG_PROTOCOL_REQUIRED})
    _not_future(sent_on, "sent_on")
    # The start COB is due by the day before the start: it may precede the activation.
    if sent_on < pathway.intake_on:
        raise ValidationError({"sent_on": MSG_COMMUNICATION_BEFORE_INTAKE})
    communication = TraineeshipCommunication(
        pathway=pathway, kind=kind, sent_on=sent_on, protocol=protocol, recorded_by=_user(user)
    )
    communication.full_clean()
    communication.save()
    _history(pathway, "casework.traineeship_cob", user, kind=kind, protocol=protocol)
    return communication
