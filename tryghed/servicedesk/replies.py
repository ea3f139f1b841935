"""Reply templates' placeholders: {reference}, {service}, {municipality}, {team} and
{received}, filled in from the request in the language the reply goes out in.

A word in braces is a placeholder: one not among these is refused when the template is
saved, since the citizen would read the braces. Other braces (a lone one, "{1 2}") are
sent as written, so a template needs no escaping.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

# As the reply template's help text lists them.
PLACEHOLDERS = ("reference", "service", "municipality", "team", "received")
PATTERN = re.compile(r"\{(\w+)\}")


def _braced(names):
    return ", ".join(f"{{{name}}}" for name in names)


def validate(text):
    unknown = sorted({name for name in PATTERN.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder %(unknown)s. Use %(names)s."),
            code="unknown_placeholder",
            params={
                "unknown": _braced(unknown),
                "names": _braced(PLACEHOLDERS),
            },
        )


def fill(text, handling, *, language):
    """`text` with its placeholders replaced by the values of `handling`'s request."""
    request = handling.request
    with translation.override(language):
        values = {
            "reference": request.reference,
            "service": request.service.tr("name"),
            "municipality": request.municipality.name if request.municipality_id else "",
            "team": handling.queue.name,
            "received": formats.date_format(
                timezone.localtime(request.submitted_at).date(), "DATE_FORMAT"
            ),
        }
    return PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), text)
