"""Findings 1 and 9 of the adversarial probe: a referral comes from the person's residence Comune
(and a change of residence is the programme manager's audited act); a voucher's decision is the
programme manager's, on the edit form, on a forged POST and on "revert to this revision"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from casework.cases.choices import ReferralStatus
from casework.cases.services import referrals as cases_referrals
from casework.models import AuditEvent, Beneficiary, Referral, Voucher
from casework.money import forms as forms_money
from casework.money import services as money_services
from casework.money.choices import VoucherStatus
from tests import factories as f
from tests.factories import active_pathway, budget, seed_edition

pytestmark = pytest.mark.django_db

D = datetime.date
NEW_REFERRAL = "wagtailsnippets_casework_referral:add"


def _html(response):
    return response.content.decode()


def _refused(response):
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard."""
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] == reverse("wagtailadmin_home")
    return True


def _other_residence():
    return escape(str(cases_referrals.MSG_OTHER_RESIDENCE))


@pytest.fixture
def sarezzo_resident(comune_b):
    """A Sarezzo resident whose only referral is closed: nothing open keeps them anywhere."""
    person = f.BeneficiaryFactory(
        residence_comune=comune_b, first_name="Ermenegilda", last_name="Pasquarelli"
    )
    f.ReferralFactory(beneficiary=person, comune=comune_b, status=ReferralStatus.CLOSED)
    return person


def _new_referral_data(comune, **extra):
    return {
        "comune": comune.pk,
        "protocol": "2016/99",
        "referred_on": "2016-09-01",
        "intake_deadline_days": 15,
        "employment_condition": "disoccupato",
        **extra,
    }


# --- Finding 1: another Comune's resident pulled into scope --------------------------------------


def test_finding_1_social_worker_cannot_refer_another_comunes_resident(
    client, social_worker_a, comune_a, sarezzo_resident
):
    client.force_login(social_worker_a)
    response = client.post(
        reverse(NEW_REFERRAL), _new_referral_data(comune_a, tax_code=sarezzo_resident.tax_code)
    )
    assert response.status_code == 200
    body = _html(response)
    assert _other_residence() in body
    for secret in ("Ermenegilda", "Pasquarelli", "Sarezzo", "01/01/1980"):
        assert secret not in body
    assert not Referral.objects.filter(comune=comune_a).exists()
    sarezzo_resident.refresh_from_db()
    assert sarezzo_resident.residence_comune.name == "Sarezzo"


def test_finding_1_lookup_says_resident_elsewhere_without_showing_them(
    client, social_worker_a, sarezzo_resident
):
    client.force_login(social_worker_a)
    body = _html(client.get(reverse(NEW_REFERRAL) + f"?tax_code={sarezzo_resident.tax_code}"))
    assert _other_residence() in body
    assert "Persona già registrata" not in body
    assert "Ermenegilda" not in body and "Pasquarelli" not in body
    assert "compilare anche i dati della persona" not in body


def test_finding_1_the_service_refuses_a_referral_from_another_comune(
    agency_operator, programme_manager, comune_a, sarezzo_resident
):
    for user in (agency_operator, programme_manager):
        with pytest.raises(ValidationError) as excinfo:
            cases_referrals.create_referral(
                sarezzo_resident,
                comune=comune_a,
                protocol="P-1",
                referred_on=D(2016, 9, 1),
                user=user,
            )
        assert excinfo.value.message_dict == {"comune": [cases_referrals.MSG_OTHER_RESIDENCE]}
    assert not Referral.objects.filter(comune=comune_a).exists()


def test_finding_1_new_person_of_another_comune_saves_nothing(
    client, agency_operator, comune_a, comune_b
):
    client.force_login(agency_operator)
    response = client.post(
        reverse(NEW_REFERRAL),
        _new_referral_data(
            comune_a,
            tax_code=f.make_tax_code(321),
            first_name="Nuova",
            last_name="Persona",
            residence_comune=comune_b.pk,
            target_group="giovane",
        ),
    )
    assert response.status_code == 200
    assert _other_residence() in _html(response)
    assert not Beneficiary.objects.exists() and not Referral.objects.exists()


def test_finding_1_own_resident_is_still_referred(client, social_worker_a, comune_a):
    person = f.BeneficiaryFactory(residence_comune=comune_a)
    client.force_login(social_worker_a)
    response = client.post(
        reverse(NEW_REFERRAL), _new_referral_data(comune_a, tax_code=person.tax_code)
    )
    assert response.status_code == 302
    assert Referral.objects.get().beneficiary == person


def test_finding_1_change_of_residence_is_the_managers_audited_act(
    agency_operator, programme_manager, social_worker_b, comune_a, comune_b, sarezzo_resident
):
    person = sarezzo_resident
    for user in (agency_operator, social_worker_b):
        with pytest.raises(ValidationError) as excinfo:
            cases_referrals.change_residence(
                person, comune=comune_a, user=user, reason="Trasferita"
            )
        assert excinfo.value.messages == [str(cases_referrals.MSG_RESIDENCE_MANAGER_ONLY)]
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.change_residence(
            person, comune=comune_a, user=programme_manager, reason=" "
        )
    assert cases_referrals.MSG_REASON_REQUIRED in excinfo.value.messages
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.change_residence(
            person, comune=comune_b, user=programme_manager, reason="Trasferita"
        )
    assert cases_referrals.MSG_SAME_RESIDENCE in excinfo.value.messages
    person.refresh_from_db()
    assert person.residence_comune == comune_b

    cases_referrals.change_residence(
        person, comune=comune_a, user=programme_manager, reason="Trasferita a Lumezzane"
    )
    person.refresh_from_db()
    assert person.residence_comune == comune_a
    event = AuditEvent.objects.get(action=AuditEvent.Action.CHANGE, beneficiary_id=person.pk)
    assert event.user == programme_manager and event.comune_id == comune_b.pk
    assert f"{comune_b.pk} -> Comune {comune_a.pk}" in event.detail
    entry = ModelLogEntry.objects.get(action="casework.change_residence", object_id=str(person.pk))
    assert entry.user == programme_manager
    assert entry.data["reason"] == "Trasferita a Lumezzane"
    # Now Lumezzane refers the person, and Sarezzo no longer can.
    referral = cases_referrals.create_referral(
        person, comune=comune_a, protocol="L-1", referred_on=D(2016, 9, 1), user=agency_operator
    )
    assert referral.comune == comune_a


def test_finding_1_residence_does_not_change_while_a_referral_is_open(
    programme_manager, comune_a, comune_b
):
    person = f.BeneficiaryFactory(residence_comune=comune_b)
    f.ReferralFactory(beneficiary=person, comune=comune_b, status=ReferralStatus.TAKEN_IN_CHARGE)
    with pytest.raises(ValidationError) as excinfo:
        cases_referrals.change_residence(
            person, comune=comune_a, user=programme_manager, reason="Trasferita"
        )
    assert excinfo.value.messages == [
        str(cases_referrals.MSG_RESIDENCE_OPEN_REFERRAL % {"comune": comune_b})
    ]
    person.refresh_from_db()
    assert person.residence_comune == comune_b


def _person_form_data(person, **extra):
    return {
        "tax_code": person.tax_code,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "residence_comune": person.residence_comune_id,
        "address": "",
        "phone": "",
        "email": "",
        "employment_condition": person.employment_condition,
        "target_group": person.target_group,
        "privacy_notice_on": "",
        **extra,
    }


def test_finding_1_person_edit_form_does_not_move_the_residence(
    client, agency_operator, comune_a, comune_b
):
    person = f.BeneficiaryFactory(residence_comune=comune_b)
    client.force_login(agency_operator)
    url = reverse("wagtailsnippets_casework_beneficiary:edit", args=[person.pk])
    response = client.post(
        url, _person_form_data(person, residence_comune=comune_a.pk, phone="030 123")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == "030 123" and person.residence_comune == comune_b


def test_finding_1_revert_does_not_undo_a_change_of_residence(
    client, agency_operator, programme_manager, comune_a, comune_b
):
    person = cases_referrals.register_beneficiary(
        tax_code=f.make_tax_code(555),
        user=programme_manager,
        first_name="Anna",
        last_name="Bassi",
        residence_comune=comune_b,
        target_group="giovane",
    )
    first = person.revisions.get()
    cases_referrals.change_residence(
        person, comune=comune_a, user=programme_manager, reason="Trasloco"
    )
    person.refresh_from_db()
    client.force_login(agency_operator)
    url = reverse(
        "wagtailsnippets_casework_beneficiary:revisions_revert", args=[person.pk, first.pk]
    )
    response = client.post(url, _person_form_data(person, residence_comune=comune_b.pk))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.residence_comune == comune_a


def test_finding_1_change_residence_screen_for_the_manager_only(
    client, programme_manager, agency_operator, social_worker_b, comune_a, sarezzo_resident
):
    url = reverse(
        "wagtailsnippets_casework_beneficiary:change_residence", args=[sarezzo_resident.pk]
    )
    for user in (agency_operator, social_worker_b):
        client.force_login(user)
        assert _refused(client.get(url))
        assert _refused(client.post(url, {"comune": comune_a.pk, "reason": "x"}))
        sarezzo_resident.refresh_from_db()
        assert sarezzo_resident.residence_comune.name == "Sarezzo"
    client.force_login(programme_manager)
    inspect = reverse("wagtailsnippets_casework_beneficiary:inspect", args=[sarezzo_resident.pk])
    assert url in _html(client.get(inspect))
    assert client.get(url).status_code == 200
    response = client.post(url, {"comune": comune_a.pk, "reason": "Trasferita"})
    assert response.status_code == 302
    sarezzo_resident.refresh_from_db()
    assert sarezzo_resident.residence_comune == comune_a


# --- Finding 9: the agency could edit a voucher's decision note ----------------------------------


@pytest.fixture
def approved_voucher(comune_a, programme_manager):
    edition = seed_edition()
    budget(comune_a, edition, "5000.00")
    voucher = money_services.create_voucher(
        active_pathway(comune_a), kind="traineeship_activation", user=programme_manager
    )
    return money_services.approve_voucher(voucher, user=programme_manager, note="Deciso in équipe")


def _edit_url(voucher):
    return reverse("wagtailsnippets_casework_voucher:edit", args=[voucher.pk])


def test_finding_9_agency_cannot_edit_the_decision_note(client, agency_operator, approved_voucher):
    client.force_login(agency_operator)
    assert _refused(client.get(_edit_url(approved_voucher)))
    forged = client.post(_edit_url(approved_voucher), {"decision_note": "Approvato dall'agenzia"})
    assert _refused(forged)
    approved_voucher.refresh_from_db()
    assert approved_voucher.decision_note == "Deciso in équipe"
    # The list and the voucher's page lead to the page, not to an edit form.
    listing = _html(client.get(reverse("wagtailsnippets_casework_voucher:list")))
    assert _edit_url(approved_voucher) not in listing
    inspect = reverse("wagtailsnippets_casework_voucher:inspect", args=[approved_voucher.pk])
    assert _edit_url(approved_voucher) not in _html(client.get(inspect))


def test_finding_9_the_form_has_no_decision_note_for_the_agency(
    agency_operator, programme_manager, approved_voucher
):
    form_class = Voucher.snippet_viewset.get_edit_handler().get_form_class()
    assert issubclass(form_class, forms_money.VoucherAdminForm)
    agency_form = form_class(
        {"decision_note": "forzata"}, instance=approved_voucher, for_user=agency_operator
    )
    assert forms_money.DECISION_NOTE_FIELD not in agency_form.fields
    manager_form = form_class(instance=approved_voucher, for_user=programme_manager)
    assert forms_money.DECISION_NOTE_FIELD in manager_form.fields


def test_finding_9_agency_cannot_revert_a_voucher(client, agency_operator, approved_voucher):
    proposed = approved_voucher.revisions.order_by("created_at", "pk").first()
    url = reverse(
        "wagtailsnippets_casework_voucher:revisions_revert",
        args=[approved_voucher.pk, proposed.pk],
    )
    client.force_login(agency_operator)
    assert _refused(client.post(url, {"decision_note": ""}))
    approved_voucher.refresh_from_db()
    assert approved_voucher.status == VoucherStatus.APPROVED


def test_finding_9_manager_edits_the_note_and_a_revert_keeps_the_decision(
    client, programme_manager, approved_voucher
):
    voucher = approved_voucher
    decided_at, decided_by = voucher.decided_at, voucher.decided_by_id
    client.force_login(programme_manager)
    response = client.post(_edit_url(voucher), {"decision_note": "Nota corretta"})
    assert response.status_code == 302
    voucher.refresh_from_db()
    assert (voucher.decision_note, voucher.status) == ("Nota corretta", VoucherStatus.APPROVED)
    # Reverting to the proposed revision restores the note only, never the status.
    proposed = voucher.revisions.order_by("created_at", "pk").first()
    url = reverse(
        "wagtailsnippets_casework_voucher:revisions_revert", args=[voucher.pk, proposed.pk]
    )
    assert client.post(url, {"decision_note": ""}).status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.APPROVED
    assert (voucher.decided_at, voucher.decided_by_id) == (decided_at, decided_by)


def test_finding_9_revert_never_restores_a_status_set_by_a_service(
    client, agency_operator, comune_a
):
    referral = f.ReferralFactory(beneficiary__residence_comune=comune_a, status="received")
    referral.save_revision(user=agency_operator)
    first = referral.revisions.get()
    cases_referrals.decline_referral(referral, reason="Di competenza del SIL", user=agency_operator)
    client.force_login(agency_operator)
    url = reverse(
        "wagtailsnippets_casework_referral:revisions_revert", args=[referral.pk, first.pk]
    )
    data = {
        "protocol": referral.protocol,
        "referred_on": "2016-09-01",
        "social_worker_name": "",
        "proposed_pathway_type": "tirocinio",
        "reason": "",
        "group_name": "",
        "intake_deadline_days": 15,
        "deadline_reason": "",
    }
    assert client.post(url, data).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
