"""Word templates (docxtpl): which one a paper uses, how it is filled, and the check an upload
passes (a DOCX whose placeholders are all known)."""

import zipfile
from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .context import placeholders_for
from .models import PaperTemplate

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "default_templates"

MSG_NOT_DOCX = _("Il file non è un documento Word (DOCX).")
MSG_UNKNOWN_PLACEHOLDER = _("Il modello usa un segnaposto sconosciuto: {{ %(name)s }}")
MSG_UNKNOWN_PLACEHOLDERS = _("Il modello usa segnaposto sconosciuti: %(names)s")
MSG_TEMPLATE_SYNTAX = _("Il modello non si può leggere: %(error)s")


def default_template_path(kind):
    return DEFAULT_TEMPLATES / f"{kind}.docx"


def active_template(kind):
    """The uploaded template in use for ``kind``, or None (the default is used)."""
    return PaperTemplate.objects.filter(kind=kind, active=True).order_by("-uploaded_at").first()


def _read(file):
    if hasattr(file, "seek"):
        file.seek(0)
    content = file.read() if hasattr(file, "read") else Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return content


def _open(content):
    from docxtpl import DocxTemplate

    if not zipfile.is_zipfile(BytesIO(content)):
        raise ValidationError(MSG_NOT_DOCX, code="not_docx")
    with zipfile.ZipFile(BytesIO(content)) as archive:
        if "word/document.xml" not in archive.namelist():
            raise ValidationError(MSG_NOT_DOCX, code="not_docx")
    try:
        return DocxTemplate(BytesIO(content))
    except Exception as error:  # python-docx refuses a broken package
        raise ValidationError(MSG_NOT_DOCX, code="not_docx") from error


def check_template(file, kind):
    """Refuse a file that is not a DOCX, or a template using a placeholder ``kind`` does not
    know, naming it. ``file`` is an uploaded file or a path."""
    name = getattr(file, "name", str(file)) or ""
    if not name.lower().endswith(".docx"):
        raise ValidationError(MSG_NOT_DOCX, code="not_docx")
    template = _open(_read(file))
    try:
        used = template.get_undeclared_template_variables()
    except Exception as error:  # a Jinja syntax error in the document
        raise ValidationError(
            MSG_TEMPLATE_SYNTAX, code="syntax", params={"error": str(error)}
        ) from error
    unknown = sorted(set(used) - set(placeholders_for(kind)))
    if len(unknown) == 1:
        raise ValidationError(
            MSG_UNKNOWN_PLACEHOLDER, code="unknown_placeholder", params={"name": unknown[0]}
        )
    if unknown:
        names = ", ".join("{{ " + name + " }}" for name in unknown)
        raise ValidationError(
            MSG_UNKNOWN_PLACEHOLDERS, code="unknown_placeholder", params={"names": names}
        )


def render_docx(kind, context):
    """The DOCX's bytes: the active template of ``kind`` (or the default) filled with
    ``context``, its values escaped for Word's XML."""
    from docxtpl import DocxTemplate

    uploaded = active_template(kind)
    if uploaded is not None:
        with uploaded.file.open("rb") as handle:
            template = DocxTemplate(BytesIO(handle.read()))
    else:
        template = DocxTemplate(default_template_path(kind))
    template.render(context, autoescape=True)
    output = BytesIO()
    template.save(output)
    return output.getvalue()
