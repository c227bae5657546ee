"""Per-Comune scoping of the Wagtail admin: every door, not just the listing.

Wagtail's snippet views apply ``get_queryset`` to the listing only (wagtail issue 10746): edit,
inspect, delete, history, revisions, usage, copy, preview and lock views fetch the object by pk
from the whole table. ``ScopedViewSetMixin`` closes them all at the URL level: every URL of the
viewset (and of its chooser) that carries a ``pk`` first checks that the object is in the user's
scope and answers 404 otherwise, so a view added by a future Wagtail release is covered too.
Forms are scoped as well, so a foreign key to another Comune's record cannot be posted.

The same mixin puts the audit on the doors that hand a person's data out without being one of
our own views: a list export (``?export=csv|xlsx``, on the listing and on its results URL) leaves
one AuditEvent EXPORT per exported record, the history and the revision compare of a record leave
a VIEW of its person.
"""

from functools import cache, wraps

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404
from django.urls import URLPattern
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from casework.audit.services import Action, person_paths, record_event, record_rows

from .access import scope


@cache
def scope_paths():
    """Model -> path from it to the Comune that owns its personal data: every casework model that
    declares a ``comune_path``, and the Comune itself."""
    from django.apps import apps

    from network.models import Comune

    paths = {Comune: "pk"}
    for model in apps.get_app_config("casework").get_models():
        if getattr(model, "comune_path", None):
            paths[model] = model.comune_path
    return paths


def scope_for_model(queryset, user):
    """Scope any queryset of a model that carries personal data; others pass through."""
    path = scope_paths().get(queryset.model)
    if path is None:
        return queryset
    return scope(queryset, user, path)


def _scope_field(field, user):
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        field.queryset = scope_for_model(field.queryset, user)


class ScopedAdminForm(WagtailAdminModelForm):
    """Limits every foreign-key and many-to-many choice (also in inline panels) to the user's
    Comuni, so a crafted POST cannot attach another Comune's person or record."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        for field in self.fields.values():
            _scope_field(field, user)
        for formset in getattr(self, "formsets", {}).values():
            for form in [*formset.forms, formset.empty_form]:
                for field in form.fields.values():
                    _scope_field(field, user)


def _scoped_view(view_class, scope_field):
    """A subclass of a chooser view whose object lookups go through the user's scope."""

    class Scoped(view_class):
        def get_object_list(self):
            return scope(super().get_object_list(), self.request.user, scope_field)

        def get_object(self, pk):
            return scope(self.model_class.objects.all(), self.request.user, scope_field).get(pk=pk)

        def get_objects(self, pks):
            return scope(self.model_class.objects.all(), self.request.user, scope_field).filter(
                pk__in=pks
            )

    Scoped.__name__ = Scoped.__qualname__ = f"Scoped{view_class.__name__}"
    return Scoped


class ScopedChooserViewSet(SnippetChooserViewSet):
    scope_field = "comune"

    def __init__(self, *args, scope_field="comune", **kwargs):
        self.scope_field = scope_field
        self.choose_view_class = _scoped_view(ChooseView, scope_field)
        self.choose_results_view_class = _scoped_view(ChooseResultsView, scope_field)
        self.chosen_view_class = _scoped_view(SnippetChosenView, scope_field)
        self.chosen_multiple_view_class = _scoped_view(SnippetChosenMultipleView, scope_field)
        super().__init__(*args, **kwargs)


def guard_urlpatterns(patterns, get_scoped_queryset):
    """Wrap every pattern with a ``pk`` so that an object outside the scope is a 404."""
    guarded = []
    for pattern in patterns:
        if not isinstance(pattern, URLPattern) or "pk" not in pattern.pattern.regex.groupindex:
            guarded.append(pattern)
            continue
        guarded.append(
            URLPattern(
                pattern.pattern,
                _guard_view(pattern.callback, get_scoped_queryset),
                pattern.default_args,
                pattern.name,
            )
        )
    return guarded


def _guard_view(view, get_scoped_queryset):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        pk = unquote(str(kwargs["pk"]))
        try:
            allowed = get_scoped_queryset(request).filter(pk=pk).exists()
        except (ValueError, TypeError, ValidationError):
            allowed = False
        if not allowed:
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


class AuditedExportMixin:
    """In front of a listing of personal data: its list export records, before the file goes
    out, one EXPORT per exported row (the exact queryset: filters and search applied)."""

    def as_spreadsheet(self, queryset, spreadsheet_format):
        record_rows(
            self.request.user,
            Action.EXPORT,
            queryset,
            detail=f"esportazione elenco ({spreadsheet_format})",
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


class AuditedObjectViewMixin:
    """In front of Wagtail's history and revision compare of a record: opening them shows the
    person's data (the compare shows the fields, the history the record's label), so a VIEW."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and getattr(self, "object", None) is not None:
            record_event(request.user, Action.VIEW, self.object, detail=self.audit_detail)
        return response


_AUDITED_VIEWS = (
    (SpreadsheetExportMixin, AuditedExportMixin, ""),
    (RevisionsCompareView, AuditedObjectViewMixin, "revisions_compare"),
    (HistoryView, AuditedObjectViewMixin, "history"),
)


_audited_classes = {}


def audited_view_class(view_class, model):
    """``view_class`` with its audit mixin in front when it hands out a person's data (built
    once per class); other views and models without people pass through."""
    if model not in person_paths():
        return view_class
    for base, mixin, detail in _AUDITED_VIEWS:
        if issubclass(view_class, base) and not issubclass(view_class, mixin):
            if view_class not in _audited_classes:
                _audited_classes[view_class] = type(
                    f"Audited{view_class.__name__}",
                    (mixin, view_class),
                    {"audit_detail": detail, "__module__": __name__},
                )
            return _audited_classes[view_class]
    return view_class


class ScopedViewSetMixin:
    """Mix into a SnippetViewSet (or ModelViewSet) of a model with personal data.

    ``scope_field`` is the path from the model to its Comune; it defaults to the registry in
    ``scope_paths``.
    """

    scope_field = None

    def get_scope_field(self):
        field = self.scope_field or scope_paths().get(self.model)
        if field is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a scope_field.")
        return field

    def scoped_queryset(self, request):
        return scope(self.model._default_manager.all(), request.user, self.get_scope_field())

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if queryset is None:
            queryset = self.model._default_manager.all()
        return scope(queryset, request.user, self.get_scope_field())

    def get_urlpatterns(self):
        return guard_urlpatterns(super().get_urlpatterns(), self.scoped_queryset)

    def construct_view(self, view_class, **kwargs):
        # Every view of the viewset is built here, also the list results and the history
        # results, so the audit reaches each door that serves the same data.
        return super().construct_view(audited_view_class(view_class, self.model), **kwargs)

    @property
    def chooser_viewset(self):
        chooser_class = self.chooser_viewset_class
        if not issubclass(chooser_class, ScopedChooserViewSet):
            chooser_class = ScopedChooserViewSet
        chooser = chooser_class(
            self.get_chooser_admin_url_namespace(),
            model=self.model,
            url_prefix=self.get_chooser_admin_base_path(),
            icon=self.icon,
            per_page=self.chooser_per_page,
            scope_field=self.get_scope_field(),
        )
        return chooser

    def get_edit_handler(self):
        handler = super().get_edit_handler()
        if handler is None:
            return handler
        if handler.base_form_class is None:
            handler.base_form_class = ScopedAdminForm
        elif not issubclass(handler.base_form_class, ScopedAdminForm):
            raise ImproperlyConfigured(
                f"{type(self).__name__}: the base form must subclass ScopedAdminForm."
            )
        return handler
