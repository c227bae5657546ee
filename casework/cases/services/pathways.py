"""Writes of pathways: intake, definition, activation, conclusion, interruption, admin edits
(``update_pathway``), the checklist and the follow-ups. One transaction each, Italian
``ValidationError`` when a rule forbids; the state changes are guarded by ``PATHWAY_TRANSITIONS``
and ``REFERRAL_TRANSITIONS`` (``casework.cases.transitions``), the tables the buttons read."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casework.cases import deadlines as _deadlines
from casework.cases.choices import Activity, PathwayStatus, ReferralStatus
from casework.cases.models import FollowUp, Pathway, PathwayActivity, Referral
from casework.cases.rules import activities_for
from casework.cases.signatures import selectors as signatures
from casework.cases.traineeship.checks import check_host_capacity, check_planned_end
from casework.cases.transitions import PATHWAY_TRANSITIONS, REFERRAL_TRANSITIONS, allows
from network.choices import PathwayType

from .referrals import MSG_NOT_RECEIVED, _history, _not_future, _required_text

MSG_INTAKE_BEFORE_REFERRAL = _("La presa in carico non può precedere la data della segnalazione.")


MSG_PATHWAY_TYPE_REQUIRED = _("Indicare la tipologia di percorso.")


MSG_PERSONALISED_NEEDS_ACTIVITIES = _(
    "Per un progetto personalizzato scegliere almeno un'attività."
)


MSG_INTERVIEW_BEFORE_INTAKE = _("Il colloquio non può precedere la presa in carico.")


MSG_PATHWAY_NOT_BEING_DEFINED = _("Il percorso non è più in fase di definizione.")


MSG_POSITION_WRONG_TYPE = _("La posizione scelta non è adatta a questa tipologia di percorso.")


MSG_POSITION_NOT_OPEN = _("La posizione scelta non è aperta.")


MSG_POSITION_FULL = _("La posizione non ha più posti liberi.")


MSG_POSITION_RESERVED = _("La posizione è riservata ai residenti di %(comune)s.")


MSG_HOST_NOT_APPROVED = _("L'ente ospitante non è approvato.")


MSG_POSITION_HOURS_ABOVE_AVAILABILITY = _(
    "La posizione richiede %(hours)s ore settimanali, più della disponibilità della persona "
    "(%(available)s ore)."
)


MSG_ACTIVATION_BEFORE_INTAKE = _("L'attivazione non può precedere la presa in carico.")


MSG_ACTIVATION_NEEDS_POSITION = _("Per attivare il percorso indicare la posizione presso l'ente.")


MSG_NOT_ACTIVE = _("Il percorso non è attivo.")


MSG_OUTCOME_REQUIRED = _("Per concludere il percorso indicare l'esito.")


MSG_END_BEFORE_START = _("La data di conclusione non può precedere l'attivazione.")


MSG_ALREADY_ENDED = _("Il percorso è già concluso o interrotto.")


MSG_FOLLOW_UP_BEFORE_END = _("Il monitoraggio segue la conclusione del percorso.")


MSG_FOLLOW_UP_NOT_ENDED = _("Il monitoraggio successivo riguarda percorsi conclusi o interrotti.")


MSG_ACTIVITY_NOT_IN_PLAN = _("L'attività non è prevista per questa tipologia di percorso.")


MSG_ACTIVITY_BEFORE_INTAKE = _("L'attività non può precedere la presa in carico.")


def _build_checklist(pathway, chosen=()):
    wanted = activities_for(pathway.pathway_type, chosen)
    existing = set(pathway.activities.values_list("activity", flat=True))
    # Items already done stay (they happened); undone items not in the new plan go.
    pathway.activities.exclude(activity__in=wanted).filter(done_on__isnull=True).delete()
    PathwayActivity.objects.bulk_create(
        PathwayActivity(pathway=pathway, activity=code) for code in wanted if code not in existing
    )


@transaction.atomic
def take_in_charge(referral, *, on, user, pathway_type=None, chosen_activities=()):
    """Intake ("presa in carico"): creates and returns the pathway with its activity checklist;
    the desk activity is recorded as done on the intake day."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if not allows(REFERRAL_TRANSITIONS, "take", referral.status):
        raise ValidationError(MSG_NOT_RECEIVED)
    _not_future(on, "on")
    if on < referral.referred_on:
        raise ValidationError({"on": MSG_INTAKE_BEFORE_REFERRAL})
    pathway_type = pathway_type or referral.proposed_pathway_type
    if not pathway_type:
        raise ValidationError({"pathway_type": MSG_PATHWAY_TYPE_REQUIRED})
    if pathway_type == PathwayType.PERSONALIZZATO and not chosen_activities:
        raise ValidationError({"chosen_activities": MSG_PERSONALISED_NEEDS_ACTIVITIES})
    pathway = Pathway(
        referral=referral,
        comune_id=referral.comune_id,
        pathway_type=pathway_type,
        intake_on=on,
        activation_due_on=_deadlines.activation_due(on),
        status=PathwayStatus.INTAKE,
        operator=user if user is not None and user.is_authenticated else None,
    )
    pathway.full_clean()
    pathway.save()
    _build_checklist(pathway, chosen_activities)
    pathway.activities.filter(activity="desk").update(done_on=on, done_by=pathway.operator)
    referral.status = ReferralStatus.TAKEN_IN_CHARGE
    referral.full_clean()
    referral.save(update_fields=["status", "updated_at"])
    referral.save_revision(user=user, log_action=True)
    pathway.save_revision(user=user, log_action=True)
    _history(referral, "casework.take_in_charge", user, on=on.isoformat())
    return pathway


@transaction.atomic
def define_pathway(
    pathway,
    *,
    user,
    pathway_type=None,
    chosen_activities=None,
    first_interview_on=None,
    assessment=None,
    cv_summary=None,
    position=None,
    planned_end_on=None,
    hours_per_week=None,
    planned_tutoring_hours=None,
):
    """The agreed project: type, interview, assessment, CV, host position and hours. Moves the
    pathway to "ricerca postazione" (matching)."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not allows(PATHWAY_TRANSITIONS, "define", pathway.status):
        raise ValidationError(MSG_PATHWAY_NOT_BEING_DEFINED)
    if pathway_type:
        pathway.pathway_type = pathway_type
    if (
        pathway.pathway_type == PathwayType.PERSONALIZZATO
        and chosen_activities is not None
        and not chosen_activities
    ):
        raise ValidationError({"chosen_activities": MSG_PERSONALISED_NEEDS_ACTIVITIES})
    if first_interview_on is not None:
        _not_future(first_interview_on, "first_interview_on")
        if first_interview_on < pathway.intake_on:
            raise ValidationError({"first_interview_on": MSG_INTERVIEW_BEFORE_INTAKE})
        pathway.first_interview_on = first_interview_on
    for name, value in (
        ("assessment", assessment),
        ("cv_summary", cv_summary),
        ("planned_end_on", planned_end_on),
        ("hours_per_week", hours_per_week),
        ("planned_tutoring_hours", planned_tutoring_hours),
    ):
        if value is not None:
            setattr(pathway, name, value)
    if position is not None:
        _check_position(pathway, position)
        pathway.position = position
        pathway.host_id = position.host_id
    if planned_end_on is not None or pathway_type:
        check_planned_end(pathway, pathway.planned_end_on)
    pathway.status = PathwayStatus.MATCHING
    pathway.full_clean()
    pathway.save()
    if pathway_type or chosen_activities is not None:
        if pathway.pathway_type == PathwayType.PERSONALIZZATO:
            chosen = chosen_activities
            if chosen is None:
                chosen = list(pathway.activities.values_list("activity", flat=True))
        else:
            chosen = ()
        _build_checklist(pathway, chosen)
    if first_interview_on is not None:
        pathway.activities.filter(activity="first_interview", done_on__isnull=True).update(
            done_on=first_interview_on, done_by=user if user and user.is_authenticated else None
        )
    pathway.save_revision(user=user, log_action=True)
    return pathway


def _check_position(pathway, position):
    """Every way a position is set (define, activate, place) takes a seat, so each one re-checks
    the position under a row lock: open, suited to the type, host approved, reserved Comune,
    free seats. Keeping the position the pathway already holds takes nothing new."""
    from network.choices import OrganisationStatus, PositionStatus
    from network.models import Position
    from network.selectors import seats_in_use

    if (
        pathway.pathway_type != PathwayType.PERSONALIZZATO
        and not position.pathway_types.filter(pk=pathway.pathway_type).exists()
    ):
        raise ValidationError({"position": MSG_POSITION_WRONG_TYPE})
    if position.pk == pathway.position_id:
        return
    # Lock only the position row (PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to the reserved Comune).
    position = (
        Position.objects.select_for_update(of=("self",))
        .select_related("host", "reserved_for_comune")
        .get(pk=position.pk)
    )
    if position.status != PositionStatus.OPEN:
        raise ValidationError({"position": MSG_POSITION_NOT_OPEN})
    if position.host.status != OrganisationStatus.APPROVED:
        raise ValidationError({"position": MSG_HOST_NOT_APPROVED})
    residence_id = pathway.referral.beneficiary.residence_comune_id
    if position.reserved_for_comune_id and position.reserved_for_comune_id != residence_id:
        raise ValidationError(
            {"position": MSG_POSITION_RESERVED % {"comune": position.reserved_for_comune}}
        )
    if seats_in_use(position, exclude_pathway_id=pathway.pk) >= position.seats:
        raise ValidationError({"position": MSG_POSITION_FULL})
    # A tirocinio: the host's limit of concurrent trainees (DGR 7763/2018).
    check_host_capacity(pathway, position.host)
    available = pathway.referral.beneficiary.available_hours_per_week
    if hours_exceed(position.hours_per_week, available):
        raise ValidationError(
            {
                "position": MSG_POSITION_HOURS_ABOVE_AVAILABILITY
                % {"hours": _hours(position.hours_per_week), "available": _hours(available)}
            }
        )


def hours_exceed(position_hours, available_hours):
    """Whether a position's weekly hours are more than the person can work (unknown on either
    side: not known to exceed, the position stays possible)."""
    return (
        position_hours is not None
        and available_hours is not None
        and position_hours > available_hours
    )


def _hours(value):
    from django.utils.formats import number_format

    return number_format(value, decimal_pos=0 if value == value.to_integral() else 1)


def assignable_positions(pathway, *, on=None):
    """The positions a pathway may be given by the rules of ``_check_position``: open, of an
    approved organisation, suited to the pathway type, not reserved for another Comune, with a
    free seat, still available on ``on``, and with weekly hours within the person's availability
    (when known). Annotated with ``free_seats``. The position the pathway already holds is the
    caller's to add (it takes no new seat)."""
    from django.db.models import Q

    from network.choices import OrganisationStatus, PositionStatus
    from network.models import Position
    from network.selectors import with_free_seats

    on = on or _deadlines.today()
    person = pathway.referral.beneficiary
    positions = Position.objects.filter(
        status=PositionStatus.OPEN, host__status=OrganisationStatus.APPROVED
    ).filter(
        Q(reserved_for_comune__isnull=True) | Q(reserved_for_comune_id=person.residence_comune_id)
    )
    positions = positions.filter(Q(available_to__isnull=True) | Q(available_to__gte=on))
    if pathway.pathway_type != PathwayType.PERSONALIZZATO:
        positions = positions.filter(
            pk__in=Position.objects.filter(pathway_types=pathway.pathway_type).values("pk")
        )
    if person.available_hours_per_week is not None:
        positions = positions.filter(
            Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=person.available_hours_per_week)
        )
    return with_free_seats(positions).filter(free_seats__gt=0)


@transaction.atomic
def activate_pathway(pathway, *, on, user, position=None):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not allows(PATHWAY_TRANSITIONS, "activate", pathway.status):
        raise ValidationError(MSG_PATHWAY_NOT_BEING_DEFINED)
    _not_future(on, "on")
    if on < pathway.intake_on:
        raise ValidationError({"on": MSG_ACTIVATION_BEFORE_INTAKE})
    if position is not None:
        _check_position(pathway, position)
        pathway.position = position
        pathway.host_id = position.host_id
    if pathway.position_id is None and pathway.pathway_type != PathwayType.PERSONALIZZATO:
        raise ValidationError({"position": MSG_ACTIVATION_NEEDS_POSITION})
    # A tirocinio: the host's trainees limit and the maximum duration, from the actual start.
    check_host_capacity(pathway, pathway.host, on=on)
    check_planned_end(pathway, pathway.planned_end_on, start=on)
    # Agreement and individual project (and the training project of a tirocinio) signed by
    # every party, the host's for the host it starts at (``casework.cases.signatures.rules``).
    if missing := signatures.missing_message(pathway):
        raise ValidationError(missing)
    pathway.activated_on = on
    pathway.status = PathwayStatus.ACTIVE
    pathway.full_clean()
    pathway.save()
    pathway.activities.filter(activity="match", done_on__isnull=True).update(
        done_on=on, done_by=user if user and user.is_authenticated else None
    )
    pathway.save_revision(user=user, log_action=True)
    _history(pathway, "casework.activate", user, on=on.isoformat())
    return pathway


def _close(pathway, *, on, status, outcome, note, user):
    pathway.status = status
    pathway.ended_on = on
    pathway.outcome = outcome
    pathway.outcome_note = note
    pathway.full_clean()
    pathway.save()
    referral = Referral.objects.select_for_update().get(pk=pathway.referral_id)
    referral.status = ReferralStatus.CLOSED
    referral.save(update_fields=["status", "updated_at"])
    pathway.save_revision(user=user, log_action=True)
    referral.save_revision(user=user, log_action=True)


@transaction.atomic
def complete_pathway(pathway, *, on, outcome, user, note=""):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not allows(PATHWAY_TRANSITIONS, "complete", pathway.status):
        raise ValidationError(MSG_NOT_ACTIVE)
    if not outcome:
        raise ValidationError({"outcome": MSG_OUTCOME_REQUIRED})
    _not_future(on, "on")
    if on < pathway.activated_on:
        raise ValidationError({"on": MSG_END_BEFORE_START})
    _close(pathway, on=on, status=PathwayStatus.COMPLETED, outcome=outcome, note=note, user=user)
    _history(pathway, "casework.complete", user, on=on.isoformat(), outcome=outcome)
    return pathway


@transaction.atomic
def interrupt_pathway(pathway, *, on, reason, user, outcome="dropped_out"):
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    if not allows(PATHWAY_TRANSITIONS, "interrupt", pathway.status):
        raise ValidationError(MSG_ALREADY_ENDED)
    reason = _required_text(reason, "reason")
    _not_future(on, "on")
    start = pathway.activated_on or pathway.intake_on
    if on < start:
        raise ValidationError({"on": MSG_END_BEFORE_START})
    _close(
        pathway, on=on, status=PathwayStatus.INTERRUPTED, outcome=outcome, note=reason, user=user
    )
    _history(pathway, "casework.interrupt", user, on=on.isoformat())
    return pathway


@transaction.atomic
def record_activity(activity, *, on, user, note=""):
    """Ticks an item of the pathway's checklist with its date and who did it."""
    activity = PathwayActivity.objects.select_related("pathway").get(pk=activity.pk)
    if activity.activity == Activity.PAPERWORK:
        raise ValidationError(signatures.MSG_PAPERWORK_BY_SIGNATURES)
    _not_future(on, "on")
    if on < activity.pathway.intake_on:
        raise ValidationError({"on": MSG_ACTIVITY_BEFORE_INTAKE})
    activity.done_on = on
    activity.done_by = user if user and user.is_authenticated else None
    activity.note = note
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def add_activity(pathway, *, activity, user):
    """A personalised project chooses its activities case by case."""
    if pathway.pathway_type != PathwayType.PERSONALIZZATO:
        raise ValidationError({"activity": MSG_ACTIVITY_NOT_IN_PLAN})
    item, _created = PathwayActivity.objects.get_or_create(pathway=pathway, activity=activity)
    return item


@transaction.atomic
def record_follow_up(pathway, *, on, situation, user, note=""):
    pathway = Pathway.objects.get(pk=pathway.pk)
    if not allows(PATHWAY_TRANSITIONS, "follow_up", pathway.status):
        raise ValidationError(MSG_FOLLOW_UP_NOT_ENDED)
    _not_future(on, "on")
    if pathway.ended_on and on < pathway.ended_on:
        raise ValidationError({"on": MSG_FOLLOW_UP_BEFORE_END})
    follow_up = FollowUp(
        pathway=pathway,
        on=on,
        situation=situation,
        note=note,
        recorded_by=user if user and user.is_authenticated else None,
    )
    follow_up.full_clean()
    follow_up.save()
    return follow_up


# What an admin edit of a pathway may change (the edit form's fields); status, dates of the
# state changes, position and deadlines are set by the services only.
PATHWAY_EDITABLE_FIELDS = (
    "intake_on",
    "first_interview_on",
    "assessment",
    "cv_summary",
    "objectives",
    "planned_end_on",
    "hours_per_week",
    "planned_tutoring_hours",
    "outcome_note",
)


@transaction.atomic
def update_pathway(pathway, *, user, **changes):
    """An admin edit of a pathway's data (``PATHWAY_EDITABLE_FIELDS``), under the date rules of
    ``take_in_charge``, ``define_pathway`` and ``activate_pathway``; the activation deadline and
    the desk activity (done on the intake day) follow a new intake day."""
    unknown = set(changes) - set(PATHWAY_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_pathway: not editable: {sorted(unknown)}")
    pathway = Pathway.objects.select_for_update().select_related("referral").get(pk=pathway.pk)
    old_intake_on = pathway.intake_on
    changed = sorted(name for name, value in changes.items() if getattr(pathway, name) != value)
    for name, value in changes.items():
        setattr(pathway, name, value)
    intake_on = pathway.intake_on
    _not_future(intake_on, "intake_on")
    if intake_on < pathway.referral.referred_on:
        raise ValidationError({"intake_on": MSG_INTAKE_BEFORE_REFERRAL})
    if pathway.activated_on and pathway.activated_on < intake_on:
        raise ValidationError({"intake_on": MSG_ACTIVATION_BEFORE_INTAKE})
    if pathway.first_interview_on is not None:
        _not_future(pathway.first_interview_on, "first_interview_on")
        if pathway.first_interview_on < intake_on:
            raise ValidationError({"first_interview_on": MSG_INTERVIEW_BEFORE_INTAKE})
    if "planned_end_on" in changed or ("intake_on" in changed and not pathway.activated_on):
        check_planned_end(pathway, pathway.planned_end_on)
    pathway.activation_due_on = _deadlines.activation_due(intake_on)
    pathway.full_clean()
    pathway.save()
    if intake_on != old_intake_on:
        pathway.activities.filter(activity="desk", done_on=old_intake_on).update(done_on=intake_on)
    if changed:
        _history(pathway, "casework.edit", user, fields=changed)
    return pathway
