"""Writes of the papers area: generating a pathway's paper (a new version, PDF and DOCX) and
replacing a Word template."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model

from casework.cases.choices import PaperKind
from casework.cases.models import Pathway
from casework.permissions.access import can_see_comune

from .collections import papers_collection_for
from .context import TITLES, applicable_kinds, paper_context, pathway_for_paper
from .models import PaperFormat, PaperTemplate, PathwayDocument
from .pdf import paper_pdf
from .word import check_template, render_docx

MSG_UNKNOWN_KIND = _("Documento sconosciuto.")
MSG_TRAINING_ONLY_TIROCINIO = _(
    "Il progetto formativo individuale si prepara solo per un tirocinio."
)
MSG_NEEDS_PLACEMENT = _(
    "Per questo documento il percorso deve avere l'ente ospitante e la posizione."
)
MSG_NOT_YOUR_COMUNE = _("Non puoi preparare i documenti di un percorso di un altro Comune.")
MSG_NOT_ALLOWED = _("Non hai il permesso di preparare i documenti del percorso.")
MSG_PERSON_ANONYMISED = _("La persona è stata anonimizzata: i documenti non si preparano più.")
MSG_TEMPLATE_NOT_ALLOWED = _("Solo il responsabile del programma carica i modelli di documento.")

GENERATE_PERMISSION = "casework.add_pathwaydocument"
TEMPLATE_PERMISSION = "casework.add_papertemplate"

FILE_NAMES = {
    PaperKind.INDIVIDUAL_PROJECT: "progetto-individuale",
    PaperKind.AGREEMENT: "convenzione",
    PaperKind.TRAINING_PROJECT: "progetto-formativo",
}


def _check_generation(pathway, kind, user):
    if kind not in PaperKind.values:
        raise ValidationError({"kind": MSG_UNKNOWN_KIND})
    if user is None or not user.is_authenticated or not user.has_perm(GENERATE_PERMISSION):
        raise ValidationError(MSG_NOT_ALLOWED)
    if not can_see_comune(user, pathway.comune_id):
        raise ValidationError(MSG_NOT_YOUR_COMUNE)
    if kind not in applicable_kinds(pathway):
        raise ValidationError({"kind": MSG_TRAINING_ONLY_TIROCINIO})
    if pathway.referral.beneficiary.anonymised_at is not None:
        raise ValidationError(MSG_PERSON_ANONYMISED)
    if kind in (PaperKind.AGREEMENT, PaperKind.TRAINING_PROJECT) and not (
        pathway.host_id and pathway.position_id
    ):
        raise ValidationError(MSG_NEEDS_PLACEMENT)


def _store(document, filename, content, stored):
    # A random directory: the readable name alone would let anyone who reaches the media folder
    # guess a paper's path.
    document.file.save(f"{secrets.token_urlsafe(16)}/{filename}", ContentFile(content), save=False)
    stored.append(document.file)
    document._set_document_file_metadata()
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def _generate(pathway, kind, user, stored):
    # The pathway's row is locked: two generations at once get consecutive versions.
    Pathway.objects.select_for_update().filter(pk=pathway.pk).first()
    pathway = pathway_for_paper(pathway)
    _check_generation(pathway, kind, user)
    version = (
        PathwayDocument.objects.filter(pathway=pathway, kind=kind).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    context = paper_context(pathway, kind, version=version)
    files = {
        PaperFormat.PDF: paper_pdf(context, kind),
        PaperFormat.DOCX: render_docx(kind, context),
    }
    Document = get_document_model()
    collection = papers_collection_for(pathway.comune)
    created = []
    for paper_format, content in files.items():
        # No name in the title or file name: the library and the logs show them.
        title = f"{TITLES[kind]} – percorso n. {pathway.pk} – v{version} ({paper_format.upper()})"
        filename = f"{FILE_NAMES[kind]}-percorso-{pathway.pk}-v{version}.{paper_format}"
        document = Document(title=title, collection=collection, uploaded_by_user=user)
        _store(document, filename, content, stored)
        paper = PathwayDocument(
            pathway=pathway,
            kind=kind,
            version=version,
            format=paper_format,
            document=document,
            generated_by=user,
        )
        paper.full_clean()
        paper.save()
        created.append(document)
    return created


def generate_pathway_document(pathway, *, kind, user):
    """A new version of the pathway's paper ``kind``, as a PDF and a DOCX (the active Word
    template of the kind, or the default one), filed in the Comune's private collection of case
    papers; older versions stay. Returns the two Wagtail documents (PDF first). Files already
    stored are deleted if the transaction rolls back."""
    stored = []
    try:
        return _generate(pathway, kind, user, stored)
    except Exception:
        for file in stored:
            file.storage.delete(file.name)
        raise


def _check_template_user(user):
    if user is None or not user.is_authenticated or not user.has_perm(TEMPLATE_PERMISSION):
        raise ValidationError(MSG_TEMPLATE_NOT_ALLOWED)


@transaction.atomic
def upload_paper_template(*, kind, file, user, active=True):
    """A new Word template of ``kind``; in use at once unless ``active`` is False (the one in
    use before is set aside, kept). Refused if it is not a DOCX or uses an unknown placeholder."""
    _check_template_user(user)
    if kind not in PaperKind.values:
        raise ValidationError({"kind": MSG_UNKNOWN_KIND})
    try:
        check_template(file, kind)
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    if active:
        PaperTemplate.objects.select_for_update().filter(kind=kind, active=True).update(
            active=False
        )
    template = PaperTemplate(kind=kind, file=file, active=active, uploaded_by=user)
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def set_paper_template_active(template, *, active, user):
    """Put a template in use (setting aside the one of its kind in use) or out of use (the
    default shipped with the code is used again)."""
    _check_template_user(user)
    template = PaperTemplate.objects.select_for_update().get(pk=template.pk)
    if active:
        PaperTemplate.objects.filter(kind=template.kind, active=True).exclude(
            pk=template.pk
        ).update(active=False)
    template.active = active
    template.full_clean()
    template.save(update_fields=["active"])
    return template


def forget_papers(*, person, pathways):
    """An anonymised person's generated papers go, rows and files (the person's name and tax code
    are printed in them). Runs inside the anonymisation's transaction (``PERSON_ANONYMISED_HOOK``);
    Wagtail removes a deleted document's file on commit."""
    papers = PathwayDocument.objects.filter(pathway__in=pathways)
    document_ids = list(papers.values_list("document_id", flat=True))
    papers.delete()
    # One by one, so that Wagtail's post-delete handler removes each file.
    for document in get_document_model().objects.filter(pk__in=document_ids):
        document.delete()
