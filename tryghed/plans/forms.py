from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.core.text import danish_slug
from tryghed.organisation.models import Council, Municipality, Organisation
from tryghed.plans import csvio
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    Milestone,
    ProgressUpdate,
)


class DesignSystemForm:
    """Gives widgets the design system's classes and ties each error message to its input,
    so a screen reader announces the error with the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                css = "form-checkbox"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-input"
            widget.attrs.setdefault("class", css)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                ids = [f"{self[name].auto_id}_error"]
                if field.help_text:
                    ids.append(f"{self[name].auto_id}_helptext")
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# The years a meeting or a search by date may name: a browser's date picker takes any year
# from 1 on, and the first hours of year 1 in Copenhagen lie before the first moment a UTC
# time can hold, the last day of year 9999 before a day that does not exist.
SENSIBLE_YEARS = (2000, 2100)

# The order columns are PositiveSmallIntegerFields; SQLite would store more, PostgreSQL would not.
ORDER_MAX = 32767


def limit_order(form):
    """Refuse an order the form's "order" column cannot hold."""
    form.fields["order"].validators.append(MaxValueValidator(ORDER_MAX))
    form.fields["order"].widget.attrs["max"] = ORDER_MAX


def one_line(form, *names):
    """Join the lines of each of the form's text fields `names` (call from `clean`): a
    title goes into e-mail subjects and calendar files, where a line break breaks them, and
    a browser's text input has none."""
    for name in names:
        value = form.cleaned_data.get(name)
        if isinstance(value, str):
            form.cleaned_data[name] = " ".join(value.split())


def refuse_odd_years(form, *names):
    """Add an error to each of the form's date or date-time fields `names` whose year lies
    outside SENSIBLE_YEARS (call from `clean`)."""
    first, last = SENSIBLE_YEARS
    for name in names:
        moment = form.cleaned_data.get(name)
        if moment is not None and not first <= moment.year <= last:
            form.add_error(
                name,
                _("Give a year from %(first)s to %(last)s.") % {"first": first, "last": last},
            )


class PlanForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = CooperationPlan
        fields = ["title", "title_en", "foreword", "foreword_en"]
        widgets = {
            "foreword": forms.Textarea(attrs={"rows": 6}),
            "foreword_en": forms.Textarea(attrs={"rows": 6}),
        }


class FocusAreaForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["title", "title_en", "slug", "order", "description", "description_en"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": _("The focus area's name in web addresses; made from the title.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.fields["slug"].required = False
        limit_order(self)

    def clean(self):
        data = super().clean()
        slug = data.get("slug") or danish_slug(data.get("title") or "", 80)
        if not slug and data.get("title"):
            self.add_error("slug", _("Write a name for web addresses using a–z, 0–9 and “-”."))
        elif slug:
            taken = self.plan.focus_areas.filter(slug=slug).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("slug", _("Another focus area of this plan has that name."))
            data["slug"] = slug
        return data


class InitiativeForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "external_id",
            "title",
            "title_en",
            "description",
            "description_en",
            "focus_area",
            "parent",
            "order",
            "weight",
            "status",
            "start_date",
            "end_date",
            "responsible_organisations",
            "municipalities",
            "councils",
            "continues_next_year",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "responsible_organisations": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "councils": forms.CheckboxSelectMultiple,
        }

    M2M = ["responsible_organisations", "municipalities", "councils"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        limit_order(self)
        district = plan.district_id
        self.fields["focus_area"].queryset = plan.focus_areas.all()
        parents = plan.initiatives.all()
        if self.instance.pk:
            # Neither itself nor one of its own parts: the tree would become a loop.
            excluded = {self.instance.pk, *_descendants(plan, self.instance.pk)}
            parents = parents.exclude(pk__in=excluded)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("None: a top-level initiative")
        self.fields["parent"].label_from_instance = lambda i: f"{i.external_id} {i.title}"
        self.fields["responsible_organisations"].queryset = Organisation.objects.filter(
            district=district
        )
        self.fields["municipalities"].queryset = Municipality.objects.filter(district=district)
        self.fields["councils"].queryset = Council.objects.filter(district=district)

    def clean_external_id(self):
        value = self.cleaned_data["external_id"].strip()
        taken = self.plan.initiatives.filter(external_id=value).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Another initiative of this plan has this id."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        parent, area = data.get("parent"), data.get("focus_area")
        if parent and area and parent.focus_area_id != area.pk:
            self.add_error(
                "focus_area",
                _("A part belongs to the focus area of the initiative it is part of (%(area)s).")
                % {"area": parent.focus_area},
            )
        return data

    def m2m(self):
        return {name: self.cleaned_data[name] for name in self.M2M}


def _descendants(plan, pk):
    children = {}
    for child, parent in plan.initiatives.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(child)
    found, stack = set(), list(children.get(pk, []))
    while stack:
        node = stack.pop()
        found.add(node)
        stack.extend(children.get(node, []))
    return found


class ProgressForm(DesignSystemForm, forms.Form):
    progress = forms.DecimalField(
        label=_("Progress (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    status = forms.ChoiceField(label=_("Status"), choices=Initiative.Status.choices)
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    text = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text_en = forms.CharField(
        label=_("What happened (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_date(self):
        date = self.cleaned_data["date"]
        problem = ProgressUpdate.date_problem(date)
        if problem:
            raise forms.ValidationError(problem)
        return date


class MilestoneForm(DesignSystemForm, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "title_en", "due_date"]
        widgets = {"due_date": DateInput()}


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=CooperationPlan.Status.choices)


class ImportForm(DesignSystemForm, forms.Form):
    # An empty file reaches the importer, which reports it with the other file errors.
    file = forms.FileField(label=_("CSV file"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(size)s MB.") % {
            "size": csvio.MAX_BYTES // 2**20
        }
