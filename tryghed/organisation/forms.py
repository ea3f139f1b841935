from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from tryghed.organisation.models import CouncilMembership, Organisation, Person
from tryghed.plans.forms import refuse_odd_years


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date field sends and expects ISO dates, whatever the language.
        super().__init__(attrs, format="%Y-%m-%d")


def _style(form):
    """Det Fælles Designsystem's classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        css = "form-select" if isinstance(widget, forms.Select) else "form-input"
        widget.attrs.setdefault("class", css)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} – {obj.title}" if obj.title else obj.name


class AddMemberForm(forms.Form):
    person = PersonChoiceField(
        Person.objects.none(),
        required=False,
        label=_("Existing person"),
        empty_label=_("(a new person, entered below)"),
        help_text=_("People who sit or sat on a council of the district."),
    )
    name = forms.CharField(label=_("Name of the new person"), max_length=200, required=False)
    title = forms.CharField(label=_("Title of the new person"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail of the new person"), required=False)
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label=_("Organisation"),
        help_text=_("The organisation the person represents on the council."),
    )
    position = forms.ChoiceField(
        label=_("Position"),
        choices=CouncilMembership.Position.choices,
        initial=CouncilMembership.Position.MEMBER,
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DateInput)
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput)

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            memberships__council__district=council.district_id
        ).distinct()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            district=council.district_id
        )
        _style(self)

    def clean(self):
        data = super().clean()
        person, name = data.get("person"), (data.get("name") or "").strip()
        if person and name:
            self.add_error("name", _("Choose an existing person or enter a new one, not both."))
        elif not person and not name and "person" not in self.errors:
            self.add_error("person", _("Choose an existing person or enter the name of a new one."))
        refuse_odd_years(self, "start_date", "end_date")
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data

    def action_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            "organisation": data["organisation"],
            "position": data["position"],
            "start_date": data["start_date"],
            "end_date": data["end_date"],
        }
        if data["person"]:
            kwargs["person"] = data["person"]
        else:
            kwargs["new_person"] = {
                "name": data["name"].strip(),
                "title": data["title"].strip(),
                "email": data["email"],
            }
        return kwargs


class EndMembershipForm(forms.Form):
    end_date = forms.DateField(
        label=_("Last day of the membership"),
        widget=DateInput,
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        _style(self)

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        start = self.membership.start_date
        if start and end < start:
            raise forms.ValidationError(
                _("The end date cannot be before the membership started (%(start)s)."),
                params={"start": formats.date_format(start, "SHORT_DATE_FORMAT")},
            )
        return end

    def clean(self):
        data = super().clean()
        refuse_odd_years(self, "end_date")
        return data
