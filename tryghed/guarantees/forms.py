import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from tryghed.guarantees.models import Advice, Guarantee, PauseReason


def _guarantee_filter():
    return forms.ModelChoiceField(
        label=_("Guarantee"),
        queryset=Guarantee.objects.all(),
        required=False,
        empty_label=_("All guarantees"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-input", **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class MomentField(forms.DateTimeField):
    """A local date and time of something that has happened. In the hour the clocks go back
    every time happens twice: the later one that is not in the future is meant, as an
    officer on site at 02:30 the second time records it at 02:45. A time the clocks jump
    over keeps Django's message."""

    widget = MomentInput

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code != "ambiguous_timezone":
                raise
            moment = _latest_past(error.params["datetime"])
            if moment is None:
                raise
            return moment


def _latest_past(naive):
    zone = timezone.get_current_timezone()
    readings = [
        aware
        for aware in (naive.replace(tzinfo=zone, fold=fold) for fold in (1, 0))
        if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) == naive
    ]
    if len(readings) < 2:
        return None  # no such local time
    later, earlier = readings
    return later if later <= timezone.now() else earlier


class StopForm(forms.Form):
    at = MomentField(label=_("When"), required=False, help_text=_("Leave empty for now."))

    def clean_at(self):
        return self.cleaned_data["at"] or timezone.now()


class PauseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, deadline=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(deadline.version.pause_reasons or []) if deadline else set()
        self.fields["reason"].choices = [c for c in PauseReason.choices if c[0] in allowed]


class FollowUpForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Did you reach the citizen?"),
        choices=[("yes", _("Yes, we talked")), ("no", _("No, not yet"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-radio radio-large"}),
    )
    at = MomentField(label=_("When"), required=False, help_text=_("Leave empty for now."))
    advice = forms.MultipleChoiceField(
        label=_("Advice given"),
        choices=Advice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-checkbox"}),
    )
    next_step = forms.CharField(
        label=_("Next step"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def clean_at(self):
        return self.cleaned_data["at"] or timezone.now()


class DeadlineFilterForm(forms.Form):
    STATES = [
        ("running", _("Running")),
        ("overdue", _("Overdue")),
        ("decided", _("Decided")),
        ("all", _("All")),
    ]
    state = forms.ChoiceField(
        label=_("Show"),
        choices=STATES,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    guarantee = _guarantee_filter()


class ComplianceForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    guarantee = _guarantee_filter()
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=None,
        required=False,
        empty_label=_("All municipalities"),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data, *, municipalities, today):
        data = data.copy()
        data.setdefault("year", str(today.year))
        super().__init__(data)
        years = range(today.year, 2020, -1)
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["month"].choices = [("", _("The whole year"))] + [
            (m, name) for m, name in MONTHS.items()
        ]
        self.fields["municipality"].queryset = municipalities

    def period(self):
        year = self.cleaned_data["year"]
        month = self.cleaned_data.get("month")
        if month:
            return datetime.date(year, month, 1), None
        return None, year
