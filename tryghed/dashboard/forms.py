"""The dashboard's filters, read from the query string so that every page, chart and
download can be linked to and works without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tryghed.incidents.models import FIRST_YEAR, Category

LAST_YEAR = 2100
PERIOD_CHOICES = [
    ("week", _("Week")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
]
DEFAULT_PERIOD = "month"
MEASURE_CHOICES = [("count", _("Number")), ("rate", _("Per 1,000 inhabitants"))]


class MunicipalityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FilterForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Leave empty for every year."),
        error_messages={
            "invalid": _("Enter a year as four digits, e.g. 2024."),
            "min_value": _("Choose a year from %(limit_value)s on."),
            "max_value": _("Choose a year up to %(limit_value)s."),
        },
        widget=forms.TextInput(
            attrs={"class": "form-input input-width-xs", "inputmode": "numeric"}
        ),
    )
    municipality = MunicipalityChoice(
        label=_("Municipality"),
        required=False,
        queryset=None,
        to_field_name="code",
        empty_label=_("All municipalities"),
        error_messages={
            "invalid_choice": _("Choose one of the municipalities in the list."),
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *Category.choices],
        error_messages={"invalid_choice": _("Choose one of the categories in the list.")},
    )
    period = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=PERIOD_CHOICES,
        # A year's weeks include a few days of the year before or after; say why.
        help_text=_("Weeks run from Monday; week 1 is the week with the year's first Thursday."),
        error_messages={"invalid_choice": _("Choose week, month, quarter or year.")},
    )
    measure = forms.ChoiceField(
        label=_("Colour the map by"),
        required=False,
        choices=MEASURE_CHOICES,
        error_messages={"invalid_choice": _("Choose number or per 1,000 inhabitants.")},
    )

    def __init__(self, data, *, municipalities, whole_area_weeks=False, no_weeks=False):
        if not data.get("period"):
            # Shown selected, or the browser would select the first choice, week, while the
            # numbers are per month.
            data = data.copy()
            data["period"] = DEFAULT_PERIOD
        # An empty query string is a valid, unfiltered view, not a form with errors.
        super().__init__(data, auto_id="filter-%s")
        self.fields["municipality"].queryset = municipalities
        self.whole_area_weeks = whole_area_weeks
        self.no_weeks = no_weeks
        for name in ("municipality", "category", "period", "measure"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if self.no_weeks and data.get("period") == "week":
            self.add_error(
                "period",
                _(
                    "Council members of more than one district or municipality read no weeks: "
                    "group by month."
                ),
            )
            return data
        # The public reads one selection's weeks: of a municipality or a category, weeks
        # hidden to protect its months would show through the area's and the others'.
        if (
            self.whole_area_weeks
            and data.get("period") == "week"
            and (
                data.get("category")
                or (data.get("municipality") and self.fields["municipality"].queryset.count() > 1)
            )
        ):
            self.add_error(
                "period",
                _(
                    "Council members read weeks for all municipalities and categories "
                    "together: choose those, or group by month."
                ),
            )
        return data

    def filters(self):
        """The cleaned filters with their defaults."""
        data = self.cleaned_data
        return {
            "year": data["year"],
            "municipality": data["municipality"],
            "category": data["category"] or None,
            "period": data["period"] or DEFAULT_PERIOD,
            "measure": data["measure"] or "count",
        }

    def apply(self, incidents, *, year=True):
        """The incidents narrowed by year, municipality and category; `year=False` leaves
        every year in, for comparisons with the year before."""
        filters = self.filters()
        if year and filters["year"] is not None:
            incidents = incidents.in_year(filters["year"])
        if filters["municipality"] is not None:
            incidents = incidents.filter(municipality=filters["municipality"])
        if filters["category"] is not None:
            incidents = incidents.filter(category=filters["category"])
        return incidents
