"""The Word templates of the papers in the admin (Impostazioni › Modelli di documento): the
programme manager uploads a template (refused if it is not a DOCX or uses an unknown
placeholder), puts one in use or sets it aside; the upload page lists the placeholders."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.models import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from casework.admin_base import add_service_errors
from casework.cases.choices import PaperKind
from casework.permissions.names import user_column

from . import services
from .context import COMMON_PLACEHOLDERS, KIND_PLACEHOLDERS
from .models import PaperTemplate
from .word import check_template


def placeholder_help():
    """The placeholders, for the upload page: the common ones, then each paper's own."""

    def shown(names):
        return [("{{ " + name + " }}", description) for name, description in names.items()]

    return {
        "intro": [
            _(
                "Scrivi i segnaposto tra doppie graffe, per esempio {{ persona_cognome }}: al loro "
                "posto il documento riporta i dati del percorso."
            ),
            _(
                "Gli elenchi si scorrono con un ciclo, un paragrafo per riga: "
                "{%p for item in attivita %}, poi {{ item.nome }}, poi {%p endfor %}."
            ),
            _(
                "Un modello che usa un segnaposto non elencato qui viene rifiutato, con il suo nome."
            ),
        ],
        "common": shown(COMMON_PLACEHOLDERS),
        "kinds": [
            (PaperKind(kind).label, shown(names)) for kind, names in KIND_PLACEHOLDERS.items()
        ],
    }


class PaperTemplateForm(forms.ModelForm):
    class Meta:
        model = PaperTemplate
        fields = ["kind", "file", "active"]
        help_texts = {
            "file": _(
                "Un file .docx con i segnaposto tra doppie graffe, per esempio "
                "{{ persona_cognome }}: l'elenco è sotto."
            )
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user
        self.fields["file"].widget.attrs["accept"] = (
            ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )

    def clean(self):
        cleaned = super().clean()
        kind, file = cleaned.get("kind"), cleaned.get("file")
        if kind and file:
            try:
                check_template(file, kind)
            except ValidationError as error:
                self.add_error("file", error)
        return cleaned


class PaperTemplateActiveForm(forms.ModelForm):
    class Meta:
        model = PaperTemplate
        fields = ["active"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_user = for_user


class ServiceFormMixin:
    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError:
            return self.form_invalid(form)


class PaperTemplateCreateView(ServiceFormMixin, CreateView):
    template_name = "casework/papers/template_create.html"
    success_message = _("Modello «%(object)s» caricato.")

    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return services.upload_paper_template(
                kind=data["kind"], file=data["file"], user=self.request.user, active=data["active"]
            )
        except ValidationError as error:
            add_service_errors(self.form, error)
            raise

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["placeholders"] = placeholder_help()
        return context


class PaperTemplateEditView(ServiceFormMixin, EditView):
    success_message = _("Modello «%(object)s» aggiornato.")

    def save_instance(self):
        try:
            return services.set_paper_template_active(
                self.object, active=self.form.cleaned_data["active"], user=self.request.user
            )
        except ValidationError as error:
            add_service_errors(self.form, error)
            raise


class PaperTemplateIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("uploaded_by")


class PaperTemplateViewSet(ModelViewSet):
    model = PaperTemplate
    icon = "doc-full"
    menu_label = _("Modelli di documento")
    name = "casework_papertemplate"
    url_prefix = "casework/paper-templates"
    add_to_settings_menu = True
    index_view_class = PaperTemplateIndexView
    add_view_class = PaperTemplateCreateView
    edit_view_class = PaperTemplateEditView
    list_display = ["kind", "uploaded_at", user_column("uploaded_by", _("caricato da")), "active"]
    list_filter = ["kind", "active"]
    search_fields = []
    search_backend_name = None
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return PaperTemplateActiveForm if for_update else PaperTemplateForm
