"""One write path per rule in the cases area: admin edits of referrals and pathways go through
``update_referral`` / ``update_pathway`` (edit and revert), ``refer_person`` is all-or-nothing,
and the action buttons agree with the services' guards (one transition table)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import resolve, reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from casework.cases import transitions
from casework.cases.choices import PathwayStatus, ReferralStatus
from casework.cases.models import Beneficiary, Pathway, Referral
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.cases.views import (
    PATHWAY_BUTTONS,
    REFERRAL_BUTTONS,
    pathway_actions,
    referral_actions,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


def _edit_url(model, pk):
    return reverse(f"wagtailsnippets_casework_{model}:edit", args=[pk])


def _referral_data(referral, **extra):
    return {
        "protocol": referral.protocol,
        "referred_on": referral.referred_on.isoformat(),
        "social_worker_name": referral.social_worker_name,
        "proposed_pathway_type": referral.proposed_pathway_type,
        "reason": referral.reason,
        "group_name": referral.group_name,
        "intake_deadline_days": referral.intake_deadline_days,
        "deadline_reason": referral.deadline_reason,
        **extra,
    }


def _pathway_data(pathway, **extra):
    return {
        "intake_on": pathway.intake_on.isoformat(),
        "first_interview_on": "",
        "assessment": pathway.assessment,
        "cv_summary": pathway.cv_summary,
        "planned_end_on": "",
        "hours_per_week": "",
        "planned_tutoring_hours": pathway.planned_tutoring_hours,
        "outcome_note": pathway.outcome_note,
        **extra,
    }


def _edit_log(instance):
    return ModelLogEntry.objects.for_instance(instance).filter(action="casework.edit")


# --- Admin edits of a referral --------------------------------------------------------------


def test_editing_referred_on_moves_the_intake_deadline(client, social_worker_a, comune_a):
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    client.force_login(social_worker_a)

    response = client.post(
        _edit_url("referral", referral.pk), _referral_data(referral, referred_on="2016-09-05")
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.referred_on == D(2016, 9, 5)
    assert referral.intake_due_on == D(2016, 9, 20)
    # The service's history entry and Wagtail's own revision and edit entry, as before.
    assert _edit_log(referral).get().data == {"fields": ["referred_on"]}
    assert referral.revisions.count() == 1
    assert ModelLogEntry.objects.for_instance(referral).filter(action="wagtail.edit").exists()


def test_a_longer_deadline_for_a_group_moves_the_deadline(client, social_worker_a, comune_a):
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    client.force_login(social_worker_a)
    data = _referral_data(
        referral, group_name="Gruppo A", intake_deadline_days=30, deadline_reason="Molti casi"
    )

    assert client.post(_edit_url("referral", referral.pk), data).status_code == 302

    referral.refresh_from_db()
    assert referral.intake_due_on == D(2016, 10, 1)


def test_an_edit_the_rules_forbid_is_refused_and_nothing_is_saved(
    client, social_worker_a, comune_a
):
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a, referred_on=D(2016, 9, 1))
    client.force_login(social_worker_a)
    data = _referral_data(referral, protocol="NUOVO", intake_deadline_days=30)

    response = client.post(_edit_url("referral", referral.pk), data)

    assert response.status_code == 200
    assert escape(str(cases_referrals.MSG_LONGER_DEADLINE_NEEDS_GROUP)) in response.content.decode()
    referral.refresh_from_db()
    assert (referral.protocol, referral.intake_deadline_days) != ("NUOVO", 30)
    assert referral.intake_due_on == D(2016, 9, 16)
    assert not referral.revisions.exists()
    assert not _edit_log(referral).exists()


def test_a_referral_cannot_be_moved_after_its_intake(client, social_worker_a, comune_a):
    pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=comune_a, referral__referred_on=D(2016, 9, 1)
    )
    referral = pathway.referral
    client.force_login(social_worker_a)

    response = client.post(
        _edit_url("referral", referral.pk), _referral_data(referral, referred_on="2016-09-20")
    )

    assert response.status_code == 200
    assert escape(str(cases_referrals.MSG_REFERRAL_AFTER_INTAKE)) in response.content.decode()
    referral.refresh_from_db()
    assert referral.referred_on == D(2016, 9, 1)


def test_a_reopened_referral_keeps_the_count_from_its_reopening(programme_manager, comune_a):
    referral = f.ReferralFactory(
        beneficiary__residence_comune=comune_a,
        referred_on=D(2016, 9, 1),
        status=ReferralStatus.WITHDRAWN,
    )
    referral = cases_referrals.reopen_referral(
        referral, on=D(2016, 11, 1), reason="Ripresa", user=programme_manager
    )
    assert referral.intake_due_on == D(2016, 11, 16)

    referral = cases_referrals.update_referral(
        referral, user=programme_manager, referred_on=D(2016, 9, 3)
    )

    assert referral.intake_due_on == D(2016, 11, 16)


def test_revert_goes_through_the_service(client, social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    referral = cases_referrals.create_referral(
        person, comune=comune_a, protocol="P-1", referred_on=D(2016, 9, 1), user=social_worker_a
    )
    first = referral.revisions.get()
    cases_referrals.update_referral(referral, user=social_worker_a, referred_on=D(2016, 9, 5))
    referral.refresh_from_db()
    assert referral.intake_due_on == D(2016, 9, 20)
    client.force_login(social_worker_a)
    url = reverse(
        "wagtailsnippets_casework_referral:revisions_revert", args=[referral.pk, first.pk]
    )

    response = client.post(url, _referral_data(referral, referred_on="2016-09-01"))

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.referred_on, referral.intake_due_on) == (D(2016, 9, 1), D(2016, 9, 16))
    assert _edit_log(referral).count() == 2
    assert ModelLogEntry.objects.for_instance(referral).filter(action="wagtail.revert").exists()


# --- Admin edits of a pathway ---------------------------------------------------------------


def test_editing_intake_moves_the_activation_deadline(client, agency_operator, comune_a):
    pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=comune_a, referral__referred_on=D(2016, 9, 1)
    )
    desk = pathway.activities.create(activity="desk", done_on=pathway.intake_on)
    client.force_login(agency_operator)

    response = client.post(
        _edit_url("pathway", pathway.pk), _pathway_data(pathway, intake_on="2016-09-10")
    )

    assert response.status_code == 302
    pathway.refresh_from_db()
    desk.refresh_from_db()
    assert pathway.activation_due_on == D(2016, 9, 25)
    assert desk.done_on == D(2016, 9, 10)
    assert _edit_log(pathway).exists()


def test_intake_before_the_referral_is_refused(client, agency_operator, comune_a):
    pathway = f.PathwayFactory(
        referral__beneficiary__residence_comune=comune_a, referral__referred_on=D(2016, 9, 1)
    )
    before = (pathway.intake_on, pathway.activation_due_on)
    client.force_login(agency_operator)

    response = client.post(
        _edit_url("pathway", pathway.pk),
        _pathway_data(pathway, intake_on="2016-08-20", assessment="Nuova valutazione"),
    )

    assert response.status_code == 200
    assert escape(str(cases_pathways.MSG_INTAKE_BEFORE_REFERRAL)) in response.content.decode()
    pathway.refresh_from_db()
    assert (pathway.intake_on, pathway.activation_due_on) == before
    assert pathway.assessment == ""


def test_update_services_refuse_fields_they_do_not_edit(programme_manager):
    pathway = f.PathwayFactory()
    with pytest.raises(TypeError):
        cases_pathways.update_pathway(pathway, user=programme_manager, status="active")
    with pytest.raises(TypeError):
        cases_referrals.update_referral(pathway.referral, user=programme_manager, status="received")


# --- refer_person: one transaction ----------------------------------------------------------


def test_refer_person_registers_nobody_when_the_referral_is_refused(social_worker_a, comune_a):
    code = f.make_tax_code(777)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.refer_person(
            code,
            user=social_worker_a,
            person_fields={
                "first_name": "Anna",
                "last_name": "Bassi",
                "residence_comune": comune_a,
                "target_group": "giovane",
            },
            comune=comune_a,
            protocol="P-9",
            referred_on=D(2016, 9, 1),
            intake_deadline_days=30,
        )
    assert excinfo.value.message_dict == {
        "intake_deadline_days": [str(cases_referrals.MSG_LONGER_DEADLINE_NEEDS_GROUP)]
    }
    assert not Beneficiary.objects.filter(tax_code=code).exists()
    assert not Referral.objects.exists()


def test_new_referral_screen_is_all_or_nothing(client, social_worker_a, comune_a):
    code = f.make_tax_code(778)
    client.force_login(social_worker_a)
    data = {
        "tax_code": code,
        "first_name": "Anna",
        "last_name": "Bassi",
        "residence_comune": comune_a.pk,
        "target_group": "giovane",
        "employment_condition": "disoccupato",
        "comune": comune_a.pk,
        "protocol": "P-10",
        "referred_on": "2016-09-01",
        "intake_deadline_days": 30,
    }
    url = reverse("wagtailsnippets_casework_referral:add")

    response = client.post(url, data)

    assert response.status_code == 200
    assert escape(str(cases_referrals.MSG_LONGER_DEADLINE_NEEDS_GROUP)) in response.content.decode()
    assert not Beneficiary.objects.filter(tax_code=code).exists()

    response = client.post(url, {**data, "intake_deadline_days": 15})
    assert response.status_code == 302
    referral = Referral.objects.get(protocol="P-10")
    assert referral.beneficiary.tax_code == code
    assert referral.intake_due_on == D(2016, 9, 16)


# --- Buttons and guards agree ---------------------------------------------------------------


class _Rollback(Exception):
    pass


def _accepted(call, refusal):
    """True when the service performs the transition (rolled back afterwards); False when it
    refuses it with the message of its state guard. Any other refusal fails the test."""
    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except ValidationError as error:
        assert str(refusal) in error.messages, error.messages
        return False


def _referral_calls(user):
    return {
        "take": (
            lambda r: cases_pathways.take_in_charge(
                r, on=D(2016, 9, 5), user=user, pathway_type="tirocinio"
            ),
            cases_referrals.MSG_NOT_RECEIVED,
        ),
        "decline": (
            lambda r: cases_referrals.decline_referral(r, reason="SIL", user=user),
            cases_referrals.MSG_NOT_RECEIVED,
        ),
        "withdraw": (
            lambda r: cases_referrals.withdraw_referral(r, reason="Ritiro", user=user),
            cases_referrals.MSG_CANNOT_WITHDRAW,
        ),
        "reopen": (
            lambda r: cases_referrals.reopen_referral(
                r, on=D(2016, 9, 10), reason="Ripresa", user=user
            ),
            cases_referrals.MSG_NOT_CLOSED,
        ),
    }


def _pathway_calls(user):
    return {
        "define": (
            lambda p: cases_pathways.define_pathway(p, user=user),
            cases_pathways.MSG_PATHWAY_NOT_BEING_DEFINED,
        ),
        "activate": (
            lambda p: cases_pathways.activate_pathway(p, on=D(2016, 10, 1), user=user),
            cases_pathways.MSG_PATHWAY_NOT_BEING_DEFINED,
        ),
        "complete": (
            lambda p: cases_pathways.complete_pathway(
                p, on=D(2016, 12, 1), outcome="hired", user=user
            ),
            cases_pathways.MSG_NOT_ACTIVE,
        ),
        "interrupt": (
            lambda p: cases_pathways.interrupt_pathway(
                p, on=D(2016, 12, 1), reason="Abbandono", user=user
            ),
            cases_pathways.MSG_ALREADY_ENDED,
        ),
        "follow_up": (
            lambda p: cases_pathways.record_follow_up(
                p, on=D(2017, 1, 10), situation="employed", user=user
            ),
            cases_pathways.MSG_FOLLOW_UP_NOT_ENDED,
        ),
    }


def test_every_transition_has_a_service_call_and_a_button():
    assert (
        set(_referral_calls(None)) == set(transitions.REFERRAL_TRANSITIONS) == set(REFERRAL_BUTTONS)
    )
    assert set(_pathway_calls(None)) == set(transitions.PATHWAY_TRANSITIONS) == set(PATHWAY_BUTTONS)


@pytest.mark.parametrize("status", ReferralStatus.values)
def test_referral_buttons_are_the_transitions_the_services_accept(superuser, status):
    referral = f.ReferralFactory(referred_on=D(2016, 9, 1), status=status)
    shown = {action["transition"] for action in referral_actions(superuser, referral)}
    accepted = {
        name
        for name, (call, refusal) in _referral_calls(superuser).items()
        if _accepted(lambda call=call: call(referral), refusal)
    }
    assert shown == accepted


@pytest.mark.parametrize("status", PathwayStatus.values)
def test_pathway_buttons_are_the_transitions_the_services_accept(superuser, status):
    ended = status in (PathwayStatus.COMPLETED, PathwayStatus.INTERRUPTED)
    started = status == PathwayStatus.ACTIVE or ended
    pathway = f.PathwayFactory(
        pathway_type="personalizzato",  # activates without a host position
        referral__referred_on=D(2016, 9, 1),
        status=status,
        activated_on=D(2016, 9, 20) if started else None,
        ended_on=D(2016, 12, 1) if ended else None,
    )
    if not started:
        f.sign_papers(pathway, superuser)
    shown = {action["transition"] for action in pathway_actions(superuser, pathway)}
    accepted = {
        name
        for name, (call, refusal) in _pathway_calls(superuser).items()
        if _accepted(lambda call=call: call(Pathway.objects.get(pk=pathway.pk)), refusal)
    }
    assert shown == accepted


@pytest.mark.parametrize(
    ("table", "buttons"),
    [
        (transitions.REFERRAL_TRANSITIONS, REFERRAL_BUTTONS),
        (transitions.PATHWAY_TRANSITIONS, PATHWAY_BUTTONS),
    ],
)
def test_each_button_opens_the_screen_of_its_transition(table, buttons):
    """The action screen checks the same permission the button is shown for."""
    for name, (_label, url_name) in buttons.items():
        view_class = resolve(reverse(url_name, args=[1])).func.view_class
        assert (view_class.transitions, view_class.transition) == (table, name)


def test_buttons_follow_the_table_permission(social_worker_a, comune_a):
    """A social worker may withdraw a referral but not take it in charge or decline it."""
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a)
    shown = {action["transition"] for action in referral_actions(social_worker_a, referral)}
    assert shown == {"withdraw"}
