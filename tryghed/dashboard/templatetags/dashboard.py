from django import template

from tryghed.dashboard import report
from tryghed.dashboard.area import area_for
from tryghed.incidents.numbers import is_hidden

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


@register.filter
def only_hidden(points):
    """Whether a chart's every bar would be a hidden count: it has none to draw."""
    counts = [point.count for point in points]
    return any(is_hidden(c) for c in counts) and all(is_hidden(c) or not c for c in counts)
