import re

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of
from tryghed.citizen_meetings.models import CitizenMeeting
from tryghed.core.validators import validate_mailbox, validate_phone
from tryghed.open311 import intake
from tryghed.open311.intake import has_visible_character
from tryghed.organisation.models import Municipality
from tryghed.plans.forms import DateTimeInput, DesignSystemForm, one_line, refuse_odd_years

# The largest halls a citizen meeting takes seat a few thousand; a larger number is a slip of
# the keyboard. (The column would take 2147483647 on PostgreSQL; SQLite any number.)
CAPACITY_MAX = 5000
# Bidirectional embeddings, overrides and isolates: in a name they turn the text after them
# around on the attendee list, in e-mails and the spreadsheet.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def creatable_municipalities(user):
    """Where the user may put an event: their own municipalities, or their district's."""
    scope = scope_of(user)
    municipalities = Municipality.objects.defer("boundary").select_related("district")
    if scope.is_global:
        return municipalities.filter(district__number__isnull=False)
    return municipalities.filter(pk__in=scope.editable_municipality_ids) | municipalities.filter(
        district__in=scope.secretariat_district_ids
    )


class MeetingForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = CitizenMeeting
        fields = [
            "kind",
            "title",
            "title_en",
            "description",
            "description_en",
            "municipality",
            "starts_at",
            "ends_at",
            "place",
            "address",
            "capacity",
            "is_public",
            "contact_email",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
        }

    def __init__(self, *args, user, from_request=False, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = creatable_municipalities(user)
        if self.instance.pk:
            # The event's own municipality stays a choice for an organiser from elsewhere.
            municipalities = municipalities | Municipality.objects.defer("boundary").filter(
                pk=self.instance.municipality_id
            )
        self.fields["municipality"].queryset = municipalities.distinct().order_by("name")
        if not self.instance.pk and "municipality" not in self.initial:
            only = list(municipalities.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                # A local officer mostly works in one municipality: start from it.
                self.initial["municipality"] = only[0]
        self.fields["capacity"].validators.append(MaxValueValidator(CAPACITY_MAX))
        self.fields["capacity"].widget.attrs.update(
            {"class": "form-input input-width-xs", "min": 1, "max": CAPACITY_MAX}
        )
        if from_request:
            # A talk that a citizen ordered is always of that kind.
            del self.fields["kind"]

    def clean(self):
        data = super().clean()
        one_line(self, "title", "title_en", "place", "address")
        refuse_odd_years(self, "starts_at", "ends_at")
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data


class RegistrationForm(DesignSystemForm, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail"),
        max_length=254,
        validators=[validate_mailbox],
        help_text=_("We send the confirmation and your cancellation link here."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        validators=[validate_phone],
    )
    # Left empty by people; bots fill in every field (see the honeypot in the service desk).
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "tel", "class": "form-input input-width-m"}
        )
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_honeypot(self):
        return bool(self.data.get("website"))

    def clean_name(self):
        # Control characters draw nothing and would reach the attendee list, e-mails and the
        # spreadsheet as they are: dropped, as the service desk drops them. A name of only
        # invisible characters (zero-width spaces, say) passes "required" yet names no one.
        name = _BIDI_CONTROLS.sub("", intake.clean(self.cleaned_data["name"]))
        name = " ".join(name.split())
        if not has_visible_character(name):
            raise forms.ValidationError(_("Write your name."))
        return name


class MunicipalityFilterForm(forms.Form):
    kommune = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All municipalities"),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kommune"].queryset = municipalities
        self.fields["kommune"].widget.attrs["class"] = "form-select"
