"""Writes to deadlines and safety follow-ups.

The service desk and the incident importer call the `*_request_*` and `incidents_written`
functions from inside their own transactions; staff actions take the acting user, check
again that the user may work the deadline, lock the row and write the audit entry. Every
deadline created or changing outcome is written by `counts.save`, which keeps the
compliance counts in step.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.accounts.models import RoleAssignment
from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.guarantees import counts, rules
from tryghed.guarantees.models import (
    Advice,
    Deadline,
    SafetyFollowUp,
    StopEvent,
    deadline_window,
    month_of,
)

UPDATE = AuditEntry.Action.UPDATE
# A stop event may be recorded a little ahead of the server's clock (a phone that runs
# fast), never further.
FUTURE_SLACK = datetime.timedelta(minutes=5)


class GuaranteeError(ValueError):
    """A change the deadline's state does not allow; the message is shown as is."""


def new_deadline(version, *, started_at, municipality_id, district_id, **case):
    due, warn = deadline_window(version, started_at)
    return Deadline(
        version=version,
        guarantee=version.guarantee,
        month=month_of(started_at),
        target_minutes=version.target_minutes,
        started_at=started_at,
        due_at=due,
        warn_at=warn,
        municipality_id=municipality_id,
        district_id=district_id,
        **case,
    )


def _stop(deadline, at):
    """Stop the clock at `at` and decide met or missed on the rule's own clock."""
    counter = deadline.version.counter()
    if deadline.paused_at is not None:
        deadline.paused_minutes += counter.between(deadline.paused_at, at)
        deadline.paused_at = None
        deadline.pause_reason = ""
    response = max(0.0, counter.between(deadline.started_at, at) - deadline.paused_minutes)
    deadline.stopped_at = at
    deadline.response_minutes = round(response, 2)
    deadline.margin_minutes = round(deadline.target_minutes - response, 2)
    deadline.outcome = (
        Deadline.Outcome.MET if response <= deadline.target_minutes else Deadline.Outcome.MISSED
    )


STOP_FIELDS = [
    "stopped_at",
    "response_minutes",
    "margin_minutes",
    "outcome",
    "paused_at",
    "pause_reason",
    "paused_minutes",
]


# Citizen requests (called by tryghed.servicedesk.actions) ---------------------------------


def request_deadlines(request):
    """The deadlines of the guarantees that cover a new citizen request, not yet saved: the
    caller saves them with `counts.save` in the request's transaction, once the request has
    its key. No query to find them (rules.py)."""
    versions = rules.for_request(request.service.code, request.details, request.submitted_at)
    return [
        new_deadline(
            version,
            started_at=request.submitted_at,
            municipality_id=request.municipality_id,
            district_id=request.district_id,
        )
        for version in versions
    ]


def _counts_for(request):
    """A spam or duplicate request is no case of any guarantee."""
    return not request.is_spam and request.duplicate_of_id is None


def _restorable(deadline):
    """Void before its clock stopped (by a spam mark, a duplicate or a change of service),
    not decided."""
    return deadline.outcome == Deadline.Outcome.VOID and deadline.stopped_at is None


def _reconcile(request):
    """Bring the request's deadlines in line with the guarantees that cover it now, each on
    its own clock from when it was received: a covering guarantee without a deadline gets
    one, a void one counts again, and running ones of guarantees that no longer cover it
    stop counting. A spam or duplicate request opens nothing. Returns (changed, before
    snapshots of the changed, created)."""
    versions = rules.for_request(
        request.service.code, request.details, request.submitted_at, fresh=True
    )
    wanted = {v.guarantee_id: v for v in versions}
    counting = _counts_for(request)
    have = set()
    changed, befores = [], []
    for deadline in Deadline.objects.select_for_update().filter(service_request=request):
        have.add(deadline.guarantee_id)
        if deadline.guarantee_id not in wanted and deadline.is_running:
            outcome = Deadline.Outcome.VOID
        elif deadline.guarantee_id in wanted and counting and _restorable(deadline):
            outcome = Deadline.Outcome.OPEN
        else:
            continue
        befores.append(log.snapshot(deadline))
        deadline.outcome = outcome
        deadline.paused_at = None
        changed.append(deadline)
    counts.save(changed, fields=["outcome", "paused_at"])
    created = counts.save(
        new_deadline(
            version,
            started_at=request.submitted_at,
            municipality_id=request.municipality_id,
            district_id=request.district_id,
            service_request=request,
        )
        for guarantee_id, version in wanted.items()
        if counting and guarantee_id not in have
    )
    return changed, befores, created


@transaction.atomic
def request_service_changed(request):
    """After staff changed a request's service (the triage's audit entry records it)."""
    _reconcile(request)


@transaction.atomic
def request_restored(request, *, by, reason="not spam"):
    """A spam or duplicate mark was taken back: the deadlines it voided run again, and those of
    guarantees the request came under meanwhile are opened. A promise the mark kept from
    being kept is missed, not forgotten: a deadline now past its due time counts as missed.
    Returns the deadlines that count again or are new."""
    changed, befores, created = _reconcile(request)
    for deadline, before in zip(changed, befores, strict=True):
        log.record(deadline, by=by, action=UPDATE, before=before, message=reason)
    return changed + created


@transaction.atomic
def request_voided(request, *, by, reason):
    """The request was spam or a duplicate (`reason`): its running deadlines do not count."""
    running = list(
        Deadline.objects.select_for_update().filter(
            service_request=request, outcome=Deadline.Outcome.OPEN
        )
    )
    befores = [log.snapshot(deadline) for deadline in running]
    for deadline in running:
        deadline.outcome = Deadline.Outcome.VOID
        deadline.paused_at = None
    counts.save(running, fields=["outcome", "paused_at"])
    for deadline, before in zip(running, befores, strict=True):
        log.record(deadline, by=by, action=UPDATE, before=before, message=reason)


def request_event(request, *, event, at, by):
    """Something happened on a request that stops the clock of the deadlines waiting for it
    (a public reply is the "answer sent" of an officer request)."""
    for deadline in (
        Deadline.objects.select_for_update()
        .select_related("version")
        .filter(service_request=request, outcome=Deadline.Outcome.OPEN, version__stop_event=event)
    ):
        before = log.snapshot(deadline)
        _stop(deadline, at)
        deadline.stopped_by = by
        counts.save([deadline], fields=[*STOP_FIELDS, "stopped_by"])
        log.record(deadline, by=by, action=UPDATE, before=before, message=event)


# Incidents (called by tryghed.incidents.importer) -----------------------------------------


@transaction.atomic
def incidents_written(incidents, *, district_id, statistics_only=False):
    """After the importer wrote a batch of incidents (created or updated, with primary
    keys): open the deadlines of the guarantees that cover them, stop the on-site clocks
    of those with a response time, and give burglaries their follow-up task.

    A fixed number of queries per batch, whatever its size. A statistics-only import
    (published døgnrapporter, which carry no response times) opens nothing; the deadlines
    its incidents already have still follow its corrections, as they would a normal
    import's: they measure the incident as the police record it now, and a district
    correcting a category or a time through a numbers-only file would otherwise keep
    counting a promise about the record as it was. An incident without a reported time is
    covered by no guarantee: a correction that removes it voids the incident's deadlines.
    """
    if not incidents:
        return
    existing = {}
    for deadline in (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("version", "guarantee")
        .filter(incident__in=[i.pk for i in incidents])
        .order_by()
    ):
        existing[(deadline.incident_id, deadline.guarantee_id)] = deadline
    covering = {
        incident.pk: (
            rules.for_incident(incident.category, incident.reported_at)
            if incident.reported_at is not None
            else []
        )
        for incident in incidents
    }
    _follow_corrections(incidents, existing, covering, district_id)
    to_create, to_stop = [], []
    for incident in incidents:
        for version in covering[incident.pk]:
            deadline = existing.get((incident.pk, version.guarantee_id))
            if deadline is None:
                if statistics_only:
                    continue
                deadline = new_deadline(
                    version,
                    started_at=incident.reported_at,
                    municipality_id=incident.municipality_id,
                    district_id=district_id,
                    incident=incident,
                )
                to_create.append(deadline)
                if incident.responded_at and version.stop_event == StopEvent.ON_SITE:
                    _stop(deadline, max(incident.responded_at, incident.reported_at))
            elif (
                deadline.is_running
                and incident.responded_at
                and deadline.version.stop_event == StopEvent.ON_SITE
            ):
                at = max(incident.responded_at, deadline.started_at)
                if (deadline.paused_at is not None and at < deadline.paused_at) or (
                    deadline.resumed_at is not None and at < deadline.resumed_at
                ):
                    # The police were on site before the clock was paused (or last resumed):
                    # those pauses came after the response and take nothing off it. Only
                    # their total is kept, so none is taken off.
                    deadline.paused_at, deadline.pause_reason = None, ""
                    deadline.paused_minutes = 0
                _stop(deadline, at)
                to_stop.append(deadline)
    counts.save(to_create + to_stop, fields=STOP_FIELDS)
    follow_ups = [d for d in to_create if d.guarantee.is_follow_up]
    if follow_ups:
        officers = _officers({d.municipality_id for d in follow_ups})
        SafetyFollowUp.objects.bulk_create(
            SafetyFollowUp(
                incident=d.incident,
                deadline=d,
                municipality_id=d.municipality_id,
                district_id=d.district_id,
                officer_id=officers.get(d.municipality_id),
            )
            for d in follow_ups
        )


def with_deadlines(incident_ids):
    """Those of the incidents (primary keys) that have a deadline."""
    return set(
        Deadline.objects.filter(incident__in=incident_ids)
        .values_list("incident_id", flat=True)
        .distinct()
    )


def _follow_corrections(incidents, existing, covering, district_id):
    """Bring the deadlines of incidents a corrected file changed in line with them: a
    deadline whose guarantee no longer covers the incident (its category was corrected) is
    void; one whose incident moved to another municipality or was reported at another time
    moves with it, its counts and its clock too, and so does an open follow-up."""
    voided, moved = [], []
    by_pk = {incident.pk: incident for incident in incidents}
    for (incident_id, guarantee_id), deadline in existing.items():
        incident = by_pk[incident_id]
        if deadline.outcome == Deadline.Outcome.VOID:
            continue
        if guarantee_id not in {v.guarantee_id for v in covering[incident_id]}:
            deadline.outcome, deadline.paused_at, deadline.pause_reason = (
                Deadline.Outcome.VOID,
                None,
                "",
            )
            voided.append(deadline)
        elif (deadline.municipality_id, deadline.started_at) != (
            incident.municipality_id,
            incident.reported_at,
        ):
            moved.append((deadline, incident, deadline.outcome))
    counts.save(voided, fields=["outcome", "paused_at", "pause_reason"])
    if not moved:
        return
    # Out of the old month's and municipality's counts first, then into the new ones.
    for deadline, _incident, _outcome in moved:
        deadline.outcome = Deadline.Outcome.VOID
    counts.save([deadline for deadline, _i, _o in moved], fields=["outcome"])
    for deadline, incident, outcome in moved:
        fresh = new_deadline(
            deadline.version,
            started_at=incident.reported_at,
            municipality_id=incident.municipality_id,
            district_id=district_id,
        )
        for name in ("municipality_id", "started_at", "due_at", "warn_at", "month"):
            setattr(deadline, name, getattr(fresh, name))
        deadline.outcome = outcome
        if deadline.stopped_at is not None:
            _stop(deadline, deadline.stopped_at)
    counts.save([deadline for deadline, _i, _o in moved])
    municipalities = {
        deadline.pk: deadline.municipality_id
        for deadline, _i, _o in moved
        if deadline.guarantee.is_follow_up
    }
    officers = _officers(set(municipalities.values()))
    for follow_up in SafetyFollowUp.objects.filter(
        deadline__in=list(municipalities), status=SafetyFollowUp.Status.OPEN
    ):
        municipality_id = municipalities[follow_up.deadline_id]
        if follow_up.municipality_id != municipality_id:
            follow_up.municipality_id = municipality_id
            follow_up.officer_id = officers.get(municipality_id)
            follow_up.save(update_fields=["municipality", "officer"])


def _officers(municipality_ids):
    """The local officer who gets each municipality's follow-ups: the first by name, when
    the municipality has any."""
    found = {}
    for municipality_id, user_id in (
        RoleAssignment.objects.active()
        .filter(
            role=RoleAssignment.Role.LOCAL_OFFICER,
            municipality__in=[m for m in municipality_ids if m],
            user__is_active=True,
        )
        .order_by("municipality", "user__first_name", "user__last_name", "user__username")
        .values_list("municipality", "user")
    ):
        found.setdefault(municipality_id, user_id)
    return found


# Staff actions ------------------------------------------------------------------------------


def _locked(deadline, by):
    if not Deadline.objects.workable_by(by).filter(pk=deadline.pk).exists():
        raise PermissionDenied
    return (
        Deadline.objects.select_for_update(of=("self",))
        .select_related("version", "guarantee")
        .get(pk=deadline.pk)
    )


def _check_moment(deadline, at, now):
    if at > now + FUTURE_SLACK:
        raise GuaranteeError(_("The time lies in the future."))
    if at < deadline.started_at:
        raise GuaranteeError(_("The time lies before the clock started."))


@transaction.atomic
def record_stop(deadline, *, by, at=None):
    """Record the stop event ("police on site at 14:05") and with it met or missed."""
    deadline = _locked(deadline, by)
    now = timezone.now()
    at = at or now
    if not deadline.is_running:
        raise GuaranteeError(_("The clock of this deadline has already stopped."))
    if deadline.guarantee.is_follow_up:
        # Stopped alone, it would count as met while the follow-up stayed to do.
        raise GuaranteeError(_("This clock stops when the safety follow-up is recorded."))
    _check_moment(deadline, at, now)
    # Only the total time paused is kept: a stop before a pause would have it taken off.
    if deadline.paused_at is not None and at < deadline.paused_at:
        raise GuaranteeError(_("The time lies before the clock was paused."))
    if deadline.resumed_at is not None and at < deadline.resumed_at:
        raise GuaranteeError(_("The time lies before the clock was last resumed."))
    before = log.snapshot(deadline)
    _stop(deadline, at)
    deadline.stopped_by = by
    counts.save([deadline], fields=[*STOP_FIELDS, "stopped_by"])
    log.record(deadline, by=by, action=UPDATE, before=before, message="stop")
    return deadline


@transaction.atomic
def pause_deadline(deadline, *, by, reason):
    """Stop counting for one of the reasons the rule allows (the citizen asked to be
    visited later); the time paused is added to the deadline when it resumes."""
    deadline = _locked(deadline, by)
    if not deadline.is_running:
        raise GuaranteeError(_("The clock of this deadline has already stopped."))
    if deadline.paused_at is not None:
        raise GuaranteeError(_("The clock is already paused."))
    if reason not in (deadline.version.pause_reasons or []):
        raise GuaranteeError(_("The guarantee cannot be paused for that reason."))
    now = timezone.now()
    if deadline.due_at <= now:
        # The promise is already broken; a pause would count it as open again.
        raise GuaranteeError(_("The deadline has passed: its clock can no longer be paused."))
    before = log.snapshot(deadline)
    deadline.paused_at = now
    deadline.pause_reason = reason
    deadline.save(update_fields=["paused_at", "pause_reason"])
    log.record(deadline, by=by, action=UPDATE, before=before, message="pause")
    return deadline


def _extend(deadline):
    """The due and warning times after the pauses so far."""
    version = deadline.version
    counter = version.counter()
    extra = deadline.paused_minutes
    deadline.due_at = counter.add(deadline.started_at, deadline.target_minutes + extra)
    if deadline.warn_at is not None:
        lead = max(0, deadline.target_minutes - version.warn_before_minutes)
        deadline.warn_at = counter.add(deadline.started_at, lead + extra)


@transaction.atomic
def resume_deadline(deadline, *, by, at=None):
    deadline = _locked(deadline, by)
    if deadline.paused_at is None or not deadline.is_running:
        raise GuaranteeError(_("The clock is not paused."))
    at = at or timezone.now()
    before = log.snapshot(deadline)
    deadline.paused_minutes += deadline.version.counter().between(deadline.paused_at, at)
    deadline.paused_at = None
    deadline.pause_reason = ""
    deadline.resumed_at = at
    _extend(deadline)
    deadline.save(
        update_fields=[
            "paused_at",
            "pause_reason",
            "paused_minutes",
            "resumed_at",
            "due_at",
            "warn_at",
        ]
    )
    log.record(deadline, by=by, action=UPDATE, before=before, message="resume")
    return deadline


@transaction.atomic
def record_follow_up(follow_up, *, by, reached, at=None, advice=(), next_step=""):
    """Record a safety follow-up call: reached (which stops its deadline) or not yet."""
    if not SafetyFollowUp.objects.workable_by(by).filter(pk=follow_up.pk).exists():
        raise PermissionDenied
    follow_up = SafetyFollowUp.objects.select_for_update(of=("self",)).get(pk=follow_up.pk)
    if follow_up.status == SafetyFollowUp.Status.DONE:
        raise GuaranteeError(_("This follow-up is already done."))
    unknown = set(advice) - set(Advice.values)
    if unknown:
        raise GuaranteeError(_("Unknown advice."))
    now = timezone.now()
    at = at or now
    deadline = Deadline.objects.select_for_update(of=("self",)).select_related("version")
    deadline = deadline.get(pk=follow_up.deadline_id)
    _check_moment(deadline, at, now)
    before = log.snapshot(follow_up)
    follow_up.attempts += 1
    follow_up.reached = reached
    follow_up.next_step = next_step.strip()
    if reached:
        follow_up.status = SafetyFollowUp.Status.DONE
        follow_up.contacted_at = at
        follow_up.advice = sorted(set(advice))
    follow_up.save()
    log.record(follow_up, by=by, action=UPDATE, before=before, message="follow-up")
    if reached and deadline.is_running:
        before = log.snapshot(deadline)
        _stop(deadline, at)
        deadline.stopped_by = by
        counts.save([deadline], fields=[*STOP_FIELDS, "stopped_by"])
        log.record(deadline, by=by, action=UPDATE, before=before, message="follow-up")
    return follow_up
