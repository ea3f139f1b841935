"""Writes to citizen meetings and their registrations.

Staff writes take the acting user, check again that they may make them, and write the audit
entry. Registrations come from citizens and are not logged: the log is for staff changes.

Seats are counted under a row lock of the meeting (SELECT … FOR UPDATE on PostgreSQL; on
SQLite every write transaction begins IMMEDIATE and holds the database's one write lock), so
two citizens registering for the last seat at once never both get it, and a cancellation
moves up exactly one from the waiting list.
"""

import functools

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from tryghed.accounts.scope import scope_of
from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.citizen_meetings.models import CitizenMeeting, Registration

CREATE = AuditEntry.Action.CREATE
UPDATE = AuditEntry.Action.UPDATE
Status = Registration.Status

MEETING_FIELDS = [
    "kind",
    "title",
    "title_en",
    "description",
    "description_en",
    "municipality",
    "starts_at",
    "ends_at",
    "place",
    "address",
    "capacity",
    "is_public",
    "contact_email",
]
# A change to one of these is news to those registered: they are told by e-mail.
WHEN_AND_WHERE = ["starts_at", "ends_at", "place", "address"]


class RegistrationError(ValueError):
    """A registration that the meeting does not allow; the message is shown as is."""


def _registration_snapshot(registration):
    data = log.snapshot(registration)
    data.pop("nonce", None)
    return data


def _may_create_in(user, municipality):
    scope = scope_of(user)
    return (
        scope.is_global
        or municipality.pk in scope.editable_municipality_ids
        or municipality.district_id in scope.secretariat_district_ids
    )


def _locked_meeting(meeting):
    return CitizenMeeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def create_meeting(*, by, source_request=None, **fields):
    """A new event in a municipality where the user may create one; `fields` are the
    form's (MEETING_FIELDS)."""
    municipality = fields["municipality"]
    if not _may_create_in(by, municipality):
        raise PermissionDenied
    meeting = CitizenMeeting.objects.create(
        district_id=municipality.district_id,
        organiser=by,
        source_request=source_request,
        **{name: fields[name] for name in MEETING_FIELDS if name in fields},
    )
    log.record(meeting, by=by, action=CREATE, message="from request" if source_request else "")
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, **fields):
    """Change an event. More seats move people up from the waiting list; fewer seats never
    take a confirmed seat away. A new time or place is e-mailed to everyone registered and
    on the waiting list."""
    if not CitizenMeeting.objects.editable_by(by).filter(pk=meeting.pk).exists():
        raise PermissionDenied
    if not fields:
        return meeting
    moved_to = fields.get("municipality")
    if (
        moved_to is not None
        and moved_to.pk != meeting.municipality_id
        and not _may_create_in(by, moved_to)
    ):
        raise PermissionDenied
    locked = _locked_meeting(meeting)
    before = log.snapshot(locked)
    moved = any(name in fields and fields[name] != getattr(locked, name) for name in WHEN_AND_WHERE)
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.district_id = locked.municipality.district_id
    locked.sequence += 1
    locked.save()
    log.record(locked, by=by, action=UPDATE, before=before, message="edit")
    promoted = _fill_seats(locked)
    # Those called off were told so, and an event that is over is only being corrected.
    if moved and not locked.is_cancelled and locked.ends_at > timezone.now():
        # Those who moved up are sent the new time and place with the news of their seat.
        told = locked.registrations.active().exclude(pk__in=promoted)
        for pk in told.values_list("pk", flat=True):
            transaction.on_commit(functools.partial(email_meeting_moved.enqueue, pk))
    return locked


@transaction.atomic
def cancel_meeting(meeting, *, by):
    """Call the event off: it stays in the calendar, marked as cancelled, and everyone
    registered is told by e-mail."""
    if not CitizenMeeting.objects.editable_by(by).filter(pk=meeting.pk).exists():
        raise PermissionDenied
    locked = _locked_meeting(meeting)
    if locked.is_cancelled:
        return locked
    before = log.snapshot(locked)
    locked.status = CitizenMeeting.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence", "updated_at"])
    log.record(locked, by=by, action=UPDATE, before=before, message="cancel")
    for pk in locked.registrations.active().values_list("pk", flat=True):
        transaction.on_commit(functools.partial(email_meeting_cancelled.enqueue, pk))
    return locked


@transaction.atomic
def register(meeting, *, name, email, phone="", language=None, now=None):
    """Register a citizen: a seat while there is one, otherwise the waiting list.

    Raises RegistrationError when the meeting takes no registrations, or the address is
    already registered for it.
    """
    locked = _locked_meeting(meeting)
    # Read after the lock, so that the queue order is the order in which seats were given.
    now = now or timezone.now()
    if not locked.registration_open(now):
        raise RegistrationError(_("Registration for this event is closed."))
    if locked.registrations.active().filter(email__iexact=email).exists():
        raise RegistrationError(_("This e-mail address is already registered for the event."))
    taken = locked.registrations.confirmed().count()
    status = Status.CONFIRMED if taken < locked.capacity else Status.WAITING
    try:
        # A savepoint, so that a clash on the unique constraint leaves the transaction usable.
        with transaction.atomic():
            return Registration.objects.create(
                meeting=locked,
                name=name,
                email=email,
                phone=phone,
                status=status,
                language=language or settings.LANGUAGE_CODE,
                created_at=now,
            )
    except IntegrityError:
        raise RegistrationError(
            _("This e-mail address is already registered for the event.")
        ) from None


def _fill_seats(meeting):
    """Move people up from the waiting list while there are seats; the meeting's row must
    be locked. Each one moved up is told by e-mail after the commit."""
    if meeting.is_cancelled or meeting.starts_at <= timezone.now():
        # Once it has begun, no one on the waiting list can still come.
        return []
    free = meeting.capacity - meeting.registrations.confirmed().count()
    if free <= 0:
        return []
    moved = []
    now = timezone.now()
    for pk in meeting.registrations.waiting().in_queue_order().values_list("pk", flat=True)[:free]:
        # Compare-and-set: only a registration still waiting moves up.
        if Registration.objects.filter(pk=pk, status=Status.WAITING).update(
            status=Status.CONFIRMED, promoted_at=now
        ):
            moved.append(pk)
            transaction.on_commit(functools.partial(email_promotion.enqueue, pk))
    return moved


def _cancel(registration, now):
    """Cancel one registration and fill its seat; returns whether anything changed."""
    meeting = _locked_meeting(registration.meeting)
    changed = Registration.objects.filter(
        pk=registration.pk, status__in=[Status.CONFIRMED, Status.WAITING]
    ).update(status=Status.CANCELLED, cancelled_at=now)
    if changed:
        _fill_seats(meeting)
    return bool(changed)


@transaction.atomic
def cancel_registration(registration, *, now=None):
    """The citizen cancels through their link, until the event begins: after that the list
    says who was registered for it."""
    now = now or timezone.now()
    if registration.meeting.starts_at <= now:
        return False
    return _cancel(registration, now)


@transaction.atomic
def cancel_registration_by_staff(registration, *, by):
    """An organiser takes a registration off the list (the citizen called, say)."""
    if not CitizenMeeting.objects.editable_by(by).filter(pk=registration.meeting_id).exists():
        raise PermissionDenied
    before = _registration_snapshot(registration)
    changed = _cancel(registration, timezone.now())
    if changed:
        registration.refresh_from_db()
        log.record(
            registration,
            by=by,
            action=UPDATE,
            before=before,
            after=_registration_snapshot(registration),
            message="cancel registration",
        )
    return changed


@task()
def email_promotion(registration_id):
    from tryghed.citizen_meetings import notify

    registration = (
        Registration.objects.select_related("meeting__municipality")
        .filter(pk=registration_id, status=Status.CONFIRMED)
        .first()
    )
    if registration is not None:
        notify.send_promotion(registration)


@task()
def email_meeting_cancelled(registration_id):
    from tryghed.citizen_meetings import notify

    registration = (
        Registration.objects.select_related("meeting__municipality")
        .filter(pk=registration_id)
        .first()
    )
    if registration is not None:
        notify.send_meeting_cancelled(registration)


@task()
def email_meeting_moved(registration_id):
    from tryghed.citizen_meetings import notify

    registration = (
        Registration.objects.select_related("meeting__municipality")
        .filter(pk=registration_id, status__in=[Status.CONFIRMED, Status.WAITING])
        .first()
    )
    if registration is not None:
        notify.send_meeting_moved(registration)


class MeetingError(ValueError):
    """A staff write that the records do not allow; the message is shown as is."""


@transaction.atomic
def create_meeting_from_request(service_request, *, by, **fields):
    """The talk that an accepted "Bestil en betjent" request asked for, as an event; one
    event per request."""
    from tryghed.citizen_meetings.talks import accepted_talk_requests

    if not accepted_talk_requests(by).filter(pk=service_request.pk).exists():
        raise PermissionDenied
    if CitizenMeeting.objects.filter(source_request=service_request).exists():
        raise MeetingError(_("This request already has its event."))
    fields["kind"] = CitizenMeeting.Kind.OFFICER_TALK
    try:
        with transaction.atomic():
            return create_meeting(by=by, source_request=service_request, **fields)
    except IntegrityError:
        # Someone else made the event from the same request a moment ago.
        raise MeetingError(_("This request already has its event.")) from None
