"""Generating a pathway's papers: the rules, the versions, the files' contents, the templates."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as WordDocument
from pypdf import PdfReader
from wagtail.models import CollectionViewRestriction

from casework import services
from casework.cases.choices import PaperKind
from casework.papers import collections, word
from casework.papers.context import paper_context, pathway_for_paper, placeholders_for
from casework.papers.models import PaperTemplate, PathwayDocument
from casework.papers.services import (
    MSG_NOT_ALLOWED,
    MSG_PERSON_ANONYMISED,
    MSG_TEMPLATE_NOT_ALLOWED,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _pdf_text(document):
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def _docx_text(document):
    with document.file.open("rb") as handle:
        word_document = WordDocument(io.BytesIO(handle.read()))
    parts = [p.text for p in word_document.paragraphs]
    for table in word_document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def _docx_upload(paragraphs, name="modello.docx"):
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def test_individual_project_pdf_holds_the_case_and_nobody_else(
    placed_pathway, other_pathway, agency_operator
):
    pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
    )
    assert pdf.filename.endswith(".pdf") and docx.filename.endswith(".docx")
    text = _pdf_text(pdf)
    person = placed_pathway.referral.beneficiary
    for expected in (
        "Ottavia",
        "Quercioli",
        person.tax_code,
        "01/01/1980",
        "Lumezzane",
        "Cooperativa Il Faro",
        "Addetto magazzino",
        "01/10/2016",
        "31/03/2017",
        "20,5",
        "Acquisire autonomia nel magazzino.",
        "Attività di sportello",
        "€ 244,00",  # the traineeship activation, gross
        "€ 256,20",  # 10 tutoring hours at 25,62
        "€ 500,20",  # the worked example's total
        "Rossi",  # the tutor: the pathway's operator
    ):
        assert expected in text, expected
    other = other_pathway.referral.beneficiary
    for foreign in (other.first_name, other.last_name, other.tax_code, "Associazione Altrove"):
        assert foreign not in text
    # No person's name in the document's title or file name: the library and the logs show them.
    assert "Quercioli" not in pdf.title and "Quercioli" not in pdf.filename


def test_docx_is_filled_with_no_placeholder_left(placed_pathway, agency_operator):
    for kind in (PaperKind.INDIVIDUAL_PROJECT, PaperKind.AGREEMENT, PaperKind.TRAINING_PROJECT):
        _pdf, docx = services.generate_pathway_document(
            placed_pathway, kind=kind, user=agency_operator
        )
        text = _docx_text(docx)
        assert "{{" not in text and "{%" not in text, kind
        assert "Quercioli" in text and "Cooperativa Il Faro" in text, kind


def test_agreement_and_training_project_carry_their_terms(placed_pathway, agency_operator):
    pdf, _docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.AGREEMENT, user=agency_operator
    )
    text = _pdf_text(pdf)
    assert "Via Roma 12" in text and "L'ente ospitante si impegna a" in text
    pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.TRAINING_PROJECT, user=agency_operator
    )
    from casework.cases.traineeship.selectors import training_terms
    from casework.money.euro import format_euro

    terms = training_terms(placed_pathway)  # the edition's traineeship rules
    for text in (_pdf_text(pdf), _docx_text(docx)):
        assert format_euro(terms["monthly_allowance"]) in text
        assert f"{terms['min_attendance_percent']}%" in text
        assert terms["rule_reference"] in text


def test_regenerating_adds_a_version_and_keeps_the_old_one(placed_pathway, agency_operator):
    first = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
    )
    second = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
    )
    papers = PathwayDocument.objects.filter(pathway=placed_pathway)
    assert sorted(papers.values_list("version", "format")) == [
        (1, "docx"),
        (1, "pdf"),
        (2, "docx"),
        (2, "pdf"),
    ]
    assert {d.pk for d in first}.isdisjoint({d.pk for d in second})
    assert all(d.file.storage.exists(d.file.name) for d in first)
    assert papers.get(version=1, format="pdf").generated_by == agency_operator


def test_documents_are_filed_in_the_comune_private_collection(placed_pathway, agency_operator):
    pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
    )
    assert pdf.collection == docx.collection
    assert pdf.collection.name == "Fascicoli – Lumezzane"
    root = pdf.collection.get_parent()
    assert root.name == collections.ROOT_NAME
    assert CollectionViewRestriction.objects.filter(
        collection=root, restriction_type=CollectionViewRestriction.GROUPS
    ).exists()
    assert pdf.collection.get_view_restrictions().exists()


def test_training_project_only_for_a_tirocinio(comune_a, agency_operator):
    pathway = f.active_pathway(comune_a, pathway_type="inserimento")
    with pytest.raises(ValidationError) as error:
        services.generate_pathway_document(
            pathway, kind=PaperKind.TRAINING_PROJECT, user=agency_operator
        )
    assert services.MSG_TRAINING_ONLY_TIROCINIO in error.value.messages


def test_agreement_needs_host_and_position(comune_a, agency_operator):
    pathway = f.active_pathway(comune_a)
    with pytest.raises(ValidationError) as error:
        services.generate_pathway_document(pathway, kind=PaperKind.AGREEMENT, user=agency_operator)
    assert services.MSG_NEEDS_PLACEMENT in error.value.messages
    # The individual project can be drafted before the host is found.
    services.generate_pathway_document(
        pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
    )
    assert not PathwayDocument.objects.filter(kind=PaperKind.AGREEMENT).exists()


def test_user_must_see_the_pathway_comune(other_pathway, social_worker_a, comune_a):
    # A social worker has no permission to generate; give one the permission to test the scope.
    from django.contrib.auth.models import Permission

    social_worker_a.user_permissions.add(Permission.objects.get(codename="add_pathwaydocument"))
    social_worker_a = type(social_worker_a).objects.get(pk=social_worker_a.pk)
    with pytest.raises(ValidationError) as error:
        services.generate_pathway_document(
            other_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=social_worker_a
        )
    assert services.MSG_NOT_YOUR_COMUNE in error.value.messages
    assert not PathwayDocument.objects.exists()


def test_social_worker_may_not_generate(placed_pathway, social_worker_a):
    with pytest.raises(ValidationError) as error:
        services.generate_pathway_document(
            placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=social_worker_a
        )
    assert MSG_NOT_ALLOWED in error.value.messages


def test_no_papers_for_an_anonymised_person(placed_pathway, agency_operator):
    from django.utils import timezone

    person = placed_pathway.referral.beneficiary
    type(person).objects.filter(pk=person.pk).update(anonymised_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        services.generate_pathway_document(
            placed_pathway, kind=PaperKind.INDIVIDUAL_PROJECT, user=agency_operator
        )
    assert MSG_PERSON_ANONYMISED in error.value.messages


def test_generation_context_in_a_fixed_number_of_queries(placed_pathway, django_assert_num_queries):
    with django_assert_num_queries(3):
        pathway = pathway_for_paper(placed_pathway)
        paper_context(pathway, PaperKind.INDIVIDUAL_PROJECT)
    for activity in ("cv", "assessment", "match", "reports"):
        placed_pathway.activities.create(activity=activity)
    with django_assert_num_queries(3):
        pathway = pathway_for_paper(placed_pathway)
        paper_context(pathway, PaperKind.INDIVIDUAL_PROJECT)


# --- templates ---------------------------------------------------------------------------------


def test_default_templates_use_only_known_placeholders():
    for kind in PaperKind.values:
        path = Path(word.default_template_path(kind))
        word.check_template(path, kind)
        from docxtpl import DocxTemplate

        used = DocxTemplate(path).get_undeclared_template_variables()
        assert used <= set(placeholders_for(kind)), kind


def test_template_with_an_unknown_placeholder_is_refused_naming_it(programme_manager):
    upload = _docx_upload(["Gentile {{ persona_cognome }}", "Saldo: {{ xyz }}"])
    with pytest.raises(ValidationError) as error:
        services.upload_paper_template(
            kind=PaperKind.INDIVIDUAL_PROJECT, file=upload, user=programme_manager
        )
    assert error.value.messages == [
        str(word.MSG_UNKNOWN_PLACEHOLDER) % {"name": "xyz"},
    ]
    assert "{{ xyz }}" in error.value.messages[0]
    assert not PaperTemplate.objects.exists()


def test_training_placeholder_is_unknown_in_the_agreement(programme_manager):
    upload = _docx_upload(["{{ indennita_mensile }}"])
    with pytest.raises(ValidationError) as error:
        services.upload_paper_template(
            kind=PaperKind.AGREEMENT, file=upload, user=programme_manager
        )
    assert "{{ indennita_mensile }}" in error.value.messages[0]


def test_non_docx_upload_is_refused(programme_manager):
    for upload in (
        SimpleUploadedFile("modello.pdf", b"%PDF-1.4 nothing"),
        SimpleUploadedFile("modello.docx", b"not a zip at all"),
    ):
        with pytest.raises(ValidationError) as error:
            services.upload_paper_template(
                kind=PaperKind.AGREEMENT, file=upload, user=programme_manager
            )
        assert str(word.MSG_NOT_DOCX) in error.value.messages


def test_only_the_programme_manager_uploads_templates(agency_operator):
    with pytest.raises(ValidationError) as error:
        services.upload_paper_template(
            kind=PaperKind.AGREEMENT, file=_docx_upload(["{{ ente_nome }}"]), user=agency_operator
        )
    assert MSG_TEMPLATE_NOT_ALLOWED in error.value.messages


def test_active_uploaded_template_is_used_then_the_default_again(
    placed_pathway, agency_operator, programme_manager
):
    upload = _docx_upload(["MODELLO COMUNALE per {{ persona_cognome }} presso {{ ente_nome }}"])
    template = services.upload_paper_template(
        kind=PaperKind.AGREEMENT, file=upload, user=programme_manager
    )
    _pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.AGREEMENT, user=agency_operator
    )
    assert _docx_text(docx).strip() == "MODELLO COMUNALE per Quercioli presso Cooperativa Il Faro"
    # A second upload sets the first aside; setting it out of use brings the default back.
    second = services.upload_paper_template(
        kind=PaperKind.AGREEMENT, file=_docx_upload(["{{ ente_nome }}"]), user=programme_manager
    )
    template.refresh_from_db()
    assert not template.active and second.active
    services.set_paper_template_active(second, active=False, user=programme_manager)
    _pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.AGREEMENT, user=agency_operator
    )
    assert "si impegna a" in _docx_text(docx)


def test_values_are_escaped_in_word(placed_pathway, agency_operator):
    host = placed_pathway.host
    host.name = "Rossi & Figli <srl>"
    host.save()
    _pdf, docx = services.generate_pathway_document(
        placed_pathway, kind=PaperKind.AGREEMENT, user=agency_operator
    )
    assert "Rossi & Figli <srl>" in _docx_text(docx)
