from django import forms
from django.utils.translation import gettext_lazy as _

from tryghed.incidents import actions
from tryghed.incidents.models import IncidentImport, IncidentSource
from tryghed.plans.forms import DesignSystemForm

NEW_SOURCE = "__new__"


class UploadForm(DesignSystemForm, forms.Form):
    source = forms.ChoiceField(label=_("Source"))
    new_source = forms.CharField(
        label=_("Name of the new source"),
        required=False,
        max_length=100,
        help_text=_("Letters, digits, - and _, e.g. doegnrapport-mvsj."),
    )
    district = forms.ModelChoiceField(
        label=_("Police district of the new source"), queryset=None, required=False
    )
    # An empty file reaches the importer, which reports it with the other file errors.
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    statistics_only = forms.BooleanField(
        label=_("For the numbers only"),
        required=False,
        help_text=_(
            "For published døgnrapporter and the like: the incidents are counted, but the "
            "police guarantees open no deadlines for them."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and report, but write nothing"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        sources = IncidentSource.objects.visible_to(user).select_related("district")
        self.fields["source"].choices = [
            *((s.name, s.name) for s in sources),
            (NEW_SOURCE, _("A new source")),
        ]
        districts = actions.import_districts(user)
        self.fields["district"].queryset = districts
        if len(districts) < 2:
            # One district is the only choice, so there is nothing to ask.
            del self.fields["district"]
        self.fields["file"].help_text = _(
            "CSV, JSON Lines or a døgnrapport extract; at most %(size)s MB."
        ) % {"size": IncidentImport.MAX_BYTES // 2**20}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IncidentImport.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                params={"size": IncidentImport.MAX_BYTES // 2**20},
            )
        return upload

    def clean(self):
        data = super().clean()
        choice = data.get("source")
        if choice is None:
            return data
        name, district, field = choice, None, "source"
        if choice == NEW_SOURCE:
            name, field = data.get("new_source", "").strip(), "new_source"
            if not name:
                self.add_error("new_source", _("Write the name of the new source."))
                return data
            if "district" in self.fields:
                district = data.get("district")
                if district is None:
                    self.add_error("district", _("Choose the police district of the new source."))
                    return data
        try:
            data["incident_source"] = actions.source_named(name, by=self.user, district=district)
        except actions.ImportRefused as error:
            self.add_error(field, str(error))
        return data
