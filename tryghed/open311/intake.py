"""Reading an Open311 POST requests body into a citizen request.

Every field is checked before anything is stored, and every problem is reported at once, so
that a client developer can fix a request in one round.
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tryghed.core.validators import validate_mailbox
from tryghed.open311.dates import parse_w3c, w3c
from tryghed.organisation.models import Municipality, PostalCode
from tryghed.servicedesk import answers
from tryghed.servicedesk.answers import NUMBER_MAX
from tryghed.servicedesk.models import ServiceAttribute, ServiceRequest

MAX_DESCRIPTION = 4000  # the spec's limit
MAX_STRING = 300
MAX_TEXT = 4000
MAX_NAME = ServiceRequest._meta.get_field("reporter_name").max_length
MAX_EMAIL = ServiceRequest._meta.get_field("reporter_email").max_length
MAX_PLACE = ServiceRequest._meta.get_field("place").max_length
Datatype = ServiceAttribute.Datatype

_ATTRIBUTE_FIELD = re.compile(r"attribute\[([^\[\]]{1,60})\](\[\])?")
# C0 and C1 control characters but tab and line breaks, which are text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_PHONE = re.compile(r"[0-9+()\-. ]{3,30}")
_POSTCODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_MUNICIPALITY_CODE = re.compile(r"\d{4}")
# Numbers as people write them: no exponents, underscores or other spellings float() takes.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class Invalid(Exception):
    """The request cannot be accepted; `messages` say why, one per problem."""

    def __init__(self, messages, status=400):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)
        self.status = status


@dataclass
class Submission:
    description: str
    lat: float | None = None
    lon: float | None = None
    municipality: Municipality | None = None
    place: str = ""
    details: dict = field(default_factory=dict)
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    media_url_ignored: bool = False

    def as_kwargs(self):
        return {
            "description": self.description,
            "lat": self.lat,
            "lon": self.lon,
            "municipality": self.municipality,
            "place": self.place,
            "details": self.details,
            "reporter_name": self.reporter_name,
            "reporter_email": self.reporter_email,
            "reporter_phone": self.reporter_phone,
        }


def clean(value):
    """Text as a person meant it: without control characters, which no form can type and
    PostgreSQL cannot store (NUL), and without surrounding white space."""
    return _CONTROL.sub("", value or "").strip()


# Characters that draw nothing on their own: controls, zero-width and other format
# characters, spaces, lone combining marks, and the few letters that are blank by design
# (Hangul fillers, the blank Braille pattern).
_BLANK_CATEGORIES = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}
_BLANK_CHARACTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def has_visible_character(text):
    """Whether the text says anything: one of only zero-width spaces, say, passes strip()
    and "required", yet tells the police nothing."""
    return any(
        char not in _BLANK_CHARACTERS and unicodedata.category(char) not in _BLANK_CATEGORIES
        for char in text
    )


def undecodable_fields(request):
    """The names of the posted fields whose bytes are not text in the request's encoding.

    Django decodes such bytes (percent-escaped, as a form sends them) into U+FFFD
    replacement characters, and a person may paste a real U+FFFD, so only the raw body can
    tell. It can be re-read for a urlencoded body; a multipart body cannot, and is taken as
    it is (browsers send the page's own encoding).
    """
    if request.content_type != "application/x-www-form-urlencoded":
        return set()
    if not any("\ufffd" in value for _, values in request.POST.lists() for value in values):
        return set()
    encoding = request.encoding or settings.DEFAULT_CHARSET
    found = set()
    # Latin-1 maps every byte to one character, so each value's bytes come back intact.
    pairs = parse_qsl(request.body.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    for key, value in pairs:
        try:
            value.encode("latin-1").decode(encoding)
        except UnicodeDecodeError:
            found.add(key.encode("latin-1").decode(encoding, errors="replace"))
    return found


def has_control_characters(value):
    return bool(_CONTROL.search(value or ""))


def shorten(value, length=60):
    return value if len(value) <= length else value[: length - 1] + "…"


def read(data, service, attributes):
    """A Submission for `service`, whose questions are `attributes`, from the POST data, or
    Invalid with every problem found."""
    problems = []
    # A control character is refused rather than dropped: dropped from "55.6\x0015" it
    # would place the request at 55.615.
    for key in data:
        if any(has_control_characters(v) for v in data.getlist(key)):
            problems.append(
                _("%(name)s contains characters that are not allowed.") % {"name": shorten(key)}
            )
    if problems:
        raise Invalid(problems)
    submission = Submission(description="")
    _read_location(data, submission, problems)
    _read_contact(data, submission, problems)

    description = clean(data.get("description"))
    if not has_visible_character(description):
        problems.append(_("description is required: describe what the request is about."))
    elif len(description) > MAX_DESCRIPTION:
        problems.append(
            _("description can be at most %(max)d characters long.") % {"max": MAX_DESCRIPTION}
        )
    submission.description = description

    submission.details = _read_attributes(data, service, attributes, problems)
    # Photos are only taken through the web form, which re-encodes them without their
    # metadata; fetching a client's URL would make the server a proxy for whoever sends it.
    submission.media_url_ignored = bool(clean(data.get("media_url")))
    if problems:
        raise Invalid(problems)
    return submission


def is_decimal(raw):
    """Whether `raw` is a number as people write it: digits with a point, perhaps a sign."""
    return bool(_DECIMAL.fullmatch(raw))


def _coordinate(raw, name, limit, problems):
    if not is_decimal(raw):
        problems.append(_("%(name)s must be a decimal number.") % {"name": name})
        return None
    value = float(raw)
    if not math.isfinite(value) or not -limit <= value <= limit:
        problems.append(
            _("%(name)s must be between -%(limit)d and %(limit)d.") % {"name": name, "limit": limit}
        )
        return None
    return value


def _read_location(data, submission, problems):
    lat_raw, lon_raw = clean(data.get("lat")), clean(data.get("long"))
    if bool(lat_raw) != bool(lon_raw):
        problems.append(_("lat and long must be given together."))
    elif lat_raw:
        submission.lat = _coordinate(lat_raw, "lat", 90, problems)
        submission.lon = _coordinate(lon_raw, "long", 180, problems)
        if submission.lat is None or submission.lon is None:
            submission.lat = submission.lon = None

    address = clean(data.get("address_string"))
    # A place that was given but is wrong has its own problem; "required" would only confuse.
    given = bool(lat_raw or lon_raw or address)
    if len(address) > MAX_PLACE:
        problems.append(
            _("address_string can be at most %(max)d characters long.") % {"max": MAX_PLACE}
        )
        address = ""
    submission.place = address

    address_id = clean(data.get("address_id"))
    if address_id:
        municipality = None
        if _MUNICIPALITY_CODE.fullmatch(address_id):
            municipality = _municipalities().filter(code=address_id).first()
        if municipality is None:
            problems.append(
                _(
                    "address_id must be the four-digit code of a Danish municipality, "
                    "e.g. 0265 for Roskilde."
                )
            )
        submission.municipality = municipality

    has_coordinates = submission.lat is not None
    if has_coordinates or submission.municipality is not None:
        return
    if address:
        try:
            submission.municipality = municipality_of_address(address)
        except Invalid as exc:
            problems.extend(exc.messages)
    elif not (given or address_id):
        problems.append(_("A location is required: lat and long, address_string or address_id."))


def municipality_of_address(text):
    """The one municipality an address names by its postal code or by its name."""
    municipalities = _municipalities()
    named = {
        m
        for m in municipalities
        if re.search(rf"(?<!\w){re.escape(m.name)}(?!\w)", text, re.IGNORECASE)
    }
    codes = set(_POSTCODE.findall(text))
    by_code = set()
    if codes:
        ids = PostalCode.objects.filter(number__in=codes).values_list("municipality", flat=True)
        by_code = set(municipalities.filter(pk__in=ids))
    candidates = (by_code if len(by_code) == 1 else by_code & named) if by_code else named
    if len(candidates) == 1:
        return candidates.pop()
    if len(candidates) > 1 or len(by_code) > 1:
        raise Invalid(
            [
                _(
                    "address_string could lie in several municipalities (%(names)s); send lat "
                    "and long, or the municipality's code as address_id."
                )
                % {"names": ", ".join(sorted(m.name for m in (candidates or by_code)))}
            ]
        )
    raise Invalid(
        [
            _(
                "address_string names no Danish postal code or municipality that we know; "
                "send lat and long, or the municipality's code as address_id."
            )
        ]
    )


def _municipalities():
    # Routing reads the district's name; neither boundary is needed, and both are large.
    return Municipality.objects.select_related("district").defer("boundary", "district__boundary")


def _read_contact(data, submission, problems):
    first, last = clean(data.get("first_name")), clean(data.get("last_name"))
    name = " ".join(part for part in (first, last) if part)
    if len(name) > MAX_NAME:
        problems.append(
            _("first_name and last_name can be at most %(max)d characters together.")
            % {"max": MAX_NAME}
        )
    else:
        submission.reporter_name = name

    email = clean(data.get("email"))
    if email:
        try:
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
            validate_email(email)
            validate_mailbox(email)
        except ValidationError:
            problems.append(_("email is not a valid e-mail address."))
        else:
            submission.reporter_email = email

    phone = clean(data.get("phone"))
    if phone:
        if not _PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 3:
            problems.append(_("phone must be a phone number of digits, spaces and + ( ) - . only."))
        else:
            submission.reporter_phone = phone


def _read_attributes(data, service, attributes, problems):
    given = {}
    for key in data:
        if not key.startswith("attribute["):
            continue
        match = _ATTRIBUTE_FIELD.fullmatch(key)
        if match is None:
            problems.append(
                _("%(field)s is not an attribute field; write attribute[CODE].")
                % {"field": shorten(key)}
            )
            continue
        values = [clean(v) for v in data.getlist(key)]
        given.setdefault(match[1], []).extend(v for v in values if has_visible_character(v))

    details = {}
    for attribute in attributes:
        values = given.pop(attribute.code, [])
        label = f"attribute[{attribute.code}]"
        if not values:
            if attribute.required:
                problems.append(
                    _("%(field)s is required: %(question)s")
                    % {"field": label, "question": attribute.tr("description")}
                )
            continue
        if attribute.datatype != Datatype.MULTIVALUELIST and len(values) > 1:
            problems.append(_("%(field)s takes one value.") % {"field": label})
            continue
        value = _attribute_value(attribute, service.kind, values, label, problems)
        if value is not None:
            details[attribute.code] = value
    for code in given:
        problems.append(
            _("attribute[%(code)s] is not a question of the service %(service)s.")
            % {"code": shorten(code), "service": service.code}
        )
    return details


def _attribute_value(attribute, service_kind, values, label, problems):
    value = values[0]
    kind = attribute.datatype
    if kind in (Datatype.STRING, Datatype.TEXT):
        limit = MAX_STRING if kind == Datatype.STRING else MAX_TEXT
        if len(value) > limit:
            problems.append(
                _("%(field)s can be at most %(max)d characters long.")
                % {"field": label, "max": limit}
            )
            return None
        return value
    if kind == Datatype.NUMBER:
        written = value.replace(",", ".")
        number = float(written) if _DECIMAL.fullmatch(written) else math.nan
        # As the web form takes it: a whole number from 0 ("12" and "12.0" alike).
        if not (math.isfinite(number) and number.is_integer() and 0 <= number <= NUMBER_MAX):
            problems.append(
                _("%(field)s must be a whole number from 0 to %(most)s.")
                % {"field": label, "most": NUMBER_MAX}
            )
            return None
        return int(number)
    if kind == Datatype.DATETIME:
        moment = parse_w3c(value)
        if moment is None:
            problems.append(
                _("%(field)s must be a W3C date and time, e.g. 2026-07-01T20:00:00+02:00.")
                % {"field": label}
            )
            return None
        try:
            # The web form's rule, so that neither channel stores what the other refuses.
            answers.validate_moment(service_kind, moment)
        except ValidationError as exc:
            problems.append(
                _("%(field)s: %(problem)s") % {"field": label, "problem": exc.messages[0]}
            )
            return None
        return w3c(moment)
    keys = [str(v.get("key")) for v in attribute.values if isinstance(v, dict)]
    chosen = list(dict.fromkeys(values))
    wrong = [v for v in chosen if v not in keys]
    if wrong:
        problems.append(
            _("%(field)s must be one of %(keys)s, not %(value)s.")
            % {"field": label, "keys": ", ".join(keys), "value": shorten(wrong[0])}
        )
        return None
    return chosen if kind == Datatype.MULTIVALUELIST else chosen[0]
