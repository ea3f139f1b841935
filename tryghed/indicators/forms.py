import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from tryghed.guarantees.models import Guarantee
from tryghed.incidents.models import Category
from tryghed.indicators.models import (
    FIRST_YEAR,
    LAST_YEAR,
    YEAR_VALIDATORS,
    Indicator,
    validate_period_day,
)
from tryghed.organisation.models import Municipality
from tryghed.plans.forms import DateInput, DesignSystemForm, limit_order
from tryghed.statistics.models import StatSeries, quarter_start

QUARTER_ENDS = {(3, 31), (6, 30), (9, 30), (12, 31)}


class IndicatorForm(DesignSystemForm, forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label=_("Incident categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For an indicator measured from incidents."),
    )

    class Meta:
        model = Indicator
        fields = [
            "title",
            "title_en",
            "focus_area",
            "initiative",
            "kind",
            "categories",
            "series",
            "guarantee",
            "municipality",
            "measure",
            "baseline_year",
            "baseline_start",
            "baseline_end",
            "current_year",
            "target_percent",
            "direction",
            "order",
        ]
        widgets = {"baseline_start": DateInput(), "baseline_end": DateInput()}
        help_texts = {
            "focus_area": _("An indicator belongs to a focus area or to an initiative."),
            "series": _("For an indicator measured from official statistics."),
            "guarantee": _(
                "For an indicator measured from guarantee compliance: the share of the decided "
                "cases that met the guarantee, in percent (a running case past its deadline "
                "counts as missed)."
            ),
            "baseline_year": _("A whole year, or a period in the two fields below."),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["focus_area"].queryset = plan.focus_areas.all()
        initiatives = self.fields["initiative"]
        initiatives.queryset = plan.initiatives.all()
        initiatives.label_from_instance = lambda i: f"{i.external_id} {i.title}"
        self.fields["municipality"].queryset = Municipality.objects.filter(
            district=plan.district_id
        ).order_by("name")
        series = self.fields["series"]
        series.queryset = StatSeries.objects.select_related("table").order_by("table__code", "pk")
        series.label_from_instance = lambda s: f"{s.table.code}: {s.label}"
        self.fields["guarantee"].queryset = Guarantee.objects.order_by("order", "code")
        # The model checks these only after clean(); checked with the fields, the period
        # checks below never see a year or a day that cannot be counted.
        for name in ("baseline_year", "current_year"):
            self.fields[name].validators += YEAR_VALIDATORS
        for name in ("baseline_start", "baseline_end"):
            self.fields[name].validators.append(validate_period_day)
            self.fields[name].widget.attrs.update(
                min=datetime.date(FIRST_YEAR, 1, 1).isoformat(),
                max=datetime.date(LAST_YEAR, 12, 31).isoformat(),
            )
        limit_order(self)

    def clean(self):
        data = super().clean()
        area, initiative = data.get("focus_area"), data.get("initiative")
        if bool(area) == bool(initiative):
            self.add_error(
                "focus_area", _("Choose either a focus area or an initiative, not both.")
            )
        kind = data.get("kind")
        if kind == Indicator.Kind.INCIDENTS:
            if not data.get("categories") and "categories" not in self.errors:
                self.add_error("categories", _("Choose at least one incident category."))
            if data.get("measure") == Indicator.Measure.RATE:
                self.add_error(
                    "measure", _("A rate per 1,000 inhabitants needs official statistics.")
                )
            data["series"] = data["guarantee"] = None
        elif kind == Indicator.Kind.STATISTICS:
            if not data.get("series") and "series" not in self.errors:
                self.add_error("series", _("Choose the statistics group to measure."))
            data["categories"] = []
            data["guarantee"] = None
        elif kind == Indicator.Kind.COMPLIANCE:
            if not data.get("guarantee") and "guarantee" not in self.errors:
                self.add_error("guarantee", _("Choose the police guarantee to measure."))
            if data.get("measure") == Indicator.Measure.RATE:
                self.add_error(
                    "measure",
                    _("Guarantee compliance is a share of cases, not a rate per inhabitant."),
                )
            data["categories"] = []
            data["series"] = None
        self._clean_periods(data, kind)
        return data

    def _clean_periods(self, data, kind):
        names = ("baseline_year", "baseline_start", "baseline_end")
        year, start, end = (data.get(name) for name in names)
        if any(name in self.errors for name in names):
            return
        current = data.get("current_year") or self.plan.year
        if year and (start or end):
            self.add_error("baseline_year", _("Give a baseline year or a period, not both."))
        elif year:
            if year >= current:
                self.add_error(
                    "baseline_year",
                    _("The baseline must come before the year measured (%(year)s).")
                    % {"year": current},
                )
        elif start and end:
            if end < start:
                self.add_error("baseline_end", _("The period must end on or after its start."))
            elif end >= datetime.date(current, 1, 1):
                self.add_error(
                    "baseline_end",
                    _("The baseline must end before the year measured (%(year)s).")
                    % {"year": current},
                )
            elif end >= _a_year_after(start):
                # It is compared with the same length of the year measured: of a longer
                # period only the beginning would be read.
                self.add_error("baseline_end", _("A baseline period can be at most a year long."))
            elif kind == Indicator.Kind.STATISTICS and not _whole_quarters(start, end):
                self.add_error(
                    "baseline_start",
                    _("Official statistics are quarterly: the period must be whole quarters."),
                )
            elif kind == Indicator.Kind.COMPLIANCE and not _whole_months(start, end):
                self.add_error(
                    "baseline_start",
                    _(
                        "Guarantee compliance is counted per month: the period must be whole "
                        "months."
                    ),
                )
        elif start or end:
            self.add_error(
                "baseline_end" if start else "baseline_start",
                _("A baseline period needs both a start and an end."),
            )
        else:
            self.add_error("baseline_year", _("Give a baseline year or a period."))


def _a_year_after(day):
    """The same date a year later; 29 February is followed by 1 March."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return datetime.date(day.year + 1, 3, 1)


def _whole_months(start, end):
    return start.day == 1 and (end + datetime.timedelta(days=1)).day == 1


def _whole_quarters(start, end):
    starts_quarter = start == quarter_start(start.year, (start.month - 1) // 3 + 1)
    return starts_quarter and (end.month, end.day) in QUARTER_ENDS
