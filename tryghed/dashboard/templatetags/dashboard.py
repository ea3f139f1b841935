from django import template

from tryghed.dashboard import report
from tryghed.dashboard.area import area_for

register = template.Library()


@register.filter
def has_dashboard(user):
    """Whether the user reads a district or a municipality on the dashboard."""
    return not area_for(user).empty


@register.filter
def signed_percent(value):
    """A change in percent with its sign, or – when it cannot or may not be said."""
    return report.signed_percent(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key)
