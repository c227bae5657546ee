from django import template
from django.utils.translation import gettext as _
from wagtail.models import Site

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page and its live children shown in menus, marking the current one."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    root = site.root_page
    current = context.get("page")
    items = [
        {
            "title": _("Home"),
            "url": root.url,
            "current": current is not None and current.pk == root.pk,
        }
    ]
    for child in root.get_children().live().in_menu():
        items.append(
            {
                "title": child.title,
                "url": child.url,
                "current": current is not None and current.pk == child.pk,
            }
        )
    return items


@register.inclusion_tag("home/blocks/comuni_items.html")
def comuni_items():
    # The territory is public data; no personal data reaches public pages.
    from network.models import Comune

    return {"comuni": Comune.objects.order_by("name").only("name")}
