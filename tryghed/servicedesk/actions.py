"""Writes to citizen requests. Staff actions take the acting user and write the audit entry.

A staff action works on one queue's handling of a request. It checks again that the acting
user may work that queue (Queue.objects.workable_by), whatever the view already checked, and
re-reads the handling under a row lock so that two people on the same request do not
overwrite each other's change.
"""

import functools

from django.core.exceptions import PermissionDenied
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.core import inserts, writelock
from tryghed.guarantees import actions as guarantee_actions
from tryghed.guarantees import counts as guarantee_counts
from tryghed.guarantees.models import StopEvent
from tryghed.open311.intake import has_visible_character
from tryghed.servicedesk import resubmission, routing
from tryghed.servicedesk.models import (
    REFERENCE_PREFIX,
    Handling,
    Message,
    Queue,
    ServiceRequest,
    hash_token,
    new_token,
)

UPDATE = AuditEntry.Action.UPDATE
CREATE = AuditEntry.Action.CREATE
DELETE = AuditEntry.Action.DELETE
# Intake is the busiest write: its rows are inserted without compiling a statement each time.
_insert_request = inserts.Insert(ServiceRequest)
_insert_handling = inserts.Insert(Handling)


class AlreadyReceived(Exception):
    """The citizen sent the same request a short while ago (servicedesk/resubmission.py);
    `request` is the one stored then. Nothing was stored now."""

    def __init__(self, request):
        super().__init__(request.reference)
        self.request = request


def submit_request(
    service,
    *,
    description,
    lat=None,
    lon=None,
    municipality=None,
    place="",
    details=None,
    reporter_name="",
    reporter_email="",
    reporter_phone="",
    channel=ServiceRequest.Channel.WEB,
    photos=(),
    check=None,
    same_sender=None,
):
    """Receive a citizen request, route it to its queues and give it a reference.

    `check` is called with the routing.Route before anything is stored, and may refuse it by
    raising routing.RoutingError (Open311 checks its jurisdiction).

    With `same_sender`, a request that repeats one the same citizen sent through the same
    channel within resubmission.WINDOW is not stored again: AlreadyReceived is raised with
    the earlier request. Requests with contact details are matched by them;
    `same_sender(earlier)` is asked about an anonymous earlier request and says whether it
    came from the sender of this one (the web form compares client addresses). Without it
    (Open311, whose clients file for many citizens each and must get a token for every
    request; the staff tools) every call stores a request.

    Returns (request, token): the token is the secret of the status link and is not stored.
    Raises routing.RoutingError when the place cannot be served here; nothing is stored then.
    """
    # Routed before the transaction: on SQLite the transaction holds the write lock that
    # every other submission waits for.
    found = routing.route(service, lat=lat, lon=lon, municipality=municipality)
    if check is not None:
        check(found)
    token = new_token()
    # Kept only where a repeat is looked for: requests filed otherwise are never compared.
    fingerprint = ""
    if same_sender is not None:
        fingerprint = resubmission.fingerprint(
            service,
            channel=channel,
            description=description,
            details=details,
            place=place,
            municipality=found.municipality,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            reporter_phone=reporter_phone,
        )
    using = router.db_for_write(ServiceRequest)
    # Everything but the number is made before the write lock: the rows with their values,
    # and which guarantees cover the request.
    request = ServiceRequest(
        token_hash=hash_token(token),
        service=service,
        description=description,
        details=details or {},
        lat=lat,
        lon=lon,
        place=place,
        reporter_name=reporter_name,
        reporter_email=reporter_email,
        reporter_phone=reporter_phone,
        channel=channel,
        fingerprint=fingerprint,
    )
    rows = _rows(request, found, using)
    with writelock.serialized_writes(using), transaction.atomic(using=using):
        if same_sender is not None:
            _refuse_repeat(using, request, same_sender, photos=len(photos))
        pk, holds = _number_and_confirm(using, found)
        if not holds:
            # What the worker remembered has changed since (reference data reloaded, a queue
            # deleted): route again from the database.
            found = routing.route(service, lat=lat, lon=lon, municipality=municipality, fresh=True)
            if check is not None:
                check(found)
            rows = _rows(request, found, using)
        request_rows, handling_rows, deadlines = rows
        # The number is the primary key's, so concurrent submissions never collide.
        request_rows.fill("id", pk)
        request_rows.fill("reference", reference(service, request.submitted_at, pk))
        request_rows.write()
        handling_rows.fill("request", request)
        handling_rows.write()
        if deadlines:
            for deadline in deadlines:
                deadline.service_request = request
            guarantee_counts.save(deadlines)
        for photo in photos:
            photo.request = request
            photo.save()
    return request, token


def _rows(request, found, using):
    """The request's row, its handlings' rows and its deadlines, for the place `found`; all
    but the request's number and reference."""
    request.municipality, request.district = found.municipality, found.district
    request_rows = _insert_request.prepare([request], using=using)
    handling_rows = _insert_handling.prepare(
        [Handling(queue=queue) for queue in found.queues], using=using
    )
    # The request's time is set by preparing its row.
    return request_rows, handling_rows, guarantee_actions.request_deadlines(request)


def reference(service, submitted_at, number):
    """TIP-2026-000123: the kind of service, the year it was received, the number."""
    year = timezone.localtime(submitted_at).year
    return f"{REFERENCE_PREFIX[service.kind]}-{year}-{number:06d}"


def _refuse_repeat(using, request, same_sender, *, photos):
    """Raise AlreadyReceived when `request` repeats an earlier one (resubmission.earlier).

    Runs inside the write transaction, before the new row is numbered, so that two sendings
    at the same moment (a double click on a form opened twice) store one request. SQLite lets
    one write transaction in at a time (see _number_and_confirm). PostgreSQL runs them side
    by side, so each first takes a lock on the fingerprint that is held to its commit: the
    second then waits, and its read sees the first's row."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The lock's key is a 64-bit number: the first 60 bits of the fingerprint.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(request.fingerprint[:15], 16)])
    earlier = resubmission.earlier(
        ServiceRequest.objects.using(using),
        fingerprint=request.fingerprint,
        now=timezone.now(),
        lat=request.lat,
        lon=request.lon,
        photos=photos,
        same_sender=same_sender,
    )
    if earlier is not None:
        raise AlreadyReceived(earlier)


def _number_and_confirm(using, found):
    """In one query: the primary key the next citizen request gets, so that its reference,
    made from it, is written by the same INSERT; and whether the route `found` still holds
    (routing.confirmation), since it may come from a worker's memory.

    PostgreSQL hands the key out from the table's sequence, never twice, even to transactions
    that roll back. SQLite has no sequences; AUTOINCREMENT keeps the highest key ever given in
    sqlite_sequence, and this runs inside the write transaction, which SQLite begins
    IMMEDIATE (see settings): it holds the database's only write lock, so no other writer can
    take the same number, or change the routing rows, before the INSERT. Must be called
    inside that transaction.
    """
    connection = connections[using]
    table = ServiceRequest._meta.db_table
    if connection.vendor == "postgresql":
        number = "nextval(pg_get_serial_sequence(%s, 'id'))"
    else:
        number = (
            "MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0)) + 1"
        )
    confirm, params = routing.confirmation(found, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {number}, {confirm}", [table, *params])
        pk, holds = cursor.fetchone()
    return pk, bool(holds)


@transaction.atomic
def add_citizen_message(request, *, body):
    """The citizen answers through the status link; every queue that has closed the request
    sees it again, since a new message may need a new look.

    Not so for spam: whoever holds its link would put it back into the queues, open and
    without its outcome, with every message. The message is kept on the request."""
    message = Message.objects.create(request=request, kind=Message.Kind.CITIZEN, body=body)
    if request.is_spam:
        return message
    # update() bypasses auto_now: the reopening is a change the desk and Open311 date.
    Handling.objects.filter(request=request, status=Handling.Status.CLOSED).update(
        status=Handling.Status.IN_PROGRESS, closed_at=None, outcome="", updated_at=timezone.now()
    )
    return message


class DeskError(ValueError):
    """A desk action that the request's state does not allow; the message is shown as is."""


def _locked(handling, by):
    if not Queue.objects.workable_by(by).filter(pk=handling.queue_id).exists():
        raise PermissionDenied
    return (
        Handling.objects.select_for_update(of=("self",))
        .select_related("request__service", "queue")
        .get(pk=handling.pk)
    )


def _locked_request(handling):
    return ServiceRequest.objects.select_for_update().get(pk=handling.request_id)


def _save(handling, *, by, before, message, fields):
    handling.save(update_fields=[*fields, "updated_at"])
    log.record(handling, by=by, action=UPDATE, before=before, message=message)


@transaction.atomic
def triage_handling(handling, *, by, service=None, priority=None):
    """Assess a request: confirm or change its service and set this queue's priority.

    The service belongs to the request, so a new one applies to every queue; when the new
    service concerns a queue that does not have the request yet (a tip that turns out to be
    nuisance in a park), that queue receives it now.
    """
    handling = _locked(handling, by)
    before = log.snapshot(handling)
    if handling.status == Handling.Status.NEW:
        handling.status = Handling.Status.TRIAGED
    if priority is not None:
        handling.priority = priority
    _save(handling, by=by, before=before, message="triage", fields=["status", "priority"])
    if service is not None and service.pk != handling.request.service_id:
        _change_service(handling, by=by, service=service)
    return handling


def _change_service(handling, *, by, service):
    request = _locked_request(handling)
    # Routing reads the names and the district's number, not the large boundaries.
    municipality = routing.municipalities().get(pk=request.municipality_id)
    try:
        found = routing.route(service, municipality=municipality, fresh=True)
    except routing.RoutingError as exc:
        raise DeskError(str(exc)) from exc
    before = log.snapshot(request)
    request.service = service
    request.save(update_fields=["service"])
    log.record(request, by=by, action=UPDATE, before=before, message="service")
    guarantee_actions.request_service_changed(request)
    have = set(request.handlings.values_list("queue_id", flat=True))
    for queue in found.queues:
        if queue.pk not in have:
            added = Handling(request=request, queue=queue, priority=handling.priority)
            if request.is_spam:
                # The spam mark closes every queue's handling, also one that comes after it;
                # taking the mark back opens this one with the others.
                added.close(Handling.Outcome.SPAM)
            added.save()
            log.record(added, by=by, action=CREATE, message="routing")
    # A municipality reads a request only through its queue's handling, and what the new
    # service says it is (a nuisance report that is really a tip) may be police information:
    # the municipality's queue gives it up. The police see every queue of their
    # municipality, so their handling stays where it is, and is closed by hand if need be.
    routed = {queue.pk for queue in found.queues}
    withdrawn = request.handlings.filter(queue__owner=Queue.Owner.MUNICIPALITY).exclude(
        queue__in=routed
    )
    for gone in withdrawn.exclude(pk=handling.pk).select_related("queue"):
        log.record(gone, by=by, action=DELETE, before=log.snapshot(gone), message="routing")
        gone.delete()
    handling.request = request


@transaction.atomic
def assign_handling(handling, *, by, assignee):
    """Give this queue's work on the request to one of the queue's people (None: nobody)."""
    handling = _locked(handling, by)
    if assignee is not None and not handling.queue.workers().filter(pk=assignee.pk).exists():
        raise DeskError(
            _("%(name)s does not work in %(queue)s.")
            % {"name": assignee.get_full_name() or assignee, "queue": handling.queue}
        )
    before = log.snapshot(handling)
    handling.assignee = assignee
    _save(handling, by=by, before=before, message="assign", fields=["assignee"])
    return handling


@transaction.atomic
def change_status(handling, *, by, status):
    """Move this queue's handling to another open status; a closed one opens again."""
    handling = _locked(handling, by)
    if status == Handling.Status.CLOSED:
        raise DeskError(_("Close the request with an outcome instead."))
    if status not in Handling.Status.values:
        raise DeskError(_("Unknown status."))
    if handling.request.is_spam:
        # The mark closes every queue's handling; one queue's alone would leave the
        # request open for the citizen and closed in Open311.
        raise DeskError(
            _("The request is marked as spam. Take the mark back (“Not spam after all”) first.")
        )
    if handling.outcome == Handling.Outcome.DUPLICATE and handling.request.duplicate_of_id:
        return _not_a_duplicate(handling, status, by=by)
    return _move(handling, status, by=by, message="status")


def _not_a_duplicate(handling, status, *, by):
    """A handling closed as a duplicate is opened again: the request is no duplicate after
    all. Its mark goes, the deadlines it voided count again, and every queue's handling
    closed as a duplicate is opened as well, as taking a spam mark back does."""
    request = _locked_request(handling)
    before = log.snapshot(request)
    request.duplicate_of = None
    request.save(update_fields=["duplicate_of"])
    log.record(request, by=by, action=UPDATE, before=before, message="not a duplicate")
    guarantee_actions.request_restored(request, by=by, reason="not a duplicate")
    others = (
        Handling.objects.select_for_update(of=("self",))
        .filter(request=request, status=Handling.Status.CLOSED, outcome=Handling.Outcome.DUPLICATE)
        .exclude(pk=handling.pk)
        .select_related("request", "queue")
    )
    for reopened in others:
        _move(reopened, Handling.Status.IN_PROGRESS, by=by, message="not a duplicate")
    _move(handling, status, by=by, message="status")
    handling.request = request
    return handling


def _move(handling, status, *, by, message):
    """Move the handling to an open `status` and write it, audit-logged."""
    before = log.snapshot(handling)
    handling.move_to(status)
    _save(
        handling, by=by, before=before, message=message, fields=["status", "outcome", "closed_at"]
    )
    return handling


@transaction.atomic
def close_handling(handling, *, by, outcome):
    """Close this queue's handling; the citizen sees the request closed when every queue
    has closed it.

    A closed handling is not closed again: that would silently replace its outcome and the
    time it was closed (two tabs, a second click). The desk opens it again by a status
    change first, as the page says.
    """
    handling = _locked(handling, by)
    if not outcome:
        raise DeskError(_("Choose an outcome to close the request."))
    if outcome not in Handling.Outcome.values:
        raise DeskError(_("Unknown outcome."))
    if not handling.is_open:
        raise DeskError(
            _(
                "The request is already closed for your queue (%(outcome)s). Change the "
                "status to open it again."
            )
            % {"outcome": handling.get_outcome_display()}
        )
    before = log.snapshot(handling)
    handling.close(outcome)
    _save(
        handling, by=by, before=before, message="close", fields=["status", "outcome", "closed_at"]
    )
    return handling


def _close_as(handling, *, by, outcome, message):
    """Close the handling with `outcome` for spam or a duplicate, which are facts about the
    request that may come after the queue closed it: a closed handling then only changes its
    outcome and keeps the time it was closed. Nothing is written when nothing changes."""
    if not handling.is_open and handling.outcome == outcome:
        return
    before = log.snapshot(handling)
    if handling.is_open:
        handling.close(outcome)
    else:
        handling.outcome = outcome
    _save(
        handling, by=by, before=before, message=message, fields=["status", "outcome", "closed_at"]
    )


@transaction.atomic
def mark_duplicate(handling, *, by, original):
    """Record that the request repeats `original`, and close this queue's handling of it.

    A duplicate of a duplicate points to the first request, so that the chain stays short,
    but never past a request the acting user cannot see: the link they store must open for
    them. Returns the handling, whose request's duplicate_of is the request stored.
    """
    handling = _locked(handling, by)
    visible = ServiceRequest.objects.visible_to(by)
    if not visible.filter(pk=original.pk).exists():
        raise DeskError(_("There is no such request that you can see."))
    if original.pk == handling.request_id:
        raise DeskError(_("A request cannot be a duplicate of itself."))
    # Both requests locked, in one order, and the original read again under the lock: two
    # desks marking each request a duplicate of the other at once would each find no loop.
    locked = (
        ServiceRequest.objects.select_for_update()
        .filter(pk__in=[handling.request_id, original.pk])
        .order_by("pk")
        .only("pk", "reference", "duplicate_of", "is_spam")
    )
    original = {r.pk: r for r in locked}[original.pk]
    chain = [original]
    while chain[-1].duplicate_of_id is not None and chain[-1].duplicate_of_id not in {
        r.pk for r in chain
    }:
        chain.append(
            ServiceRequest.objects.only("pk", "reference", "duplicate_of", "is_spam").get(
                pk=chain[-1].duplicate_of_id
            )
        )
    if any(r.pk == handling.request_id for r in chain):
        raise DeskError(
            _(
                "%(ref)s is already recorded as a duplicate of this request, so this request "
                "cannot be a duplicate of %(ref)s."
            )
            % {"ref": original.reference}
        )
    seen = set(visible.filter(pk__in=[r.pk for r in chain]).values_list("pk", flat=True))
    root = original
    for step in chain[1:]:
        if step.pk not in seen:
            break
        root = step
    # A real request closed as a duplicate of spam would lose its deadlines, and the
    # citizen would be told it is handled together with a request nobody handles.
    spam = next((r for r in (original, root) if r.is_spam), None)
    if spam is not None:
        raise DeskError(
            _("%(ref)s is marked as spam, so no request can be marked as a duplicate of it.")
            % {"ref": spam.reference}
        )
    request = _locked_request(handling)
    if (
        request.duplicate_of_id == root.pk
        and not handling.is_open
        and handling.outcome == Handling.Outcome.DUPLICATE
    ):
        raise DeskError(
            _("The request is already marked as a duplicate of %(ref)s.") % {"ref": root.reference}
        )
    if request.duplicate_of_id != root.pk:
        before = log.snapshot(request)
        request.duplicate_of = root
        request.save(update_fields=["duplicate_of"])
        log.record(request, by=by, action=UPDATE, before=before, message="duplicate")
        guarantee_actions.request_voided(request, by=by, reason="duplicate")
    request.duplicate_of = root
    _close_as(handling, by=by, outcome=Handling.Outcome.DUPLICATE, message="duplicate")
    handling.request = request
    return handling


@transaction.atomic
def mark_spam(handling, *, by):
    """Mark the request as spam and close this queue's handling of it, and every other
    queue's that is open: one queue's alone would leave the request open for the citizen
    and in the other queue, and closed in Open311. A queue that had closed it keeps its
    outcome; "not spam after all" opens those closed as spam again."""
    handling = _locked(handling, by)
    request = _locked_request(handling)
    if request.is_spam and not handling.is_open and handling.outcome == Handling.Outcome.SPAM:
        raise DeskError(_("The request is already marked as spam and closed for your queue."))
    if not request.is_spam:
        before = log.snapshot(request)
        request.is_spam = True
        request.save(update_fields=["is_spam"])
        log.record(request, by=by, action=UPDATE, before=before, message="spam")
        guarantee_actions.request_voided(request, by=by, reason="spam")
    _close_as(handling, by=by, outcome=Handling.Outcome.SPAM, message="spam")
    still_open = (
        Handling.objects.select_for_update(of=("self",))
        .filter(request=request)
        .exclude(status=Handling.Status.CLOSED)
        .exclude(pk=handling.pk)
        .select_related("request", "queue")
    )
    for other in still_open:
        _close_as(other, by=by, outcome=Handling.Outcome.SPAM, message="spam")
    handling.request = request
    return handling


@transaction.atomic
def unmark_spam(handling, *, by):
    """Take back a spam mark: the request is real after all. This queue's handling is in
    progress again, and so is every other queue's that was closed as spam, since that
    outcome rested on the same mark; the citizen and Open311 see the request looked into.
    The guarantees' deadlines that the mark voided count again (see `request_restored`).
    """
    handling = _locked(handling, by)
    request = _locked_request(handling)
    if not request.is_spam:
        raise DeskError(_("The request is not marked as spam."))
    before = log.snapshot(request)
    request.is_spam = False
    request.save(update_fields=["is_spam"])
    log.record(request, by=by, action=UPDATE, before=before, message="not spam")
    guarantee_actions.request_restored(request, by=by)
    closed_as_spam = (
        Handling.objects.select_for_update(of=("self",))
        .filter(request=request, status=Handling.Status.CLOSED, outcome=Handling.Outcome.SPAM)
        .exclude(pk=handling.pk)
        .select_related("request", "queue")
    )
    for reopened in [handling, *closed_as_spam]:
        if reopened.status != Handling.Status.IN_PROGRESS:
            _move(reopened, Handling.Status.IN_PROGRESS, by=by, message="not spam")
    handling.request = request
    return handling


def _message(handling, *, by, kind, body):
    body = (body or "").strip()
    if not has_visible_character(body):
        raise DeskError(_("Write a message."))
    message = Message.objects.create(
        request=handling.request, kind=kind, body=body, author=by, queue=handling.queue
    )
    log.record(message, by=by, action=CREATE, message=kind)
    return message


@transaction.atomic
def add_internal_note(handling, *, by, body):
    """A note for the staff on the request; the citizen never sees it."""
    handling = _locked(handling, by)
    return _message(handling, by=by, kind=Message.Kind.INTERNAL_NOTE, body=body)


@transaction.atomic
def send_public_reply(handling, *, by, body):
    """Answer the citizen: the reply shows on their status page, and is e-mailed to them
    when they gave an address. A reply means someone has taken the request up."""
    handling = _locked(handling, by)
    message = _message(handling, by=by, kind=Message.Kind.PUBLIC_REPLY, body=body)
    guarantee_actions.request_event(
        handling.request, event=StopEvent.ANSWER_SENT, at=message.created_at, by=by
    )
    if handling.status == Handling.Status.NEW:
        before = log.snapshot(handling)
        handling.move_to(Handling.Status.IN_PROGRESS)
        _save(handling, by=by, before=before, message="reply", fields=["status"])
    if handling.request.reporter_email:
        # After the commit, so that the worker never looks for a reply that was rolled back.
        transaction.on_commit(functools.partial(email_public_reply.enqueue, message.pk))
    return message


@task()
def email_public_reply(message_id):
    """Tell the citizen by e-mail that there is a reply (run by the task worker)."""
    from tryghed.servicedesk.notify import notify_public_reply

    message = (
        Message.objects.select_related("request")
        .filter(pk=message_id, kind=Message.Kind.PUBLIC_REPLY)
        .first()
    )
    if message is not None:
        notify_public_reply(message.request, message)
