from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryghed.meetings.models import AgendaItem, Decision, Meeting, Participant
from tryghed.organisation.models import Person
from tryghed.plans.forms import (
    DateInput,
    DateTimeInput,
    DesignSystemForm,
    one_line,
    refuse_odd_years,
)
from tryghed.plans.models import FocusArea, Initiative

# A paper larger than this is a scan that should be made smaller before it is sent round.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def plan_initiatives(council):
    return (
        Initiative.objects.filter(plan__district=council.district_id)
        .select_related("plan")
        .order_by("-plan__year", "focus_area__order", "order", "pk")
    )


def plan_focus_areas(council):
    return (
        FocusArea.objects.filter(plan__district=council.district_id)
        .select_related("plan")
        .order_by("-plan__year", "order", "pk")
    )


class PlanChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.year}: {obj.title}"


class MeetingForm(DesignSystemForm, forms.ModelForm):
    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "place", "video_url"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def clean(self):
        data = super().clean()
        one_line(self, "title", "place")
        refuse_odd_years(self, "starts_at", "ends_at")
        if not data.get("place") and not data.get("video_url"):
            self.add_error("place", _("Give a place or a video link."))
        return data


class InviteForm(DesignSystemForm, forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label=_("Member or known person")
    )
    guest_name = forms.CharField(label=_("Guest's name"), max_length=200, required=False)
    guest_email = forms.EmailField(label=_("Guest's e-mail"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        council = meeting.council
        invited = meeting.participants.exclude(person=None).values("person")
        self.fields["person"].queryset = (
            Person.objects.filter(memberships__council__district=council.district_id)
            .exclude(pk__in=invited)
            .distinct()
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        if data.get("person") and data.get("guest_name"):
            raise forms.ValidationError(_("Choose a member or give a guest's name, not both."))
        if not data.get("person") and not data.get("guest_name"):
            raise forms.ValidationError(_("Choose a member or give the guest's name."))
        return data


def amendment_reason():
    return forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Needed once the minutes are approved: the change becomes a new version."),
    )


class AttendanceForm(DesignSystemForm, forms.Form):
    def __init__(self, *args, participants, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        for participant in self.participants:
            self.fields[f"p{participant.pk}"] = forms.ChoiceField(
                label=participant.name,
                choices=Participant.Attendance.choices,
                initial=participant.attendance,
            )
        if locked:
            # Who attended is part of the approved minutes.
            self.fields["reason"] = amendment_reason()
            self.fields["reason"].required = True

    def attendance(self):
        return {p: self.cleaned_data[f"p{p.pk}"] for p in self.participants}


class DocumentForm(DesignSystemForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("PDF file"), help_text=_("A PDF file of at most 20 MB."))
    agenda_item = forms.ModelChoiceField(
        queryset=AgendaItem.objects.none(), required=False, label=_("Agenda item")
    )
    internal = forms.BooleanField(
        label=_("Internal: only the council's members can read it"), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()
        self.fields["file"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".pdf"):
            raise forms.ValidationError(_("Only PDF files can be uploaded."))
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        # The name and the browser's content type are the sender's word; the first bytes of
        # a PDF are not.
        upload.seek(0)
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("The file is not a PDF document."))
        return upload


class AgendaItemForm(DesignSystemForm, forms.ModelForm):
    focus_area = PlanChoice(
        queryset=FocusArea.objects.none(), required=False, label=_("Focus area")
    )
    initiative = PlanChoice(
        queryset=Initiative.objects.none(), required=False, label=_("Initiative")
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "description", "parent", "order", "focus_area", "initiative"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"order": _("Items are shown in this order; leave 0 to add at the end.")}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        items = meeting.agenda_items.all()
        if self.instance.pk:
            items = items.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = items
        self.fields["parent"].required = False
        self.fields["order"].required = False
        self.fields["focus_area"].queryset = plan_focus_areas(meeting.council)
        self.fields["initiative"].queryset = plan_initiatives(meeting.council)

    def clean_order(self):
        order = self.cleaned_data.get("order") or 0
        if order > AgendaItem.MAX_ORDER:
            raise forms.ValidationError(
                _("Give a number from 0 to %(most)s.") % {"most": AgendaItem.MAX_ORDER}
            )
        return order


class MinutesForm(DesignSystemForm, forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    reason = amendment_reason()

    def __init__(self, *args, locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked
        if locked:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


class DecisionForm(DesignSystemForm, forms.Form):
    kind = forms.ChoiceField(
        label=_("The decision"),
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        initial=Decision.Kind.NOTE,
    )
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    initiative_title = forms.CharField(
        label=_("Title of the new initiative"), max_length=300, required=False
    )
    focus_area = PlanChoice(
        queryset=FocusArea.objects.none(),
        required=False,
        label=_("Focus area of the new initiative"),
    )
    initiative = PlanChoice(
        queryset=Initiative.objects.none(), required=False, label=_("Initiative to update")
    )
    progress = forms.DecimalField(
        label=_("Progress (%)"), min_value=0, max_value=100, decimal_places=2, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Initiative.Status.choices], required=False
    )
    action_title = forms.CharField(label=_("Action"), max_length=300, required=False)
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False, label=_("Owner"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    reason = amendment_reason()

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = item.meeting
        council = meeting.council
        self.fields["focus_area"].queryset = plan_focus_areas(council)
        self.fields["initiative"].queryset = plan_initiatives(council)
        self.fields["owner"].queryset = (
            Person.objects.filter(
                Q(memberships__council=council) | Q(meeting_invitations__meeting=meeting)
            )
            .distinct()
            .order_by("name")
        )
        self.initial.setdefault("focus_area", item.focus_area_id)
        self.initial.setdefault("initiative", item.initiative_id)
        if meeting.minutes_locked:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        Kind = Decision.Kind
        required = {
            Kind.CREATE_INITIATIVE: ["initiative_title", "focus_area"],
            Kind.UPDATE_INITIATIVE: ["initiative", "progress", "status"],
            Kind.ACTION: ["action_title", "owner", "due_date"],
        }.get(kind, [])
        for name in required:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Needed for this kind of decision."))
        return data

    def action_kwargs(self):
        data = dict(self.cleaned_data)
        return {
            "kind": data["kind"],
            "text": data["text"],
            "initiative": data.get("initiative"),
            "focus_area": data.get("focus_area"),
            "initiative_title": data.get("initiative_title") or "",
            "progress": data.get("progress"),
            "status": data.get("status") or "",
            "action_title": data.get("action_title") or "",
            "owner": data.get("owner"),
            "due_date": data.get("due_date"),
            "reason": data.get("reason") or "",
        }


class CompleteFollowUpForm(DesignSystemForm, forms.Form):
    note = forms.CharField(
        label=_("How it was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
