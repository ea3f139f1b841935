from django import template
from django.utils import timezone

from tryghed.meetings.models import FollowUp, Meeting

register = template.Library()


@register.inclusion_tag("meetings/_council_summary.html", takes_context=True)
def council_meetings_summary(context, council):
    """The council's open actions and next meeting, for the council's own page."""
    user = context["request"].user
    meetings = Meeting.objects.visible_to(user).filter(council=council)
    return {
        "council": council,
        "can_read": meetings.exists()
        or FollowUp.objects.visible_to(user).filter(council=council).exists(),
        "next_meeting": meetings.upcoming().first(),
        "open_actions": FollowUp.objects.visible_to(user)
        .open()
        .filter(council=council)
        .select_related("owner", "decision__agenda_item__meeting"),
        "today": timezone.localdate(),
    }
