"""Placing a person at a position: the one write of matching, with the position locked and its seats re-counted."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework.cases import deadlines as _deadlines
from casework.cases.choices import PathwayStatus
from casework.cases.models import Pathway
from casework.cases.services.pathways import _check_position
from casework.cases.services.referrals import _history

MSG_ALREADY_PLACED = _("La persona è già collocata presso una posizione.")


MSG_NOT_WAITING_FOR_MATCH = _("Il percorso non è in attesa di una postazione.")


@transaction.atomic
def place_at_position(pathway, *, position, user):
    """Place the person at a position. The position row is locked first, so the free seats
    counted here cannot be taken by a placement running at the same time."""
    pathway = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("referral__beneficiary")
        .get(pk=pathway.pk)
    )
    if pathway.status not in _deadlines.WAITING_ACTIVATION:
        raise ValidationError(MSG_NOT_WAITING_FOR_MATCH)
    if pathway.position_id is not None:
        raise ValidationError({"position": MSG_ALREADY_PLACED})
    _check_position(pathway, position)
    pathway.position = position
    pathway.host_id = position.host_id
    pathway.status = PathwayStatus.MATCHING
    pathway.full_clean()
    pathway.save()
    pathway.save_revision(user=user, log_action=True)
    _history(pathway, "casework.place", user, position=position.pk, host=position.host_id)
    return pathway
