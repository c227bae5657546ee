import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from network import services
from network.choices import OrganisationStatus, PositionStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """Run a service and its after-commit emails."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def pending(db):
    organisation = f.HostOrganisationFactory(status="pending", email="ente@example.it")
    position = f.PositionFactory(host=organisation, status="pending")
    return organisation, position


def test_approve_with_positions_opens_them_and_mails_the_organisation(
    pending, programme_manager, decide
):
    organisation, position = pending
    decide(services.approve_organisation, organisation, user=programme_manager, with_positions=True)
    organisation.refresh_from_db()
    position.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED
    assert organisation.decided_by == programme_manager
    assert organisation.decided_at is not None
    assert position.status == PositionStatus.OPEN
    assert [m.to for m in mail.outbox] == [["ente@example.it"], ["ente@example.it"]]
    assert "approvata" in mail.outbox[0].body


def test_approve_without_positions_leaves_them_pending(pending, programme_manager, decide):
    organisation, position = pending
    decide(services.approve_organisation, organisation, user=programme_manager)
    position.refresh_from_db()
    assert position.status == PositionStatus.PENDING


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_needs_a_reason(pending, programme_manager, reason):
    organisation, _position = pending
    with pytest.raises(ValidationError) as error:
        services.reject_organisation(organisation, user=programme_manager, reason=reason)
    assert error.value.message_dict == {"reason": [services.MSG_REASON_REQUIRED]}
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING


def test_reject_closes_pending_positions_and_sends_the_reason(pending, programme_manager, decide):
    organisation, position = pending
    decide(
        services.reject_organisation,
        organisation,
        user=programme_manager,
        reason="Attività non compatibile con il programma.",
    )
    organisation.refresh_from_db()
    position.refresh_from_db()
    assert organisation.status == OrganisationStatus.REJECTED
    assert organisation.status_reason == "Attività non compatibile con il programma."
    assert position.status == PositionStatus.CLOSED
    assert "Attività non compatibile con il programma." in mail.outbox[0].body
    assert "non è stata accolta" in mail.outbox[0].body


def test_a_decided_organisation_cannot_be_rejected_again(programme_manager):
    organisation = f.HostOrganisationFactory(status="approved")
    with pytest.raises(ValidationError):
        services.reject_organisation(organisation, user=programme_manager, reason="No")


def test_suspend_needs_an_approved_organisation_and_a_reason(programme_manager, decide):
    organisation = f.HostOrganisationFactory(status="pending")
    with pytest.raises(ValidationError) as error:
        services.suspend_organisation(organisation, user=programme_manager, reason="Motivo")
    assert error.value.messages == [str(services.MSG_CANNOT_SUSPEND)]
    approved = f.HostOrganisationFactory(status="approved")
    with pytest.raises(ValidationError):
        services.suspend_organisation(approved, user=programme_manager, reason="")
    decide(
        services.suspend_organisation,
        approved,
        user=programme_manager,
        reason="Convenzione scaduta.",
    )
    approved.refresh_from_db()
    assert approved.status == OrganisationStatus.SUSPENDED
    assert "sospesa" in mail.outbox[-1].body and "Convenzione scaduta." in mail.outbox[-1].body


def test_a_suspended_organisation_can_be_readmitted(programme_manager):
    organisation = f.HostOrganisationFactory(status="suspended", status_reason="x")
    services.approve_organisation(organisation, user=programme_manager)
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.APPROVED


def test_a_position_needs_its_organisation_approved_first(pending, programme_manager):
    _organisation, position = pending
    with pytest.raises(ValidationError) as error:
        services.approve_position(position, user=programme_manager)
    assert error.value.messages == [str(services.MSG_HOST_NOT_APPROVED)]
    position.refresh_from_db()
    assert position.status == PositionStatus.PENDING


def test_approve_and_reject_positions(programme_manager, decide):
    host = f.HostOrganisationFactory(status="approved", email="host@example.it")
    one = f.PositionFactory(host=host, status="pending")
    two = f.PositionFactory(host=host, status="pending")
    decide(services.approve_position, one, user=programme_manager)
    with pytest.raises(ValidationError):
        services.reject_position(two, user=programme_manager, reason="")
    decide(services.reject_position, two, user=programme_manager, reason="Mansioni non adatte.")
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (PositionStatus.OPEN, PositionStatus.CLOSED)
    assert two.status_reason == "Mansioni non adatte."
    assert len(mail.outbox) == 2 and "Mansioni non adatte." in mail.outbox[1].body
    with pytest.raises(ValidationError):
        services.approve_position(one, user=programme_manager)


def test_register_submission_is_all_or_nothing(db):
    comune = f.comune("Sarezzo")
    with pytest.raises(ValidationError):
        services.register_submission(
            {
                "name": "Ente",
                "kind": "associazione",
                "tax_code": f._vat_number(9),
                "comune": comune,
                "contact_person": "A",
                "email": "a@example.it",
            },
            positions_data=[
                {"title": "Buona", "seats": 1, "complexity": "simple", "pathway_types": []},
                {"title": "", "seats": 1, "complexity": "simple", "pathway_types": []},
            ],
        )
    from network.models import HostOrganisation, Position

    assert not HostOrganisation.objects.exists() and not Position.objects.exists()
