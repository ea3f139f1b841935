import datetime
import re

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tryghed.open311 import intake
from tryghed.plans import forms as plan_forms
from tryghed.plans.forms import DateInput
from tryghed.servicedesk import notify, replies
from tryghed.servicedesk.models import (
    Handling,
    Kind,
    Queue,
    ReplyTemplate,
    Service,
    ServiceRequest,
)

MESSAGE_MAX_LENGTH = 5000


class DesignSystemForm(plan_forms.DesignSystemForm):
    """The back office's form styling, with each field in error also marked invalid, as the
    desk's filters and actions show their errors beside the fields."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f]")


class MessageForm(DesignSystemForm):
    def clean_body(self):
        # In a message, line breaks and tabs are text; the other control characters draw
        # nothing and would go on to the citizen's page and e-mail as they are.
        return intake.clean(self.cleaned_data["body"])


class SearchInput(forms.TextInput):
    input_type = "search"

    def format_value(self, value):
        # What was typed is shown again in the box; a control character (a NUL is refused
        # with a message) would only garble the page.
        value = super().format_value(value)
        return CONTROL_CHARACTERS.sub("", value) if value else value


# Dates outside these make no sense for a request, and far enough out they overflow the
# date arithmetic and the database's conversion.
FIRST_DAY = datetime.date(2000, 1, 1)
YEARS_AHEAD = 5


def _last_day():
    return datetime.date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


# The queue page opens on the open requests, most urgent and then oldest first: the work
# that is waiting. An empty value in the query string means these defaults.
STATUS_ALL = "all"
ASSIGNEE_MINE = "mine"
ASSIGNEE_NOBODY = "unassigned"
SORTS = {
    "": ["priority", "request__submitted_at", "pk"],
    "-submitted": ["-request__submitted_at", "-pk"],
    "submitted": ["request__submitted_at", "pk"],
}


class QueueFilterForm(DesignSystemForm, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Reference, words from the description or the place."),
        widget=SearchInput(attrs={"class": "form-input input-width-xl"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open")), (STATUS_ALL, _("All")), *Handling.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    service = forms.ModelChoiceField(
        label=_("Service"),
        required=False,
        queryset=Service.objects.only("pk", "name", "name_en", "kind"),
        empty_label=_("All services"),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All priorities")), *Handling.Priority.choices],
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    date_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("Priority, then oldest")),
            ("-submitted", _("Newest first")),
            ("submitted", _("Oldest first")),
        ],
    )

    def __init__(self, data, *, queue, user):
        super().__init__(data)
        self.user = user
        self.fields["service"].label_from_instance = lambda s: s.tr("name")
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            (ASSIGNEE_MINE, _("Me")),
            (ASSIGNEE_NOBODY, _("Nobody")),
            *((str(u.pk), u.get_full_name() or u.get_username()) for u in queue.workers()),
        ]
        self.last_day = _last_day()
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(
                min=FIRST_DAY.isoformat(), max=self.last_day.isoformat()
            )

    def _in_range(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= self.last_day:
            raise forms.ValidationError(
                _("Choose a date from %(first)s to %(last)s."),
                code="out_of_range",
                params={
                    "first": formats.date_format(FIRST_DAY, "DATE_FORMAT"),
                    "last": formats.date_format(self.last_day, "DATE_FORMAT"),
                },
            )
        return day

    def clean_date_from(self):
        return self._in_range("date_from")

    def clean_date_to(self):
        return self._in_range("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def filter(self, handlings):
        """The handlings that match the fields that were valid; a field with an error (it is
        shown with the form) does not filter."""
        self.is_valid()
        data = self.cleaned_data if self.is_bound else {}
        if data.get("q"):
            handlings = handlings.search(data["q"])
        status = data.get("status", "")
        if status == "":
            handlings = handlings.open()
        elif status != STATUS_ALL:
            handlings = handlings.filter(status=status)
        if data.get("kind"):
            handlings = handlings.filter(request__service__kind=data["kind"])
        if data.get("service"):
            handlings = handlings.filter(request__service=data["service"])
        if data.get("priority") is not None:
            handlings = handlings.filter(priority=data["priority"])
        assignee = data.get("assignee")
        if assignee == ASSIGNEE_MINE:
            handlings = handlings.filter(assignee=self.user)
        elif assignee == ASSIGNEE_NOBODY:
            handlings = handlings.filter(assignee__isnull=True)
        elif assignee:
            handlings = handlings.filter(assignee_id=int(assignee))
        if data.get("date_from"):
            handlings = handlings.filter(request__submitted_at__gte=_day_start(data["date_from"]))
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            handlings = handlings.filter(request__submitted_at__lt=_day_start(next_day))
        return handlings.order_by(*SORTS[data.get("sort") or ""])


def _day_start(day):
    """Midnight in Denmark, as the date a user picks means a Danish day."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def handling_state(handling):
    """What the request page showed of the handling, as the forms that change it send it
    back: the values that those forms set."""
    return ",".join(
        str(v)
        for v in (
            handling.request.service_id,
            handling.status,
            handling.priority,
            handling.assignee_id or "",
            handling.outcome,
        )
    )


class CurrentStateForm(DesignSystemForm):
    """A form that sets values of the handling, refused when the handling has changed since
    the page was opened: sent from an older page (a colleague at work on the same request),
    it would silently undo the colleague's change. A form without `seen` is not checked."""

    def __init__(self, *args, handling, **kwargs):
        super().__init__(*args, **kwargs)
        self.handling = handling
        self.fields["seen"] = forms.CharField(
            required=False, max_length=200, widget=forms.HiddenInput
        )
        self.fields["seen"].initial = handling_state(handling)

    def clean(self):
        data = super().clean()
        seen, now = data.get("seen"), handling_state(self.handling)
        if seen and seen != now:
            self.add_error(
                None,
                _(
                    "Someone else changed the request for your queue after you opened the "
                    "page. Check the request as it is now, and send the form again if it "
                    "is still needed."
                ),
            )
            # Sent again from this page, the form is checked against what it shows now.
            self.data = self.data.copy()
            self.data[self.add_prefix("seen")] = now
        return data


class TriageForm(CurrentStateForm, forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.filter(active=True),
        # Required and always set to the request's service: an empty choice would only
        # invite an error.
        empty_label=None,
        help_text=_(
            "A service that also concerns the municipality gives the request to the "
            "municipality's queue as well."
        ),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Handling.Priority.choices
    )

    def __init__(self, *args, handling, **kwargs):
        kwargs.setdefault(
            "initial", {"service": handling.request.service_id, "priority": handling.priority}
        )
        super().__init__(*args, handling=handling, **kwargs)
        # A queue moves a request only among the services it receives: a municipality's
        # queue that made a nuisance report a tip would go on reading police information.
        # The current service stays choosable when it has been retired since.
        received = Q(to_municipality=True)
        if handling.queue.owner == Queue.Owner.POLICE:
            received = Q(to_police=True)
        self.fields["service"].queryset = Service.objects.filter(
            (Q(active=True) & received) | Q(pk=handling.request.service_id)
        )
        self.fields["service"].label_from_instance = lambda s: s.tr("name")


class AssignForm(CurrentStateForm, forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, handling, **kwargs):
        kwargs.setdefault("initial", {"assignee": handling.assignee_id})
        super().__init__(*args, handling=handling, **kwargs)
        self.fields["assignee"].queryset = handling.queue.workers()
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username


class StatusForm(CurrentStateForm, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in Handling.Status.choices if v != "closed"],
    )

    def __init__(self, *args, handling, **kwargs):
        kwargs.setdefault("initial", {"status": handling.status})
        super().__init__(*args, handling=handling, **kwargs)


CLOSING_OUTCOMES = [
    Handling.Outcome.RESOLVED,
    Handling.Outcome.REFERRED,
    Handling.Outcome.NOT_POSSIBLE,
    Handling.Outcome.NO_ACTION,
]


class CloseForm(CurrentStateForm, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose an outcome")), *((o.value, o.label) for o in CLOSING_OUTCOMES)],
        error_messages={"required": _("Choose an outcome to close the request.")},
    )


class DuplicateForm(DesignSystemForm, forms.Form):
    original = forms.CharField(
        label=_("Reference of the original request"),
        max_length=30,
        help_text=_("For example TIP-2026-000123."),
    )

    def __init__(self, *args, handling, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.handling = handling
        self.user = user

    def clean_original(self):
        reference = self.cleaned_data["original"].strip().upper()
        original = ServiceRequest.objects.visible_to(self.user).filter(reference=reference).first()
        if original is None:
            raise forms.ValidationError(
                _("There is no request %(ref)s that you can see."), params={"ref": reference}
            )
        if original.pk == self.handling.request_id:
            raise forms.ValidationError(_("A request cannot be a duplicate of itself."))
        if original.is_spam:
            raise forms.ValidationError(
                _("%(ref)s is marked as spam, so no request can be marked as a duplicate of it."),
                params={"ref": original.reference},
            )
        return original


class SpamForm(forms.Form):
    def __init__(self, *args, handling, **kwargs):
        super().__init__(*args, **kwargs)


class NotSpamForm(CurrentStateForm, forms.Form):
    """Takes back a spam mark; checked against the page, as a colleague may have taken it
    back, or closed the request again, since."""


class NoteForm(MessageForm, forms.Form):
    body = forms.CharField(
        label=_("Text of the note"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by the staff who can see the request, never by the citizen."),
    )

    def __init__(self, *args, handling, **kwargs):
        super().__init__(*args, **kwargs)


class ReplyForm(MessageForm, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Reply template"),
        queryset=None,
        required=False,
        empty_label=_("No template"),
    )
    body = forms.CharField(
        label=_("Text of the reply"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Shown on the citizen's status page and e-mailed to them when they gave an "
            "address. Leave it empty to send the template's text."
        ),
    )

    def __init__(self, *args, handling, **kwargs):
        super().__init__(*args, **kwargs)
        self.handling = handling
        self.fields["template"].queryset = ReplyTemplate.objects.filter(
            district=handling.request.district_id
        )
        # The reply goes out in the language the citizen wrote in.
        self.english = notify.language_of(handling.request) == "en"
        if self.english:
            self.fields["template"].help_text = _(
                "The citizen wrote in English: a template's English text is used when it has one."
            )

    def template_text(self, template):
        """The template's text in the citizen's language, its placeholders filled in."""
        if self.english and template.body_en.strip():
            return replies.fill(template.body_en, self.handling, language="en")
        return replies.fill(template.body, self.handling, language=settings.LANGUAGE_CODE)

    def clean(self):
        data = super().clean()
        body = (data.get("body") or "").strip()
        if not body and data.get("template"):
            body = self.template_text(data["template"]).strip()
        if not body and "body" not in self.errors:
            self.add_error("body", _("Write a reply or choose a template."))
        data["body"] = body
        return data
