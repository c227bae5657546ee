"""The admin search screen ("Cerca"): people, referrals, host organisations and positions."""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.audit.services import Action, record_events

from .selectors import KINDS_BY_NAME, audit_rows, search, visible_kinds

URL_NAME = "casework_search"


class SearchView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "casework/search/results.html"
    page_title = _("Cerca")
    header_icon = "search"

    def dispatch(self, request, *args, **kwargs):
        if not visible_kinds(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET or None, placeholder=_("Cognome e nome, codice fiscale…"))
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        kind = request.GET.get("tipo")
        kind = kind if kind in KINDS_BY_NAME else None
        groups = search(request.user, query, kind=kind, page=request.GET.get("p") or 1)
        # The results name people: each one shown is an access to their record.
        record_events(request.user, Action.VIEW, audit_rows(groups))
        base = reverse(URL_NAME)
        for group in groups:
            group.all_url = f"{base}?{urlencode({'q': query, 'tipo': group.kind.name})}"
            page = group.page
            group.previous_url = (
                f"{group.all_url}&p={page.previous_page_number()}" if page.has_previous() else ""
            )
            group.next_url = (
                f"{group.all_url}&p={page.next_page_number()}" if page.has_next() else ""
            )
        context = self.get_context_data(
            form=form,
            query=query,
            kind=KINDS_BY_NAME.get(kind),
            groups=groups,
            found=any(group.count for group in groups),
            everything_url=f"{base}?{urlencode({'q': query})}",
        )
        return self.render_to_response(context)


def search_urlpatterns():
    return [path("cerca/", SearchView.as_view(), name=URL_NAME)]
