"""The service desk for staff: queues, the request page and the actions on a handling.

Everything is fetched through `visible_to` (reading) and `workable_by` (acting); both answer
404 alike for "missing" and "not yours".
"""

import csv
import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryghed.accounts.scope import scope_of
from tryghed.audit import log
from tryghed.core import spreadsheet
from tryghed.core.text import danish_slug
from tryghed.guarantees.views import request_panel
from tryghed.servicedesk import actions
from tryghed.servicedesk.duplicates import likely_duplicates
from tryghed.servicedesk.models import (
    Handling,
    Kind,
    Message,
    Queue,
    ServiceAttribute,
    ServiceRequest,
)
from tryghed.servicedesk.staff import forms
from tryghed.servicedesk.staff.placemap import place_map

PAGE_SIZE = 50


def _require_desk(user):
    """The desk is for staff who work in a district or a municipality."""
    scope = scope_of(user)
    if not (scope.is_global or scope.district_ids or scope.municipality_ids):
        raise Http404


def _queues(user):
    # A municipality's boundary is a large document that no queue page needs.
    return (
        Queue.objects.visible_to(user)
        .select_related("municipality__district")
        .defer("municipality__boundary", "municipality__district__boundary")
    )


def queue_list(request):
    _require_desk(request.user)
    workable = set(Queue.objects.workable_by(request.user).values_list("pk", flat=True))
    queues = list(
        _queues(request.user)
        .with_counts(request.user)
        .order_by("municipality__district__number", "municipality__name", "-owner")
    )
    return render(
        request,
        "servicedesk/staff/queue_list.html",
        {
            "own_queues": [q for q in queues if q.pk in workable],
            "other_queues": [q for q in queues if q.pk not in workable],
        },
    )


def _filtered(request, queue):
    form = forms.QueueFilterForm(request.GET, queue=queue, user=request.user)
    handlings = form.filter(
        queue.handlings.select_related("request__service", "assignee").defer("request__details")
    )
    return form, handlings


def queue_detail(request, pk):
    queue = get_object_or_404(_queues(request.user), pk=pk)
    form, handlings = _filtered(request, queue)
    if form.errors:
        messages.error(
            request, _("Some of the filters could not be used; see the messages by the fields.")
        )
    page = Paginator(handlings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "servicedesk/staff/queue_detail.html",
        {
            "queue": queue,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_work": Queue.objects.workable_by(request.user).filter(pk=queue.pk).exists(),
        },
    )


CSV_COLUMNS = [
    "reference",
    "submitted_at",
    "kind",
    "service",
    "status",
    "priority",
    "assignee",
    "outcome",
    "municipality",
    "place",
    "lat",
    "lon",
    "description",
]
CONTACT_COLUMNS = ["reporter_name", "reporter_email", "reporter_phone"]


class _Echo:
    def write(self, value):
        return value


def queue_csv(request, pk):
    queue = get_object_or_404(_queues(request.user), pk=pk)
    form, handlings = _filtered(request, queue)
    if form.errors:
        # The page shows a field's error beside it and leaves that filter out; a file has
        # nowhere to say so, and without the filter it would hold the whole queue.
        problems = "\n".join(
            f"{form.fields[name].label}: {message}" if name in form.fields else message
            for name, found in form.errors.items()
            for message in found
        )
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    with_contact = queue.contact_visible_to(request.user)
    columns = CSV_COLUMNS + (CONTACT_COLUMNS if with_contact else [])

    # The query is tried before the response starts: once the first bytes are out, an error
    # can only cut the file short, and a short file looks like a complete one. (Not by
    # opening the iterator here: on PostgreSQL that is a server-side cursor, which must be
    # opened and read by the same code.)
    handlings.exists()
    log.exported(
        queue, by=request.user, message="csv with contact details" if with_contact else "csv"
    )

    def rows():
        writer = csv.writer(_Echo(), delimiter=spreadsheet.SEPARATOR)
        yield "\ufeff" + writer.writerow(columns)
        for h in handlings.iterator(chunk_size=500):
            r = h.request
            row = [
                r.reference,
                timezone.localtime(r.submitted_at).isoformat(timespec="seconds"),
                r.service.kind,
                r.service.name,
                h.status,
                h.priority,
                h.assignee.get_username() if h.assignee else "",
                h.outcome,
                queue.municipality.name,
                r.place,
                "" if r.lat is None else f"{r.lat:.6f}",
                "" if r.lon is None else f"{r.lon:.6f}",
                r.description,
            ]
            if with_contact:
                row += [r.reporter_name, r.reporter_email, r.reporter_phone]
            yield writer.writerow([spreadsheet.cell(v) for v in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    filename = f"{danish_slug(queue.name)}-{timezone.localdate()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _visible_request(user, reference):
    return get_object_or_404(
        ServiceRequest.objects.visible_to(user)
        .select_related("service", "municipality", "district", "duplicate_of")
        .defer("district__boundary")
        .prefetch_related(
            Prefetch(
                "handlings",
                queryset=Handling.objects.select_related("queue", "assignee").order_by(
                    "queue__owner", "pk"
                ),
            ),
            "service__attributes",
        ),
        reference=reference,
    )


def _details(service_request):
    """The answers to the service's own questions, as (question, answer) rows."""
    english = (get_language() or "da").startswith("en")
    answers = dict(service_request.details or {})
    rows = []
    for attribute in service_request.service.attributes.all():
        if attribute.code not in answers:
            continue
        value = answers.pop(attribute.code)
        names = {
            v.get("key"): (english and v.get("name_en")) or v.get("name")
            for v in attribute.values or []
        }
        if attribute.datatype == ServiceAttribute.Datatype.DATETIME:
            value = _moment(value, service_request.service.kind == Kind.OFFICER_REQUEST)
        rows.append((attribute.tr("description"), _answer(value, names)))
    # Answers to questions the service no longer asks are still part of the request; keys
    # with a leading underscore are the system's own (such as the form's language).
    rows += [(code, _answer(value, {})) for code, value in answers.items() if code[:1] != "_"]
    return rows


def _moment(value, wished_day):
    """A date or time answer, stored as ISO 8601 (times in UTC), as the page shows dates: in
    Danish time. Anything else is shown as it was stored.

    `wished_day`: the answer is the day a citizen wishes for ("Bestil en betjent"), which
    clients may send as that day's midnight; a time is shown only when one was given."""
    if not isinstance(value, str):
        return value
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            return value if day is None else formats.date_format(day, "DATE_FORMAT")
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    moment = timezone.localtime(moment)
    if wished_day and moment.time() == datetime.time.min:
        return formats.date_format(moment, "DATE_FORMAT")
    return formats.date_format(moment, "DATETIME_FORMAT")


def _answer(value, names):
    if isinstance(value, list):
        return ", ".join(str(names.get(v, v) if isinstance(v, str) else v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and value in names:
        return names[value]
    return value


@dataclass
class Action:
    form: Any
    run: Any
    # The message after success: a text, or made from (result of run, the form's data).
    done: Any
    needs_user: bool = False


def _duplicate_done(handling, data):
    original, stored = data["original"], handling.request.duplicate_of
    if stored.pk != original.pk:
        # Said out loud: the reference stored is not the one the user gave.
        return _(
            "%(original)s is itself a duplicate of %(stored)s, so the request is marked as a "
            "duplicate of %(stored)s and closed for your queue."
        ) % {"original": original.reference, "stored": stored.reference}
    return _("The request is marked as a duplicate of %(stored)s and closed for your queue.") % {
        "stored": stored.reference
    }


ACTIONS = {
    "triage": Action(
        forms.TriageForm,
        lambda h, by, d: actions.triage_handling(
            h, by=by, service=d["service"], priority=d["priority"]
        ),
        gettext_lazy("The request is assessed."),
    ),
    "assign": Action(
        forms.AssignForm,
        lambda h, by, d: actions.assign_handling(h, by=by, assignee=d["assignee"]),
        gettext_lazy("The assignment is saved."),
    ),
    "status": Action(
        forms.StatusForm,
        lambda h, by, d: actions.change_status(h, by=by, status=d["status"]),
        gettext_lazy("The status is changed."),
    ),
    "close": Action(
        forms.CloseForm,
        lambda h, by, d: actions.close_handling(h, by=by, outcome=d["outcome"]),
        gettext_lazy("The request is closed for your queue."),
    ),
    "duplicate": Action(
        forms.DuplicateForm,
        lambda h, by, d: actions.mark_duplicate(h, by=by, original=d["original"]),
        _duplicate_done,
        needs_user=True,
    ),
    "spam": Action(
        forms.SpamForm,
        lambda h, by, d: actions.mark_spam(h, by=by),
        gettext_lazy("The request is marked as spam and closed for your queue."),
    ),
    "not_spam": Action(
        forms.NotSpamForm,
        lambda h, by, d: actions.unmark_spam(h, by=by),
        gettext_lazy("The spam mark is removed, and the request is in progress again."),
    ),
    "note": Action(
        forms.NoteForm,
        lambda h, by, d: actions.add_internal_note(h, by=by, body=d["body"]),
        gettext_lazy("The internal note is saved."),
    ),
    "reply": Action(
        forms.ReplyForm,
        lambda h, by, d: actions.send_public_reply(h, by=by, body=d["body"]),
        gettext_lazy("The reply is sent to the citizen."),
    ),
}


def _action_form(name, handling, user, data=None):
    spec = ACTIONS[name]
    kwargs = {"handling": handling, "prefix": name}
    if spec.needs_user:
        kwargs["user"] = user
    return spec.form(data, **kwargs)


def _detail_context(request, service_request, *, current=None, failed=None):
    user = request.user
    handlings = list(service_request.handlings.all())
    workable_ids = set(
        Queue.objects.workable_by(user)
        .filter(pk__in=[h.queue_id for h in handlings])
        .values_list("pk", flat=True)
    )
    workable = [h for h in handlings if h.queue_id in workable_ids]
    if current is None and workable:
        wanted = request.GET.get("koe", "")
        current = next((h for h in workable if str(h.queue_id) == wanted), workable[0])
    action_forms = {}
    if current is not None:
        action_forms = {name: _action_form(name, current, user) for name in ACTIONS}
        if failed is not None:
            action_forms[failed[0]] = failed[1]
        reply = action_forms["reply"]
        reply_templates = {
            str(t.pk): reply.template_text(t) for t in reply.fields["template"].queryset
        }
    else:
        reply_templates = {}
    visible = ServiceRequest.objects.visible_to(user)
    return {
        "sr": service_request,
        "handlings": handlings,
        "workable": workable,
        "current": current,
        "forms": action_forms,
        "reply_templates": reply_templates,
        "public_status": Handling.Status(service_request.public_status()).label,
        "details": _details(service_request),
        "thread": Message.objects.visible_to(user)
        .filter(request=service_request)
        .select_related("author", "queue"),
        "photos": service_request.photos.all(),
        "contact_visible": service_request.contact_visible_to(user),
        "map": place_map(service_request.municipality, service_request.lat, service_request.lon),
        "duplicates": likely_duplicates(service_request, among=visible),
        "duplicate_of_visible": service_request.duplicate_of_id is not None
        and visible.filter(pk=service_request.duplicate_of_id).exists(),
        "known_duplicates": visible.filter(duplicate_of=service_request).only(
            "pk", "reference", "submitted_at"
        ),
        "guarantees": request_panel(request, service_request),
    }


def request_detail(request, reference):
    service_request = _visible_request(request.user, reference)
    return render(
        request,
        "servicedesk/staff/request_detail.html",
        _detail_context(request, service_request),
    )


@require_POST
def handling_action(request, reference, pk, action):
    if action not in ACTIONS:
        raise Http404
    spec = ACTIONS[action]
    # Locked from the check of what the page showed (forms.CurrentStateForm) to the write, so
    # that a colleague's change cannot slip in between.
    with transaction.atomic():
        handling = get_object_or_404(
            Handling.objects.workable_by(request.user)
            .filter(request__in=ServiceRequest.objects.visible_to(request.user))
            .select_related("request__service", "queue")
            .select_for_update(of=("self",)),
            pk=pk,
            request__reference=reference,
        )
        form = _action_form(action, handling, request.user, request.POST)
        result = None
        if form.is_valid():
            try:
                result = spec.run(handling, request.user, form.cleaned_data)
            except actions.DeskError as exc:
                form.add_error(None, str(exc))
    if form.is_valid():
        done = spec.done(result, form.cleaned_data) if callable(spec.done) else spec.done
        messages.success(request, done)
        url = reverse("staff:servicedesk_staff:request", args=[reference])
        return redirect(f"{url}?koe={handling.queue_id}")
    service_request = _visible_request(request.user, reference)
    current = next(h for h in service_request.handlings.all() if h.pk == handling.pk)
    context = _detail_context(request, service_request, current=current, failed=(action, form))
    context["failed_action"] = action
    context["failed_form"] = form
    return render(request, "servicedesk/staff/request_detail.html", context, status=400)


def photo(request, reference, pk):
    """A citizen's photo, only for those who may see the request: photos are never public
    files."""
    service_request = get_object_or_404(
        ServiceRequest.objects.visible_to(request.user).only("pk"), reference=reference
    )
    found = get_object_or_404(service_request.photos, pk=pk)
    try:
        handle = found.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=found.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
