import time
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import get_language

from tryghed.organisation.models import PoliceDistrict

register = template.Library()

# The district's name is reference data that changes only when DAGI is reloaded. Held in
# the process for a while, it keeps the shared layout from adding a query to every page
# (the configured cache is the database, which would cost the same query).
DISTRICT_NAME_SECONDS = 15 * 60
_district_names = {}  # district number -> (name, expires at)


@register.simple_tag
def site_district_name():
    """The name of the district this deployment presents, or "" before the data is loaded."""
    number = settings.TRYGHED_DISTRICT
    cached = _district_names.get(number)
    if cached and cached[1] > time.monotonic():
        return cached[0]
    name = PoliceDistrict.objects.filter(number=number).values_list("name", flat=True).first()
    if name is None:
        return ""
    _district_names[number] = (name, time.monotonic() + DISTRICT_NAME_SECONDS)
    return name


@register.filter
def tr(obj, field):
    """The field in the active language (see tryghed.core.translated)."""
    return obj.tr(field)


@register.filter
def shown_in_danish(obj, field):
    """True when English is active but the field has no English text, so the Danish text is
    shown: the element then needs lang="da" for screen readers to pronounce it right."""
    if not (get_language() or "da").startswith("en"):
        return False
    return not getattr(obj, f"{field}_en", "") and bool(getattr(obj, field, ""))


@register.filter
def percent(value):
    """A progress value as a whole percentage, rounded as people round."""
    return int(Decimal(value or 0).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@register.simple_tag
def icon(name, css_class=""):
    """A DKFDS icon from the shipped sprite; decorative, so hidden from assistive tech."""
    classes = f"icon-svg {css_class}".strip()
    return format_html(
        '<svg class="{}" focusable="false" aria-hidden="true"><use href="{}#{}"></use></svg>',
        classes,
        static("vendor/dkfds/img/all-svg-icons.svg"),
        name,
    )


STATUS_BADGES = {
    "planned": "",
    "in_progress": "badge-info",
    "completed": "badge-success",
    "paused": "badge-warning",
    "cancelled": "badge-error",
}


@register.filter
def status_badge(status):
    """The DKFDS badge variant for an initiative status."""
    return STATUS_BADGES.get(status, "")
