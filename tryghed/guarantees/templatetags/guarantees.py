from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def case_url(deadline):
    """The staff page of the deadline's case."""
    if deadline.service_request_id:
        return reverse("staff:servicedesk_staff:request", args=[deadline.service_request.reference])
    return reverse("staff:guarantees:incident", args=[deadline.incident_id])


@register.filter
def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


@register.filter
def duration(minutes):
    """Minutes as "2 d 3 h 05 min", "45 min"; negative values keep their sign."""
    if minutes is None or minutes == "":
        return "–"
    sign = "−" if minutes < 0 else ""
    total = round(abs(minutes))
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_("%(n)d d") % {"n": days})
    if hours or days:
        parts.append(_("%(n)d h") % {"n": hours})
    parts.append(_("%(n)02d min") % {"n": mins} if parts else _("%(n)d min") % {"n": mins})
    return sign + " ".join(parts)
