"""What the papers area adds to the admin: the generate and download URLs, the section
"Documenti del percorso" of the pathway's page, the guard on Wagtail's document serve URL and the
templates' screens."""

from casework.cases.anonymisation import PERSON_ANONYMISED_HOOK
from casework.cases.inspect import PATHWAY_PAGE_HOOK

from .access import check_paper_document
from .selectors import pathway_papers
from .services import forget_papers
from .views import papers_urlpatterns
from .viewsets import PaperTemplateViewSet


def paper_templates_viewset():
    return PaperTemplateViewSet()


def register(hooks):
    hooks.register("register_admin_urls", papers_urlpatterns)
    hooks.register(PATHWAY_PAGE_HOOK, lambda p, user: {"papers": pathway_papers(p, user)})
    hooks.register("before_serve_document", check_paper_document)
    hooks.register("register_admin_viewset", paper_templates_viewset)
    hooks.register(PERSON_ANONYMISED_HOOK, forget_papers)
