from django import template

from casework.money.euro import format_euro

register = template.Library()


@register.filter
def euro(value):
    return format_euro(value)
