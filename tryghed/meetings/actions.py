"""Writes to council meetings. Each takes the acting user, runs in one transaction and leaves
an audit entry; a write the meeting's rules do not allow raises MeetingError with a message
for the user and changes nothing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.meetings.agenda import descendant_ids, minutes_content
from tryghed.meetings.models import (
    AgendaItem,
    CalendarFeed,
    CalendarFeedViewer,
    Decision,
    FollowUp,
    Meeting,
    MinutesVersion,
    Participant,
)
from tryghed.plans import actions as plan_actions
from tryghed.plans.models import Initiative

CREATE, UPDATE, DELETE = (
    AuditEntry.Action.CREATE,
    AuditEntry.Action.UPDATE,
    AuditEntry.Action.DELETE,
)


class MeetingError(ValueError):
    """A change that the meeting's rules do not allow; the message is shown to the user."""


# The papers are what the approved minutes refer to.
PAPERS_KEPT = gettext_lazy("The minutes are approved; the meeting's papers can no longer change.")
# Who was invited, and when and where the meeting was, are part of the minutes too.
DETAILS_KEPT = gettext_lazy(
    "The minutes are approved; the meeting's details and invitations can no longer change."
)


def _locked(meeting):
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def create_meeting(council, *, by, **fields):
    """Plan a meeting and invite the council's current members."""
    meeting = Meeting(council=council, created_by=by, **fields)
    meeting.full_clean()
    meeting.save()
    log.record(meeting, by=by, action=CREATE)
    on = timezone.localtime(meeting.starts_at).date()
    people = {m.person for m in council.current_memberships(on)}
    for person in sorted(people, key=lambda p: p.name):
        participant = Participant.objects.create(meeting=meeting, person=person)
        log.record(participant, by=by, action=CREATE)
    return meeting


@transaction.atomic
def update_meeting(meeting, *, by, **fields):
    meeting = _locked(meeting)
    if meeting.minutes_locked:
        raise MeetingError(DETAILS_KEPT)
    before = log.snapshot(meeting)
    for name, value in fields.items():
        setattr(meeting, name, value)
    if any(before.get(name) != log.snapshot(meeting).get(name) for name in fields):
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    log.record(meeting, by=by, action=UPDATE, before=before)
    return meeting


@transaction.atomic
def cancel_meeting(meeting, *, by):
    meeting = _locked(meeting)
    if meeting.is_cancelled:
        return meeting
    if meeting.starts_at <= timezone.now():
        raise MeetingError(_("A meeting that has begun cannot be cancelled."))
    before = log.snapshot(meeting)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    log.record(meeting, by=by, action=UPDATE, before=before, message="cancelled")
    return meeting


@transaction.atomic
def invite(meeting, *, by, person=None, guest_name="", guest_email=""):
    """Invite a person (usually a member) or a guest known only by name and e-mail."""
    if _locked(meeting).minutes_locked:
        raise MeetingError(DETAILS_KEPT)
    if person is not None and meeting.participants.filter(person=person).exists():
        raise MeetingError(_("%(person)s is already invited.") % {"person": person})
    if person is None and not guest_name.strip():
        raise MeetingError(_("Choose a member or give the guest's name."))
    participant = Participant.objects.create(
        meeting=meeting,
        person=person,
        guest_name="" if person else guest_name.strip(),
        guest_email="" if person else guest_email.strip(),
        is_guest=person is None
        or not meeting.council.current_memberships().filter(person=person).exists(),
    )
    log.record(participant, by=by, action=CREATE)
    return participant


@transaction.atomic
def record_attendance(meeting, *, by, attendance, reason=""):
    """`attendance` maps participants of the meeting to their attendance. Once the minutes
    are approved a change needs a reason and becomes a new version of them."""
    meeting = _locked(meeting)
    changed = 0
    for participant, value in attendance.items():
        if participant.meeting_id != meeting.pk:
            raise MeetingError(_("The participant is not invited to this meeting."))
        if participant.attendance == value:
            continue
        before = log.snapshot(participant)
        participant.attendance = value
        participant.save(update_fields=["attendance"])
        log.record(participant, by=by, action=UPDATE, before=before, message="attendance")
        changed += 1
    if changed:
        _amend(meeting, by=by, reason=reason)
    return changed


def _document_data(document):
    # The audit log takes plain values; a file is written down by its stored name.
    data = {f.name: getattr(document, f.attname) for f in document._meta.concrete_fields}
    data["file"] = document.file.name
    return {key: log._plain(value) for key, value in data.items()}


@transaction.atomic
def add_document(meeting, *, by, title, file, internal=False, agenda_item=None):
    from tryghed.meetings.models import Document

    if _locked(meeting).minutes_locked:
        raise MeetingError(PAPERS_KEPT)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise MeetingError(_("The agenda item belongs to another meeting."))
    document = Document(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        internal=internal,
        size=file.size,
        uploaded_by=by,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    log.record(document, by=by, action=CREATE, after=_document_data(document))
    return document


@transaction.atomic
def delete_document(document, *, by):
    if _locked(document.meeting).minutes_locked:
        raise MeetingError(PAPERS_KEPT)
    log.record(document, by=by, action=DELETE, before=_document_data(document))
    storage, name = document.file.storage, document.file.name
    document.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: storage.delete(name))


def _check_links(meeting, item):
    district_id = meeting.council.district_id
    if item.initiative_id and item.initiative.plan.district_id != district_id:
        raise MeetingError(_("The initiative belongs to another district's plan."))
    if item.focus_area_id and item.focus_area.plan.district_id != district_id:
        raise MeetingError(_("The focus area belongs to another district's plan."))


@transaction.atomic
def save_agenda_item(item, *, by):
    """Add or change an agenda item: its title, place in the tree and link to the plan."""
    meeting = _locked(item.meeting)
    creating = item.pk is None
    if meeting.minutes_locked:
        raise MeetingError(_("The minutes are approved; the agenda can no longer change."))
    before = {} if creating else log.snapshot(AgendaItem.objects.get(pk=item.pk))
    if item.parent_id:
        if item.parent.meeting_id != meeting.pk:
            raise MeetingError(_("An item can only be placed under an item of the same meeting."))
        if not creating:
            items = list(meeting.agenda_items.all())
            if item.parent_id == item.pk or item.parent_id in descendant_ids(item, items):
                raise MeetingError(_("An item cannot be placed under itself."))
    _check_links(meeting, item)
    if creating and not item.order:
        siblings = meeting.agenda_items.filter(parent=item.parent_id)
        # At the end; among items numbered as far as the form allows, after them by key.
        item.order = min(max((s.order for s in siblings), default=0) + 1, AgendaItem.MAX_ORDER)
    if not creating and before.get("minutes") != item.minutes:
        raise MeetingError(_("Minutes are written with the minutes form."))
    item.save()
    log.record(item, by=by, action=CREATE if creating else UPDATE, before=before)
    return item


@transaction.atomic
def delete_agenda_item(item, *, by):
    meeting = _locked(item.meeting)
    if meeting.minutes_locked:
        raise MeetingError(_("The minutes are approved; the agenda can no longer change."))
    if item.decisions.exists() or item.children.exists():
        raise MeetingError(_("Only an item without decisions and sub-items can be removed."))
    log.record(item, by=by, action=DELETE, before=log.snapshot(item))
    item.delete()


def _amend(meeting, *, by, reason):
    """After approval every change is a new version of the minutes, with its reason."""
    if not meeting.minutes_locked:
        return
    if not reason.strip():
        raise MeetingError(
            _("The minutes are approved. Give a reason for the change; it becomes a new version.")
        )
    before = log.snapshot(meeting)
    meeting.minutes_version += 1
    meeting.save(update_fields=["minutes_version", "updated_at"])
    version = MinutesVersion.objects.create(
        meeting=meeting,
        number=meeting.minutes_version,
        content=minutes_content(meeting),
        reason=reason.strip(),
        created_by=by,
    )
    log.record(version, by=by, action=CREATE, message=reason.strip())
    log.record(meeting, by=by, action=UPDATE, before=before, message="minutes amended")


@transaction.atomic
def write_minutes(item, *, by, minutes, reason=""):
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.minutes == minutes:
        return item
    before = log.snapshot(item)
    item.minutes = minutes
    item.save(update_fields=["minutes"])
    log.record(item, by=by, action=UPDATE, before=before, message="minutes")
    _amend(meeting, by=by, reason=reason)
    return item


def _next_external_id(plan, meeting):
    # The council's slug may be longer than an id may be: it is cut to leave room for the
    # date and a number.
    limit = Initiative._meta.get_field("external_id").max_length - len("-YYYYMMDD-999")
    slug = meeting.council.slug[:limit].rstrip("-")
    base = f"{slug}-{timezone.localtime(meeting.starts_at):%Y%m%d}".upper()
    taken = set(
        Initiative.objects.filter(plan=plan, external_id__startswith=base).values_list(
            "external_id", flat=True
        )
    )
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def record_decision(
    item,
    *,
    by,
    kind,
    text,
    initiative=None,
    focus_area=None,
    initiative_title="",
    progress=None,
    status="",
    action_title="",
    owner=None,
    due_date=None,
    reason="",
):
    """Record a decision under an agenda item, and carry it out: create an initiative in the
    plan, move an initiative on with a timeline entry, or give someone an action."""
    meeting = _locked(item.meeting)
    council = meeting.council
    Kind = Decision.Kind
    if kind == Kind.CREATE_INITIATIVE:
        if focus_area is None or not initiative_title.strip():
            raise MeetingError(_("A new initiative needs a focus area and a title."))
        if focus_area.plan.district_id != council.district_id:
            raise MeetingError(_("The focus area belongs to another district's plan."))
        initiative = plan_actions.save_initiative(
            Initiative(
                plan=focus_area.plan,
                focus_area=focus_area,
                external_id=_next_external_id(focus_area.plan, meeting),
                title=initiative_title.strip(),
                description=text,
                order=focus_area.initiatives.count() + 1,
            ),
            by=by,
            m2m={"councils": [council]},
        )
    elif kind == Kind.UPDATE_INITIATIVE:
        if initiative is None or progress is None or not status:
            raise MeetingError(_("Choose the initiative and give its progress and status."))
        if initiative.plan.district_id != council.district_id:
            raise MeetingError(_("The initiative belongs to another district's plan."))
        try:
            plan_actions.record_progress(
                initiative, by=by, progress=progress, status=status, text=text
            )
        except plan_actions.PlanError as error:
            raise MeetingError(str(error)) from error
    elif kind == Kind.ACTION:
        if owner is None or due_date is None or not action_title.strip():
            raise MeetingError(_("An action needs a description, an owner and a due date."))
    elif kind != Kind.NOTE:
        raise MeetingError(_("Unknown kind of decision."))
    decision = Decision.objects.create(
        agenda_item=item,
        kind=kind,
        text=text,
        initiative=initiative if kind != Kind.ACTION else item.initiative,
        recorded_by=by,
    )
    log.record(decision, by=by, action=CREATE)
    if kind == Kind.ACTION:
        follow_up = FollowUp.objects.create(
            council=council,
            decision=decision,
            title=action_title.strip(),
            owner=owner,
            due_date=due_date,
        )
        log.record(follow_up, by=by, action=CREATE)
    _amend(meeting, by=by, reason=reason)
    return decision


@transaction.atomic
def complete_follow_up(follow_up, *, by, note=""):
    """Mark an action done; it then leaves the council's page and the next agenda."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.is_done:
        raise MeetingError(_("The action is already done."))
    before = log.snapshot(follow_up)
    follow_up.done_at = timezone.now()
    follow_up.done_by = by
    follow_up.note = note
    follow_up.save(update_fields=["done_at", "done_by", "note"])
    log.record(follow_up, by=by, action=UPDATE, before=before)
    return follow_up


@transaction.atomic
def approve_minutes(meeting, *, by, now=None):
    """Lock the minutes as version 1; later changes become new versions."""
    meeting = _locked(meeting)
    now = now or timezone.now()
    if meeting.minutes_locked:
        raise MeetingError(_("The minutes are already approved."))
    if meeting.is_cancelled:
        raise MeetingError(_("The meeting was cancelled."))
    if meeting.starts_at > now:
        raise MeetingError(_("The minutes of a meeting can be approved once it has begun."))
    if not meeting.agenda_items.exclude(minutes="").exists():
        raise MeetingError(_("Write the minutes before approving them."))
    before = log.snapshot(meeting)
    meeting.minutes_approved_at = now
    meeting.minutes_version = 1
    meeting.save(update_fields=["minutes_approved_at", "minutes_version", "updated_at"])
    version = MinutesVersion.objects.create(
        meeting=meeting, number=1, content=minutes_content(meeting), created_by=by
    )
    log.record(meeting, by=by, action=UPDATE, before=before, message="minutes approved")
    log.record(version, by=by, action=CREATE)
    return meeting


def _feed_audit(feed, by, action, district_id, *, after=None, message=""):
    # The secret is the feed's key: never written to the log.
    entry = log.record(
        feed,
        by=by,
        action=action,
        after=after or {"council": feed.council_id, "person": feed.person_id},
        message=message,
    )
    if entry.district_id is None and district_id:
        AuditEntry.objects.filter(pk=entry.pk).update(district=district_id)


@transaction.atomic
def issue_feed(*, by, council=None, person=None, district_id=None):
    """The feed of a council or a person, with a new secret address; an earlier address of the
    same feed stops working. Nobody but the member has seen the new address of a person's
    feed, unless someone else makes it for them."""
    feed = CalendarFeed.objects.select_for_update().filter(council=council, person=person).first()
    if feed is None:
        feed = CalendarFeed.objects.create(council=council, person=person, created_by=by)
        _feed_audit(feed, by, CREATE, district_id)
    else:
        from tryghed.meetings.models import new_secret

        feed.secret = new_secret()
        feed.created_by = by
        feed.save(update_fields=["secret", "created_by"])
        feed.viewers.all().delete()
        _feed_audit(feed, by, UPDATE, district_id)
    # Whoever makes the address sees it.
    show_feeds([feed], by=by, district_id=district_id)
    return feed


@transaction.atomic
def show_feeds(feeds, *, by, district_id=None):
    """Records that `by` has been shown these people's calendar addresses, where `by` is not
    the member: from then on each lists only the meetings `by` runs (see
    `CalendarFeed.run_by_viewers`). Logged once per address and person shown it."""
    feeds = [feed for feed in feeds if feed.person_id is not None and not feed.is_own(by)]
    seen = set(
        CalendarFeedViewer.objects.filter(feed__in=feeds, user=by).values_list("feed_id", flat=True)
    )
    new = [feed for feed in feeds if feed.pk not in seen]
    # Two pages shown at once may both find an address new: the constraint keeps one row.
    CalendarFeedViewer.objects.bulk_create(
        [CalendarFeedViewer(feed=feed, user=by) for feed in new], ignore_conflicts=True
    )
    for feed in new:
        _feed_audit(
            feed, by, UPDATE, district_id, after={"shown_to": by.pk}, message="address shown"
        )
