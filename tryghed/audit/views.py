import contextlib
import datetime
import json
from collections import defaultdict

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of
from tryghed.audit.models import AuditEntry
from tryghed.plans.forms import refuse_odd_years

PAGE_SIZE = 50


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _type_label(content_type):
    model = content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else content_type.model


class AuditFilterForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), required=False)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEntry.Action.choices],
    )
    user = forms.ChoiceField(label=_("Who"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what occurs in the entries the user may read, so that the choices
        # reveal nothing about other districts.
        types = ContentType.objects.filter(pk__in=entries.values("content_type"))
        self.fields["type"].choices = [("", _("All types"))] + sorted(
            ((str(ct.pk), _type_label(ct)) for ct in types), key=lambda choice: choice[1]
        )
        names = entries.order_by("actor_name").values_list("actor_name", flat=True).distinct()
        self.fields["user"].choices = [("", _("Everyone"))] + [(n, n) for n in names]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-input"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        refuse_odd_years(self, "date_from", "date_to")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return data

    def filter(self, entries):
        """Apply the fields that are valid; an invalid one is reported and left out."""
        data = getattr(self, "cleaned_data", {})
        if data.get("type"):
            entries = entries.filter(content_type_id=data["type"])
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("user"):
            entries = entries.filter(actor_name=data["user"])
        # Whole days in Danish time: bounds are local midnights, compared in UTC.
        if data.get("date_from"):
            entries = entries.filter(at__gte=_local_midnight(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            entries = entries.filter(at__lt=_local_midnight(next_day))
        return entries


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _readable_entries(user):
    """The entries the user may read; 404 for anyone who may read no log at all."""
    if not scope_of(user).is_secretariat():
        raise Http404
    return AuditEntry.objects.visible_to(user)


def _changes(entry):
    """(field or None, name, before, after) for each change the entry holds."""
    model = entry.content_type.model_class()
    for name, values in sorted((entry.changes or {}).items()):
        if isinstance(values, list | tuple) and len(values) == 2:
            before, after = values
        else:
            before, after = None, values
        field = None
        if model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = model._meta.get_field(name)
        yield field, name, before, after


def _ids(value):
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _related_names(entries):
    """Names for the records that the entries' changes point at by id: one query per kind of
    record on the page, whatever the number of entries."""
    wanted = defaultdict(set)
    for entry in entries:
        for field, _name, before, after in _changes(entry):
            if field is not None and field.concrete and field.is_relation:
                wanted[field.related_model].update(_ids(before) + _ids(after))
    names = {}
    for model, pks in wanted.items():
        records = model._default_manager.filter(pk__in=pks)
        bulky = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if bulky:
            records = records.defer(*bulky)
        for record in records:
            names[model, record.pk] = str(record)
    return names


def _display(value, field, names):
    """One stored value as a person reads it: names for ids, local times, choice labels,
    "–" for nothing."""
    if value is None or value == "" or value == []:
        return "–"
    if field is not None and field.concrete and field.is_relation:
        # A record deleted since keeps its id, so the entry still says which it was.
        return ", ".join(names.get((field.related_model, v), f"#{v}") for v in _ids(value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if field is not None:
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        try:
            if isinstance(field, models.DateTimeField):
                moment = datetime.datetime.fromisoformat(value)
                return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
            if isinstance(field, models.DateField):
                return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            pass
    return str(value)


def _change_rows(entry, names):
    """(label, before, after) for each changed field, labelled as the model names it. The
    record's own id is left out: the entry names the record already."""
    rows = []
    for field, name, before, after in _changes(entry):
        if field is not None and getattr(field, "primary_key", False):
            continue
        label = capfirst(getattr(field, "verbose_name", name))
        rows.append((label, _display(before, field, names), _display(after, field, names)))
    return rows


def entry_list(request):
    entries = _readable_entries(request.user)
    form = AuditFilterForm(request.GET or None, entries=entries)
    if form.is_bound:
        form.is_valid()
    filtered = (
        form.filter(entries).select_related("content_type", "district").defer("district__boundary")
    )
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    names = _related_names(page.object_list)
    for entry in page.object_list:
        entry.type_label = _type_label(entry.content_type)
        entry.rows = _change_rows(entry, names)
    return render(
        request,
        "audit/entry_list.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "filtered": form.is_bound,
        },
    )


def entry_detail(request, pk):
    entry = get_object_or_404(
        _readable_entries(request.user)
        .select_related("content_type", "district", "actor")
        .defer("district__boundary"),
        pk=pk,
    )
    return render(
        request,
        "audit/entry_detail.html",
        {
            "entry": entry,
            "type_label": _type_label(entry.content_type),
            "rows": _change_rows(entry, _related_names([entry])),
        },
    )
