from django import template

from tryghed.dashboard.area import area_for

register = template.Library()


@register.filter
def has_dashboard(user):
    """Whether the user reads a district or a municipality on the dashboard."""
    return not area_for(user).empty
