"""The admin-home panel of the tirocini whose compulsory communications (COB) are missing, scoped
to the user's Comuni: next to the deadlines panel."""

from wagtail.admin.ui.components import Component

from casework.cases.panels import PANEL_ROWS, _has_case_access

from .selectors import missing_communication_pathways, missing_kinds_of


class MissingCommunicationsPanel(Component):
    name = "casework_traineeship_communications"
    order = 51
    template_name = "casework/traineeship/panel_missing_communications.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        pathways = missing_communication_pathways(self.user)
        rows = [{"pathway": row, "missing": missing_kinds_of(row)} for row in pathways[:PANEL_ROWS]]
        context.update(
            rows=rows,
            total=pathways.count() if len(rows) == PANEL_ROWS else len(rows),
            can_view_pathways=self.user.has_perm("casework.view_pathway"),
        )
        return context


def homepage_panels(request, panels):
    if _has_case_access(request.user) and request.user.has_perm("casework.view_pathway"):
        panels.append(MissingCommunicationsPanel(request.user))
