"""The citizen's forms: one per service, with the service's own questions generated from
its ServiceAttribute rows, the place, optional photos and contact details."""

import datetime as dt
import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from tryghed.core.validators import validate_mailbox, validate_phone
from tryghed.open311 import intake
from tryghed.open311.intake import Invalid, has_visible_character, municipality_of_address
from tryghed.organisation.models import Municipality
from tryghed.servicedesk import answers, notify, photos
from tryghed.servicedesk.models import Kind, ServiceAttribute

Datatype = ServiceAttribute.Datatype

ATTRIBUTE_PREFIX = "q-"
STRING_MAX = 200
TEXT_MAX = 2000
DESCRIPTION_MAX = 4000
MESSAGE_MAX = 4000

DATETIME_FORMATS = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y kl. %H.%M",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d/%m/%Y",
]
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]

# Field names of the location part; their errors are shown at the map and listed once.
LOCATION_FIELDS = ("lat", "lon")
# Fields the citizen never sees: their errors can only mean a changed or stale page.
HIDDEN_FIELDS = ("service", "form_id")
CHANGED_FORM = _("The form has expired or was changed. Check your answers and send it again.")


def new_form_id():
    return secrets.token_urlsafe(16)


class TextField(forms.CharField):
    """Text that must say something: text of only invisible characters (zero-width spaces,
    say) passes Django's strip() and "required", yet tells the police nothing."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if has_visible_character(value) else self.empty_value

    def clean(self, value):
        # Control characters other than line breaks and tabs draw nothing, and would reach
        # the staff's pages, e-mails and spreadsheets as they are: dropped, as the desk's
        # messages drop them. Only after the validators, which refuse a NUL with a message.
        return intake.clean(super().clean(value))


class CoordinateField(forms.FloatField):
    """A degree as the map writes it: float() also reads "5_5", "1e1" and "nan"."""

    def to_python(self, value):
        if value not in self.empty_values and not intake.is_decimal(str(value).strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class TelInput(forms.TextInput):
    # Setting attrs["type"] on a TextInput renders a second type attribute.
    input_type = "tel"


class PastDateTimeField(forms.DateTimeField):
    """When something happened: not in the future, and not years ago."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            # Django refuses a local time that the clock change makes ambiguous or
            # impossible, with a message about time zones.
            if getattr(exc, "code", None) != "ambiguous_timezone":
                raise
            naive = exc.params["datetime"]
            zone = exc.params["current_timezone"]
        # 02:30 on the night the clocks go back happened twice; either will do for a
        # report, so take the first.
        first = naive.replace(tzinfo=zone, fold=0)
        if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive:
            return first
        raise forms.ValidationError(
            _(
                "That time did not exist: the clocks were put forward one hour that night. "
                "Check the time."
            ),
            code="nonexistent",
        )

    def validate(self, value):
        super().validate(value)
        if value is not None:
            answers.validate_happened(value)


class FutureDateField(forms.DateField):
    """A date to book: from tomorrow and up to a year ahead."""

    def validate(self, value):
        super().validate(value)
        if value is not None:
            answers.validate_wished_day(value)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def to_python(self, data):
        return data

    def clean(self, data, initial=None):
        files = [f for f in (data or []) if f]
        if len(files) > photos.MAX_PHOTOS:
            raise forms.ValidationError(
                _("You can send at most %(count)d photos.") % {"count": photos.MAX_PHOTOS},
                code="too_many",
            )
        cleaned, errors = [], []
        for uploaded in files:
            try:
                cleaned.append(photos.clean_photo(uploaded))
            except photos.PhotoError as exc:
                errors.append(forms.ValidationError(str(exc), code="bad_photo"))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


def _choices(attribute):
    english = (get_language() or "da").startswith("en")
    return [
        (value["key"], (english and value.get("name_en")) or value["name"])
        for value in attribute.values
    ]


def attribute_field(attribute, kind):
    """The form field for one of the service's questions."""
    common = {"label": attribute.tr("description"), "required": attribute.required}
    if attribute.datatype == Datatype.STRING:
        return TextField(max_length=STRING_MAX, **common)
    if attribute.datatype == Datatype.TEXT:
        return TextField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common)
    if attribute.datatype == Datatype.NUMBER:
        return forms.IntegerField(min_value=0, max_value=answers.NUMBER_MAX, **common)
    if attribute.datatype == Datatype.DATETIME:
        if answers.asks_for_a_day(kind):
            return FutureDateField(
                input_formats=DATE_FORMATS,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=_("Carrying out a request can take up to 30 days."),
                **common,
            )
        return PastDateTimeField(
            input_formats=DATETIME_FORMATS,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            help_text=_("Date and time; your best guess is fine."),
            **common,
        )
    # Django's message repeats the posted value, which may be anything a script sends.
    invalid = {"invalid_choice": _("Choose one of the options.")}
    if attribute.datatype == Datatype.SINGLEVALUELIST:
        return forms.ChoiceField(
            choices=_choices(attribute),
            widget=forms.RadioSelect,
            error_messages=invalid,
            **common,
        )
    return forms.MultipleChoiceField(
        choices=_choices(attribute),
        widget=forms.CheckboxSelectMultiple,
        error_messages=invalid,
        **common,
    )


def _stored(value):
    """An answer as kept in the request's details (JSON): times in UTC, ISO 8601."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def municipality_choices():
    """The served districts' municipalities first; every other one too, so that a citizen
    who picks one elsewhere is told which district to turn to."""
    served, others = [], []
    rows = Municipality.objects.order_by("name").values_list("code", "name", "district__number")
    for code, name, district_number in rows:
        target = served if district_number in settings.TRYGHED_SERVED_DISTRICTS else others
        target.append((code, name))
    choices = [("", _("Choose a municipality"))]
    if served:
        choices.append((_("In this police district"), served))
    if others:
        choices.append((_("Elsewhere in Denmark"), others))
    return choices


class RequestForm(forms.Form):
    service = forms.CharField(widget=forms.HiddenInput, max_length=60)
    description = TextField(max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 6}))
    place = TextField(
        label=_("Address or place"),
        max_length=300,
        required=False,
        help_text=_("For example Hovedgaden 12, Køge, or the car park at Greve Station."),
    )
    municipality = forms.ChoiceField(
        label=_("Municipality"),
        required=False,
        help_text=_(
            "Not needed if you have marked the place on the map or written an address with "
            "its postcode."
        ),
        # Django's message repeats the posted value, which may hold control characters.
        error_messages={"invalid_choice": _("Choose a municipality from the list.")},
    )
    lat = CoordinateField(
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The marked place is not a valid position."),
            "min_value": _("The latitude of the marked place must be between -90 and 90."),
            "max_value": _("The latitude of the marked place must be between -90 and 90."),
        },
    )
    lon = CoordinateField(
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The marked place is not a valid position."),
            "min_value": _("The longitude of the marked place must be between -180 and 180."),
            "max_value": _("The longitude of the marked place must be between -180 and 180."),
        },
    )
    photos = PhotosField(
        label=_("Choose photos"),
        required=False,
        help_text=_(
            "Up to 3 photos, JPEG or PNG, at most 8 MB each. We remove the hidden information "
            "in photos, such as where they were taken."
        ),
    )
    reporter_name = TextField(label=_("Name"), max_length=200, required=False)
    reporter_email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        validators=[validate_mailbox],
        help_text=_("We send you a receipt with the link to follow your request."),
    )
    reporter_phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=TelInput,
        validators=[validate_phone],
    )
    # Never shown to people: a bot that fills in every field fills in this one too.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    # Identifies one filled-in form, so that sending the same page twice (reload, double
    # click) files one request.
    form_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    DESCRIPTION_TEXT = {
        Kind.TIP: (
            _("What did you see?"),
            _("Describe what happened as precisely as you can."),
        ),
        Kind.NUISANCE: (
            _("Describe the nuisance"),
            _("What happens, and how does it affect you and others?"),
        ),
        Kind.OFFICER_REQUEST: (
            _("Tell us about your request"),
            _("For example what you would like, the time of day and where it will take place."),
        ),
    }

    def __init__(self, service, *args, undecodable=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.service = service
        # Fields whose bytes were not text (intake.undecodable_fields).
        self.undecodable = set(undecodable)
        self.kind = service.kind
        self.fields["service"].initial = service.code
        label, hint = self.DESCRIPTION_TEXT[self.kind]
        self.fields["description"].label = label
        self.fields["description"].help_text = hint
        self.fields["municipality"].choices = municipality_choices()
        self.attribute_names = []
        for attribute in service.attributes.all():
            name = ATTRIBUTE_PREFIX + attribute.code
            self.fields[name] = attribute_field(attribute, self.kind)
            self.attribute_names.append(name)
        if self.kind == Kind.OFFICER_REQUEST:
            # The police answer every order, so they need someone to answer.
            self.fields["reporter_name"].required = True
            self.fields["reporter_email"].required = True
        self._style()

    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-checkbox"
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs["class"] = "form-radio"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif isinstance(widget, forms.FileInput):
                widget.attrs.update({"accept": "image/jpeg,image/png", "class": "form-file-input"})
            else:
                widget.attrs["class"] = "form-input"
        self.fields["place"].widget.attrs["class"] = "form-input input-width-xl"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        self.fields["reporter_phone"].widget.attrs.update(
            {"autocomplete": "tel", "class": "form-input input-width-m"}
        )
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "form-input"}
        )
        for name in self.attribute_names:
            widget = self.fields[name].widget
            if isinstance(widget, forms.NumberInput):
                widget.attrs["class"] = "form-input input-width-s"
            elif isinstance(widget, forms.DateInput | forms.DateTimeInput):
                widget.attrs["class"] = "form-input input-width-m"

    @property
    def is_honeypot(self):
        return bool(self.data.get("website"))

    # Fields rendered in the order of the page's sections.
    def attribute_fields(self):
        return [self[name] for name in self.attribute_names]

    def contact_fields(self):
        return [self["reporter_name"], self["reporter_email"], self["reporter_phone"]]

    def clean_service(self):
        if self.cleaned_data["service"] != self.service.code:
            raise forms.ValidationError(_("The form was changed; please start again."))
        return self.service

    def clean_municipality(self):
        code = self.cleaned_data.get("municipality")
        if not code:
            return None
        # The boundaries are large and routing needs only the names and numbers.
        return (
            Municipality.objects.select_related("district")
            .defer("boundary", "district__boundary")
            .get(code=code)
        )

    def full_clean(self):
        super().full_clean()
        if self.is_bound and (self.has_error("form_id") or not self.data.get("form_id")):
            # The page shown again must be one the citizen can send, and only once: a
            # changed or missing id is replaced (the errors are already decided).
            self.data = self.data.copy()
            self.data["form_id"] = new_form_id()

    def clean(self):
        data = super().clean()
        for name in sorted(self.undecodable):
            # Kept as it arrived, it would reach the staff as a row of replacement marks.
            message = _("Part of this could not be read. Please write it again.")
            if name in self.fields and not self.fields[name].widget.is_hidden:
                self.add_error(name, forms.ValidationError(message, code="undecodable"))
            elif not self.has_error(NON_FIELD_ERRORS, code="undecodable"):
                self.add_error(
                    None,
                    forms.ValidationError(
                        _("Part of the form could not be read. Please send it again."),
                        code="undecodable",
                    ),
                )
        lat, lon = data.get("lat"), data.get("lon")
        if (
            (lat is None) != (lon is None)
            and not self.has_error("lat")
            and not self.has_error("lon")
        ):
            self.add_error("lat", _("The marked place is not a valid position."))
        # A place that was given but is wrong has its own error already.
        place_wrong = any(self.has_error(n) for n in ("municipality", "place", *LOCATION_FIELDS))
        if lat is None and lon is None and not data.get("municipality") and not place_wrong:
            self._municipality_from_place(data)
        return data

    def _municipality_from_place(self, data):
        """An address alone is enough when its postcode or a municipality's name in it
        tells the municipality."""
        if not data.get("place"):
            self.add_error(
                "municipality",
                _("Mark the place on the map, write the address, or choose a municipality."),
            )
            return
        try:
            data["municipality"] = municipality_of_address(data["place"])
        except Invalid:
            # Its own messages are written for Open311 clients (address_string, lat and long).
            self.add_error(
                "place",
                _(
                    "We cannot tell the municipality from the address. Choose the "
                    "municipality, or mark the place on the map."
                ),
            )

    def details(self, language):
        answers = {}
        for name in self.attribute_names:
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            answers[name.removeprefix(ATTRIBUTE_PREFIX)] = _stored(value)
        answers[notify.LANGUAGE_KEY] = language
        return answers

    def submission(self, language):
        """The keyword arguments of actions.submit_request."""
        data = self.cleaned_data
        return {
            "description": data["description"],
            "lat": data.get("lat"),
            "lon": data.get("lon"),
            "municipality": data.get("municipality"),
            "place": data.get("place", ""),
            "details": self.details(language),
            "reporter_name": data.get("reporter_name", ""),
            "reporter_email": data.get("reporter_email", ""),
            "reporter_phone": data.get("reporter_phone", ""),
            "photos": [photo.to_model() for photo in data.get("photos") or []],
        }

    def page_order(self):
        return [
            *HIDDEN_FIELDS,
            "description",
            *self.attribute_names,
            "lat",
            "lon",
            None,  # the place as a whole: routing's answer
            "place",
            "municipality",
            "photos",
            "reporter_name",
            "reporter_email",
            "reporter_phone",
        ]

    def error_summary(self):
        """(target id, text) for the summary at the top, in the order of the page. Each
        text names its question, since "This field is required" alone says nothing there.
        A hidden field's item has no target: there is nothing on the page to correct."""
        items = []
        for name in self.page_order():
            if name is None:
                items.extend(("where", message) for message in self.non_field_errors())
            elif name in HIDDEN_FIELDS:
                if self.has_error(name):
                    items.append((None, CHANGED_FORM))
            elif name in LOCATION_FIELDS:
                items.extend(("where", f"{_('Where')}: {m}") for m in self.errors.get(name, []))
            else:
                bound = self[name]
                target = f"{bound.auto_id}_0" if bound.use_fieldset else bound.auto_id
                label = str(bound.label).rstrip("?.: ")
                items.extend((target, f"{label}: {m}") for m in self.errors.get(name, []))
                if name == "photos" and (again := self.photos_to_choose_again()):
                    items.append((target, again))
        # lat and lon are one point, and a forged pair fails both in the same words.
        return list(dict.fromkeys((target, str(text)) for target, text in items))

    def location_errors(self):
        errors = []
        for name in LOCATION_FIELDS:
            errors.extend(self.errors.get(name, []))
        errors.extend(self.non_field_errors())
        return list(dict.fromkeys(str(error) for error in errors))

    def photos_to_choose_again(self):
        """What to tell a citizen whose form comes back with errors after they chose
        photos: a browser cannot fill a file input in again, so they are gone."""
        if not self.is_bound or not self.errors:
            return ""
        count = len([f for f in self.files.getlist("photos") if f])
        if not count:
            return ""
        return ngettext(
            "Choose your photo again. It was not kept, because the form could not be sent.",
            "Choose your %(count)d photos again. They were not kept, because the form could "
            "not be sent.",
            count,
        ) % {"count": count}


class ServiceChoiceForm(forms.Form):
    """Step one: what it is about."""

    tjeneste = forms.ChoiceField(widget=forms.RadioSelect(attrs={"class": "form-radio"}))

    def __init__(self, services, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tjeneste"].choices = [(s.code, s.tr("name")) for s in services]
        self.fields["tjeneste"].error_messages["required"] = _("Choose what it is about.")
        self.fields["tjeneste"].error_messages["invalid_choice"] = _("Choose what it is about.")


class MessageForm(forms.Form):
    body = TextField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-input"}),
        help_text=_("Do not write your name or other personal details unless they are needed."),
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, undecodable=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.undecodable = undecodable
        self.fields["website"].widget.attrs.update(
            {"tabindex": "-1", "autocomplete": "off", "class": "form-input"}
        )

    @property
    def is_honeypot(self):
        return bool(self.data.get("website"))

    def clean_body(self):
        if self.undecodable:
            # Kept as it arrived, it would reach the staff as a row of replacement marks.
            raise forms.ValidationError(
                _("Part of your message could not be read. Please write it again."),
                code="undecodable",
            )
        return self.cleaned_data["body"]
