"""Who signs which paper, the record and withdrawal rules, the checklist's paperwork item and
the activation refused naming what is missing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casework.audit.models import AuditEvent
from casework.cases.choices import Activity, PaperKind
from casework.cases.services import pathways as cases_pathways
from casework.cases.services import referrals as cases_referrals
from casework.cases.signatures import selectors, services
from casework.cases.signatures.choices import Party
from casework.cases.signatures.demo import sign_every_paper
from casework.cases.signatures.models import PaperSignature
from casework.cases.signatures.rules import required_papers
from tests import factories as f

from .conftest import new_pathway

pytestmark = pytest.mark.django_db
D = datetime.date
IP, AGREEMENT, TRAINING = (
    PaperKind.INDIVIDUAL_PROJECT,
    PaperKind.AGREEMENT,
    PaperKind.TRAINING_PROJECT,
)


def messages_of(excinfo):
    return excinfo.value.messages


SIGNED_ON = D(2016, 9, 8)


def sign(pathway, user, kind, party, on=SIGNED_ON, **kwargs):
    return services.record_signature(
        pathway, kind=kind, party=party, signed_on=on, user=user, **kwargs
    )


def test_required_papers_by_pathway_type(comune_a, agency_operator, position):
    traineeship = new_pathway(comune_a, agency_operator, position=position)
    assert required_papers(traineeship) == [
        (AGREEMENT, (Party.AGENCY, Party.HOST)),
        (IP, (Party.PERSON, Party.AGENCY, Party.SOCIAL_SERVICE, Party.HOST)),
        (TRAINING, (Party.PERSON, Party.AGENCY, Party.HOST)),
    ]
    hiring = new_pathway(comune_a, agency_operator, pathway_type="inserimento")
    assert [kind for kind, _parties in required_papers(hiring)] == [AGREEMENT, IP]
    # A personalised project without a host: no agreement, the host does not sign.
    personal = new_pathway(
        comune_a, agency_operator, pathway_type="personalizzato", chosen=["paperwork"]
    )
    assert required_papers(personal) == [
        (IP, (Party.PERSON, Party.AGENCY, Party.SOCIAL_SERVICE)),
    ]
    personal = cases_pathways.define_pathway(
        personal, user=agency_operator, position=f.PositionFactory(pathway_types=["tirocinio"])
    )
    assert [kind for kind, _parties in required_papers(personal)] == [AGREEMENT, IP]


def test_activation_refused_naming_what_is_missing(pathway, agency_operator):
    for kind, parties in required_papers(pathway):
        for party in parties:
            if (kind, party) not in ((AGREEMENT, Party.HOST), (IP, Party.PERSON)):
                sign(pathway, agency_operator, kind, party)
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)
    expected = (
        "Per attivare il percorso mancano le firme: Convenzione con l'ente ospitante "
        "(ente ospitante), Progetto individuale (persona)."
    )
    assert messages_of(excinfo) == [expected]
    assert expected == selectors.MSG_MISSING_SIGNATURES % {
        "missing": "Convenzione con l'ente ospitante (ente ospitante), Progetto individuale "
        "(persona)"
    }
    pathway.refresh_from_db()
    assert pathway.status == "matching"
    sign(pathway, agency_operator, AGREEMENT, Party.HOST, signer_name="Mario Rossi, presidente")
    sign(pathway, agency_operator, IP, Party.PERSON)
    pathway = cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)
    assert pathway.status == "active"


def test_personalised_without_host_needs_only_the_individual_project(comune_a, agency_operator):
    pathway = new_pathway(
        comune_a, agency_operator, pathway_type="personalizzato", chosen=["paperwork"]
    )
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)
    assert messages_of(excinfo) == [
        "Per attivare il percorso mancano le firme: Progetto individuale "
        "(persona, agenzia, servizio sociale)."
    ]
    sign_every_paper(pathway, user=agency_operator)
    assert cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)


def test_record_signature_rules(
    comune_a, pathway, agency_operator, social_worker_a, social_worker_b
):
    cases = [
        (
            {"kind": IP, "party": Party.PERSON, "on": D(2016, 9, 4)},
            services.MSG_SIGNED_BEFORE_INTAKE,
        ),
        (
            {
                "kind": IP,
                "party": Party.PERSON,
                "on": datetime.date.today() + datetime.timedelta(1),
            },
            cases_referrals.MSG_FUTURE_DATE,
        ),
        ({"kind": AGREEMENT, "party": Party.PERSON}, services.MSG_PARTY_NOT_REQUIRED),
        ({"kind": AGREEMENT, "party": Party.SOCIAL_SERVICE}, services.MSG_PARTY_NOT_REQUIRED),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as excinfo:
            sign(pathway, agency_operator, **kwargs)
        assert str(message) in messages_of(excinfo), kwargs
    hiring = new_pathway(comune_a, agency_operator, pathway_type="inserimento")
    with pytest.raises(ValidationError) as excinfo:
        sign(hiring, agency_operator, TRAINING, Party.PERSON)
    assert str(services.MSG_PAPER_NOT_REQUIRED) in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:  # no position yet: no host to sign
        sign(hiring, agency_operator, AGREEMENT, Party.HOST)
    assert str(services.MSG_NO_HOST_YET) in messages_of(excinfo)
    # The social worker of the pathway's Comune signs for the social service, nothing else.
    signature = sign(pathway, social_worker_a, IP, Party.SOCIAL_SERVICE, signer_name="A. Verdi")
    assert (signature.recorded_by, signature.signer_name) == (social_worker_a, "A. Verdi")
    with pytest.raises(ValidationError) as excinfo:
        sign(pathway, social_worker_a, IP, Party.PERSON)
    assert str(services.MSG_PARTY_NOT_ALLOWED) in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        sign(pathway, social_worker_b, AGREEMENT, Party.AGENCY)
    assert str(services.MSG_PARTY_NOT_ALLOWED) in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        sign(pathway, agency_operator, IP, Party.SOCIAL_SERVICE)
    assert str(services.MSG_ALREADY_SIGNED) in messages_of(excinfo)
    assert PaperSignature.objects.count() == 1
    event = AuditEvent.objects.get(model="casework.papersignature", action="create")
    assert (event.user, event.comune_id) == (social_worker_a, comune_a.pk)
    assert event.beneficiary_id == pathway.referral.beneficiary_id


def test_ended_pathway_takes_no_signatures(agency_operator, comune_a):
    pathway = f.PathwayFactory(referral__beneficiary__residence_comune=comune_a, status="completed")
    with pytest.raises(ValidationError) as excinfo:
        sign(pathway, agency_operator, IP, Party.PERSON)
    assert str(services.MSG_PATHWAY_ENDED) in messages_of(excinfo)


def test_checklist_follows_the_signatures(pathway, agency_operator):
    paperwork = pathway.activities.get(activity=Activity.PAPERWORK)
    with pytest.raises(ValidationError) as excinfo:  # never ticked by hand
        cases_pathways.record_activity(paperwork, on=D(2016, 9, 8), user=agency_operator)
    assert str(selectors.MSG_PAPERWORK_BY_SIGNATURES) in messages_of(excinfo)
    sign_every_paper(pathway, on=D(2016, 9, 7), user=agency_operator)
    paperwork.refresh_from_db()
    assert (paperwork.done_on, paperwork.done_by) == (D(2016, 9, 7), agency_operator)
    signature = PaperSignature.objects.get(kind=IP, party=Party.PERSON)
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_signature(signature, reason="  ", user=agency_operator)
    assert str(cases_referrals.MSG_REASON_REQUIRED) in messages_of(excinfo)
    services.withdraw_signature(
        signature, reason="Firmato il foglio sbagliato", user=agency_operator
    )
    paperwork.refresh_from_db()
    assert paperwork.done_on is None and paperwork.done_by is None
    signature.refresh_from_db()
    assert signature.withdrawn_by == agency_operator
    assert signature.withdrawal_reason == "Firmato il foglio sbagliato"
    assert AuditEvent.objects.filter(
        model="casework.papersignature", object_id=str(signature.pk), action="change"
    ).exists()
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_signature(signature, reason="Di nuovo", user=agency_operator)
    assert str(services.MSG_ALREADY_WITHDRAWN) in messages_of(excinfo)
    # Signed again (a new row; the withdrawn one stays for the record): done on that day.
    sign(pathway, agency_operator, IP, Party.PERSON, on=D(2016, 9, 9))
    paperwork.refresh_from_db()
    assert paperwork.done_on == D(2016, 9, 9)
    assert PaperSignature.objects.filter(kind=IP, party=Party.PERSON).count() == 2
    history = [entry.action for entry in pathway_log(pathway)]
    assert {"casework.sign", "casework.unsign"} <= set(history)


def pathway_log(pathway):
    from wagtail.log_actions import registry

    return registry.get_logs_for_instance(pathway)


def test_no_withdrawal_after_activation(pathway, agency_operator):
    sign_every_paper(pathway, user=agency_operator)
    cases_pathways.activate_pathway(pathway, on=D(2016, 9, 12), user=agency_operator)
    signature = PaperSignature.objects.filter(pathway=pathway).first()
    with pytest.raises(ValidationError) as excinfo:
        services.withdraw_signature(signature, reason="Errore", user=agency_operator)
    assert str(services.MSG_WITHDRAW_AFTER_ACTIVATION) in messages_of(excinfo)


def test_a_new_host_must_sign_again(pathway, agency_operator):
    position_host = pathway.host
    sign_every_paper(pathway, user=agency_operator)
    assert selectors.all_signed(pathway)
    other = f.PositionFactory(pathway_types=["tirocinio"])
    with pytest.raises(ValidationError) as excinfo:
        cases_pathways.activate_pathway(
            pathway, on=D(2016, 9, 12), user=agency_operator, position=other
        )
    assert messages_of(excinfo) == [
        "Per attivare il percorso mancano le firme: Convenzione con l'ente ospitante "
        "(ente ospitante), Progetto individuale (ente ospitante), Progetto formativo "
        "individuale (ente ospitante)."
    ]
    pathway = cases_pathways.define_pathway(pathway, user=agency_operator, position=other)
    sign(pathway, agency_operator, AGREEMENT, Party.HOST)  # the former host's is set aside
    former = PaperSignature.objects.get(kind=AGREEMENT, party=Party.HOST, host=position_host)
    assert former.withdrawal_reason == str(services.MSG_HOST_CHANGED)
    assert (
        PaperSignature.objects.get(kind=AGREEMENT, party=Party.HOST, withdrawn_at__isnull=True).host
        == other.host
    )
