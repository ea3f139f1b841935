from django import template

from tryghed.citizen_meetings.models import CitizenMeeting
from tryghed.citizen_meetings.talks import accepted_talk_requests

register = template.Library()


@register.inclusion_tag("citizen_meetings/staff/_request_link.html", takes_context=True)
def talk_event_link(context, service_request):
    """On a "Bestil en betjent" request: its event, or the button that makes one once the
    police have accepted the talk."""
    user = context["request"].user
    meeting = CitizenMeeting.objects.visible_to(user).filter(source_request=service_request).first()
    can_create = (
        meeting is None and accepted_talk_requests(user).filter(pk=service_request.pk).exists()
    )
    return {"meeting": meeting, "can_create": can_create, "sr": service_request}
