from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminScreenMixin(WagtailAdminTemplateMixin):
    """A one-off admin screen. Wagtail shows the last breadcrumb as the page header, so the
    screen's own title goes there; otherwise the header would read "Home"."""

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": self.get_page_title()}]
