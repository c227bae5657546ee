"""Retention and anonymisation, right of access, pseudonymised export, scheduled tasks."""

import datetime
import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.apps import apps
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from wagtail.log_actions import log

from casework.audit import models as audit_models
from casework.audit.services import Action, record_event
from casework.cases import models as cases_models
from casework.imports import models as imports_models
from casework.money import models as money_models
from casework.privacy import services as privacy_services
from casework.privacy import views as privacy_views
from documents import tasks
from documents.builders import build_report
from documents.models import ReportKind
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date


ENDED_ON = D(2017, 6, 30)


def _closed_case(comune, *, ended_on=ENDED_ON, n=0):
    person = f.BeneficiaryFactory(
        residence_comune=comune,
        first_name=f"Ginevra{n}",
        last_name=f"Bellandi{n}",
        email=f"ginevra{n}@example.it",
        phone=f"3331234{n:03d}",
        address=f"Via Roma {n}",
        confidential_notes="Nota riservata sulla salute",
    )
    referral = f.ReferralFactory(
        beneficiary=person,
        comune=comune,
        status="closed",
        protocol=f"PG-2016-{n:05d}",
        reason=f"Segnalata {person.tax_code}",
    )
    pathway = f.PathwayFactory(
        referral=referral,
        comune=comune,
        status="completed",
        activated_on=D(2017, 1, 10),
        ended_on=ended_on,
        outcome="hired",
        assessment=f"Valutazione di {person.first_name} {person.last_name}",
    )
    cases_models.FollowUp.objects.create(
        pathway=pathway, on=D(2017, 9, 1), situation="employed", note="ok"
    )
    money_models.TutoringSession.objects.create(
        pathway=pathway, on=D(2017, 2, 1), hours=Decimal("3"), note=f"con {person.tax_code}"
    )
    edition = money_models.Edition.objects.get_or_create(
        name="2016-2017", defaults={"starts_on": D(2016, 9, 1), "ends_on": D(2017, 8, 31)}
    )[0]
    money_models.Voucher.objects.create(
        pathway=pathway,
        comune=comune,
        edition=edition,
        kind="traineeship_activation",
        unit_net=Decimal("200"),
        vat_rate=Decimal("22"),
        net=Decimal("200"),
        vat=Decimal("44"),
        gross=Decimal("244"),
        status="paid",
        decided_at=timezone.make_aware(datetime.datetime(2017, 1, 12, 12)),
        decision_note=f"Approvato per {person.last_name} {person.first_name}",
    )
    meeting = cases_models.TeamMeeting.objects.create(
        held_on=D(2017, 1, 5),
        minutes=f"Discusso il caso {person.tax_code} ({person.first_name} {person.last_name}).",
    )
    meeting.cases.add(referral)
    for obj in (person, referral, pathway):
        obj.save_revision()
        log(instance=obj, action="wagtail.edit")
    imports_models.ImportRun.objects.create(
        kind="referrals", file_name="import.xlsx", message=f"riga 3: {person.tax_code} già presente"
    )
    return person


def _figures():
    figures = {}
    for kind in ReportKind:
        report = build_report(kind.value, start=D(2016, 9, 1), end=D(2017, 12, 31))
        figures[kind.value] = [(t.title, t.rows, t.total) for t in report.tables]
    return figures


def _rows_containing(needle):
    """(table, column) of every text column of every model that still holds ``needle``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                query = model._base_manager.filter(**{f"{field.name}__contains": needle})
            elif isinstance(field, models.JSONField):
                query = model._base_manager.annotate(_t=Cast(field.name, TextField())).filter(
                    _t__contains=needle
                )
            else:
                continue
            if query.exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


@pytest.fixture
def future_today():
    return timezone.localdate() + datetime.timedelta(days=365 * 6)


def test_only_people_past_the_retention_with_nothing_open_are_due(comune_a, future_today):
    old = _closed_case(comune_a, n=1)
    recent = _closed_case(comune_a, n=2, ended_on=future_today - datetime.timedelta(days=30))
    still_open = f.ReferralFactory(comune=comune_a, status="received").beneficiary
    due = set(privacy_services.due_for_anonymisation(future_today))
    assert old in due
    assert recent not in due
    assert still_open not in due
    # Nothing is due today: every case here closed less than five years ago.
    assert not privacy_services.due_for_anonymisation().exists()


def test_anonymisation_keeps_report_figures_and_leaves_no_trace(comune_a, future_today):
    person = _closed_case(comune_a, n=7)
    other = _closed_case(comune_a, n=8, ended_on=future_today)
    old_tax_code = person.tax_code
    old_name = f"{person.first_name} {person.last_name}"
    before = _figures()

    assert tasks.anonymise_due_people.__name__  # the scheduled task exists
    with override_settings(RETENTION_YEARS=5):
        done = privacy_services.anonymise_due(future_today)
    assert done == [person.pk]

    assert _figures() == before
    assert _rows_containing(old_tax_code) == []
    assert _rows_containing(old_name) == []
    assert _rows_containing(person.last_name + " " + person.first_name) == []
    assert _rows_containing("PG-2016-00007") == []
    # The other person is untouched.
    assert "casework_beneficiary.tax_code" in _rows_containing(other.tax_code)

    person.refresh_from_db()
    assert person.tax_code == privacy_services.placeholder_tax_code(person.pk)
    assert person.anonymised_at is not None
    assert (person.email, person.phone, person.address, person.confidential_notes) == (
        "",
        "",
        "",
        "",
    )
    assert person.birth_date.month == person.birth_date.day == 1
    assert audit_models.AuditEvent.objects.filter(
        action=Action.ANONYMISE, beneficiary_id=person.pk
    ).exists()
    # Idempotent.
    assert privacy_services.anonymise(person.pk).anonymised_at == person.anonymised_at


def test_scheduled_tasks_take_and_return_ids_only(comune_a, monkeypatch):
    from documents.schedules import ANONYMISE_NAME, AUDIT_PURGE_NAME, SCHEDULES

    specs = {spec.name: spec for spec in SCHEDULES}
    assert specs[ANONYMISE_NAME].func == "documents.tasks.anonymise_due_people"
    assert specs[AUDIT_PURGE_NAME].func == "documents.tasks.purge_audit_trail"
    assert specs[ANONYMISE_NAME].args == specs[AUDIT_PURGE_NAME].args == ()
    assert tasks.anonymise_due_people() == []
    assert tasks.purge_audit_trail() == 0


def test_access_export_json_and_pdf_for_the_programme_manager(
    client, comune_a, programme_manager, social_worker_a
):
    person = _closed_case(comune_a, n=3)
    record_event(social_worker_a, Action.VIEW, person)
    client.force_login(programme_manager)

    response = client.get(reverse(privacy_views.ACCESS_JSON_URL_NAME, args=[person.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["persona"]["tax_code"] == person.tax_code
    assert data["segnalazioni"][0]["percorsi"][0]["outcome"] == "hired"
    assert [a["utente"] for a in data["accessi"]][:1] == [social_worker_a.username]

    response = client.get(reverse(privacy_views.ACCESS_PDF_URL_NAME, args=[person.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(BytesIO(b"".join(response.streaming_content)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert person.tax_code in text
    assert social_worker_a.username in text
    # The export itself is in the trail.
    exports = audit_models.AuditEvent.objects.filter(action=Action.EXPORT, beneficiary_id=person.pk)
    assert exports.count() == 2


def test_access_export_is_for_the_programme_manager_only(client, comune_a, social_worker_a):
    person = _closed_case(comune_a, n=4)
    client.force_login(social_worker_a)
    response = client.get(reverse(privacy_views.ACCESS_JSON_URL_NAME, args=[person.pk]))
    # Wagtail turns a refusal in the admin into a redirect to the dashboard with a message.
    assert response.status_code in (302, 403)
    assert not response.get("Content-Disposition")
    assert person.tax_code not in response.content.decode()


def test_pseudonymised_export_has_keyed_hashes_not_tax_codes(client, comune_a, programme_manager):
    person = _closed_case(comune_a, n=5)
    client.force_login(programme_manager)
    response = client.get(reverse(privacy_views.PSEUDONYMISED_EXPORT_URL_NAME))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert person.tax_code not in body
    assert person.last_name not in body
    assert privacy_services.pseudonymise(person.tax_code) in body
    with override_settings(PSEUDONYMISATION_KEY="another-key"):
        assert privacy_services.pseudonymise(person.tax_code) not in body
    with override_settings(PSEUDONYMISATION_KEY=""), pytest.raises(Exception, match="PSEUDONYM"):
        privacy_services.pseudonymise(person.tax_code)


def test_pseudonymised_export_refused_to_other_roles(client, social_worker_a):
    client.force_login(social_worker_a)
    response = client.get(reverse(privacy_views.PSEUDONYMISED_EXPORT_URL_NAME))
    assert response.status_code in (302, 403)
    assert not response.get("Content-Disposition")


def test_anonymisation_removes_the_papers_and_scans_with_the_person_in_them(
    comune_a, future_today, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from casework.cases.signatures.models import SignedScan
    from casework.papers.models import PathwayDocument

    person = _closed_case(comune_a, n=9)
    other = _closed_case(comune_a, n=10, ended_on=future_today)
    pathway, other_pathway = (
        cases_models.Pathway.objects.get(referral__beneficiary=p) for p in (person, other)
    )
    paper, other_paper = f.pathway_document(pathway), f.pathway_document(other_pathway)
    scan = SignedScan(
        pathway=pathway,
        kind="agreement",
        original_name="firmato.pdf",
        content_type="application/pdf",
        size=9,
    )
    scan.file.save("firmato.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    files = [
        (paper.document.file.storage, paper.document.file.name),
        (scan.file.storage, scan.file.name),
    ]
    assert all(storage.exists(name) for storage, name in files)

    with override_settings(RETENTION_YEARS=5), django_capture_on_commit_callbacks(execute=True):
        assert privacy_services.anonymise_due(future_today) == [person.pk]

    assert not PathwayDocument.objects.filter(pathway=pathway).exists()
    assert not get_document_model().objects.filter(pk=paper.document_id).exists()
    assert not SignedScan.objects.filter(pathway=pathway).exists()
    assert not any(storage.exists(name) for storage, name in files)
    # The other person's paper stays.
    assert PathwayDocument.objects.filter(pk=other_paper.pk).exists()
    assert other_paper.document.file.storage.exists(other_paper.document.file.name)
