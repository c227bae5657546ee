"""The papers' doors: the pathway page's section, generating, our download view and Wagtail's
document serve URL (scoped and audited), and the template upload screen."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document as WordDocument

from casework.audit.models import AuditEvent
from casework.cases.choices import PaperKind
from casework.papers.models import PaperTemplate, PathwayDocument
from casework.papers.selectors import pathway_papers
from casework.papers.word import MSG_UNKNOWN_PLACEHOLDER
from tests import factories as f

pytestmark = pytest.mark.django_db


def _pathway_page(pathway):
    return reverse("wagtailsnippets_casework_pathway:inspect", args=[pathway.pk])


def _content(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _generate(client, pathway, kind=PaperKind.INDIVIDUAL_PROJECT):
    return client.post(reverse("casework_papers_generate", args=[pathway.pk]), {"kind": kind})


def test_pathway_page_generates_and_lists_versions(client, placed_pathway, agency_operator):
    client.force_login(agency_operator)
    page = client.get(_pathway_page(placed_pathway))
    text = page.content.decode()
    assert "Documenti del percorso" in text
    assert "Progetto formativo individuale" in text  # a tirocinio has the training project
    assert "Non ancora preparato" in text and ">Genera<" in text
    response = _generate(client, placed_pathway)
    assert response.status_code == 302
    assert response["Location"].endswith("#documenti-percorso")
    _generate(client, placed_pathway)
    text = client.get(_pathway_page(placed_pathway)).content.decode()
    assert "Versione 2 del" in text and "v1 del" in text and "Rigenera" in text
    latest = PathwayDocument.objects.get(pathway=placed_pathway, version=2, format="pdf")
    assert reverse("casework_papers_download", args=[latest.pk]) in text


def test_generate_refusal_is_shown(client, comune_a, agency_operator):
    pathway = f.active_pathway(comune_a)
    client.force_login(agency_operator)
    response = client.post(
        reverse("casework_papers_generate", args=[pathway.pk]),
        {"kind": PaperKind.AGREEMENT},
        follow=True,
    )
    assert "l&#x27;ente ospitante e la posizione" in response.content.decode()
    assert not PathwayDocument.objects.exists()


def test_social_worker_sees_the_papers_but_no_button(client, placed_pathway, social_worker_a):
    f.pathway_document(placed_pathway)
    client.force_login(social_worker_a)
    text = client.get(_pathway_page(placed_pathway)).content.decode()
    assert "Documenti del percorso" in text and "Versione 1 del" in text
    assert "Rigenera" not in text
    response = _generate(client, placed_pathway)
    assert PathwayDocument.objects.filter(version=2).count() == 0
    assert response.status_code == 302


def test_download_is_the_file_and_is_audited(client, placed_pathway, social_worker_a):
    paper = f.pathway_document(placed_pathway)
    client.force_login(social_worker_a)
    before = AuditEvent.objects.count()
    response = client.get(reverse("casework_papers_download", args=[paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert _content(response).startswith(b"%PDF")
    event = AuditEvent.objects.order_by("-pk").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == AuditEvent.Action.EXPORT
    assert event.beneficiary_id == placed_pathway.referral.beneficiary_id
    assert event.comune_id == placed_pathway.comune_id
    assert event.model == "casework.pathwaydocument"


def test_wagtail_serve_url_is_guarded_and_audited(client, placed_pathway, social_worker_a):
    paper = f.pathway_document(placed_pathway)
    url = paper.document.url
    assert url.startswith("/documents/")
    # Anonymous: to the login page, never the file.
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(social_worker_a)
    response = client.get(url)
    assert response.status_code == 200
    assert _content(response).startswith(b"%PDF")
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.action == AuditEvent.Action.EXPORT
    assert event.beneficiary_id == placed_pathway.referral.beneficiary_id
    assert "wagtail" in event.detail


def test_other_comune_social_worker_gets_nothing(client, other_pathway, social_worker_a):
    paper = f.pathway_document(other_pathway)
    docx = PathwayDocument.objects.get(pathway=other_pathway, format="docx")
    client.force_login(social_worker_a)
    before = AuditEvent.objects.count()
    for url in (
        reverse("casework_papers_download", args=[paper.pk]),
        reverse("casework_papers_download", args=[docx.pk]),
        paper.document.url,
        docx.document.url,
        reverse("casework_papers_generate", args=[other_pathway.pk]),
        _pathway_page(other_pathway),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert _generate(client, other_pathway).status_code == 404
    assert AuditEvent.objects.count() == before


def test_other_comune_social_worker_is_refused_with_the_permission_too(
    client, other_pathway, social_worker_a
):
    paper = f.pathway_document(other_pathway)
    client.force_login(social_worker_a)
    assert client.get(paper.document.url).status_code == 403


def test_section_in_one_query(placed_pathway, agency_operator, django_assert_num_queries):
    for _ in range(3):
        f.pathway_document(placed_pathway)
    agency_operator = type(agency_operator).objects.get(pk=agency_operator.pk)
    agency_operator.has_perm("casework.view_pathwaydocument")  # permissions cached
    with django_assert_num_queries(1):
        papers = pathway_papers(placed_pathway, agency_operator)
    first = papers["kinds"][0]
    assert first["latest"]["version"] == 3
    assert [row["version"] for row in first["older"]] == [2, 1]


def test_pathway_page_query_count_does_not_grow_with_versions(
    client, placed_pathway, agency_operator, django_assert_max_num_queries
):
    f.pathway_document(placed_pathway)
    client.force_login(agency_operator)
    client.get(_pathway_page(placed_pathway))
    with django_assert_max_num_queries(60) as captured:
        client.get(_pathway_page(placed_pathway))
    few = len(captured.captured_queries)
    for _ in range(3):
        f.pathway_document(placed_pathway, kind=PaperKind.AGREEMENT)
    with django_assert_max_num_queries(few + 2):
        client.get(_pathway_page(placed_pathway))


# --- the template screens -------------------------------------------------------------------


def _docx(text):
    document = WordDocument()
    document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def test_upload_page_lists_the_placeholders(client, programme_manager):
    client.force_login(programme_manager)
    response = client.get(reverse("casework_papertemplate:add"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Segnaposto disponibili" in text
    assert "{{ persona_codice_fiscale }}" in text and "{{ indennita_mensile }}" in text


def test_upload_refuses_an_unknown_placeholder_on_screen(client, programme_manager):
    client.force_login(programme_manager)
    response = client.post(
        reverse("casework_papertemplate:add"),
        {
            "kind": PaperKind.INDIVIDUAL_PROJECT,
            "active": "on",
            "file": SimpleUploadedFile("m.docx", _docx("Saldo {{ xyz }}")),
        },
    )
    assert response.status_code == 200
    message = str(MSG_UNKNOWN_PLACEHOLDER) % {"name": "xyz"}
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not PaperTemplate.objects.exists()


def test_upload_and_list(client, programme_manager):
    client.force_login(programme_manager)
    response = client.post(
        reverse("casework_papertemplate:add"),
        {
            "kind": PaperKind.AGREEMENT,
            "active": "on",
            "file": SimpleUploadedFile("m.docx", _docx("{{ ente_nome }}")),
        },
    )
    assert response.status_code == 302
    template = PaperTemplate.objects.get()
    assert template.active and template.uploaded_by == programme_manager
    listing = client.get(reverse("casework_papertemplate:index")).content.decode()
    assert "Convenzione con l&#x27;ente ospitante" in listing


def test_agency_cannot_reach_the_template_screens(client, agency_operator):
    client.force_login(agency_operator)
    response = client.get(reverse("casework_papertemplate:add"))
    assert response.status_code in (302, 403)
