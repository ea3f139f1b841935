"""The compliance counts always equal a direct count of the deadlines, whatever sequence of
deadline writes came before: imports with and without response times, citizen requests,
stop events, pauses, replies, spam, a changed service and safety follow-ups; and the
compliance rows built from them equal the rows counted case by case."""

import contextlib
import datetime
import math
import statistics
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryghed.guarantees import actions, compliance, counts, rules
from tryghed.guarantees.actions import GuaranteeError
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import ComplianceCount, Deadline, SafetyFollowUp
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.servicedesk import actions as desk
from tryghed.servicedesk.models import Service

KOEGE = (55.4581, 12.1822)
GREVE = (55.5829, 12.2997)
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def world(reference, district, koege, greve, secretariat):
    call_command("load_services", verbosity=0)
    load_guarantees()
    rules.forget()
    source = IncidentSource.objects.create(name="egenskab", district=district)
    return {
        "district": district,
        "municipalities": [koege, greve],
        "source": source,
        "by": secretariat,
    }


def stored():
    return {
        (c.guarantee_id, c.district_id, c.municipality_id, c.month): (c.met, c.missed, c.running)
        for c in ComplianceCount.objects.all()
        if c.met or c.missed or c.running
    }


def counted_case_by_case(now, area=None):
    """The compliance rows as the definition states them, one deadline at a time."""
    groups = defaultdict(list)
    for d in Deadline.objects.filter(area or Q()).exclude(outcome=Deadline.Outcome.VOID):
        groups[d.guarantee.code, d.municipality.code if d.municipality else "", d.month].append(d)
    found = {}
    for key, deadlines in groups.items():
        running = [d for d in deadlines if d.outcome == Deadline.Outcome.OPEN]
        still_open = [d for d in running if d.paused_at is not None or d.due_at > now]
        times = sorted(d.response_minutes for d in deadlines if d not in running)
        found[key] = (
            len(deadlines),
            sum(d.outcome == Deadline.Outcome.MET for d in deadlines),
            sum(d.outcome == Deadline.Outcome.MISSED for d in deadlines)
            + len(running)
            - len(still_open),
            len(still_open),
            round(statistics.median(times), 1) if times else None,
            round(times[math.ceil(0.9 * len(times)) - 1], 1) if times else None,
        )
    return found


def from_rows(now, area=None):
    return {
        (r.guarantee.code, r.municipality.code if r.municipality else "", r.month): (
            r.cases,
            r.met,
            r.missed,
            r.open,
            r.median_minutes,
            r.p90_minutes,
        )
        for r in compliance.rows(
            area, now=now, start=datetime.date(2000, 1, 1), end=datetime.date(2100, 1, 1)
        )
    }


def burglary(world, where, days_ago, responded):
    reported = NOW - datetime.timedelta(days=days_ago, minutes=7)
    incident = Incident.objects.create(
        source=world["source"],
        external_id=f"E{Incident.objects.count()}",
        occurred_at=reported,
        reported_at=reported,
        responded_at=None
        if responded is None
        else reported + datetime.timedelta(minutes=responded),
        category="burglary_home",
        municipality=world["municipalities"][where],
    )
    actions.incidents_written([incident], district_id=world["district"].pk)


def respond(world, n, minutes):
    incident = Incident.objects.order_by("pk")[n % Incident.objects.count()]
    if incident.responded_at is None:
        incident.responded_at = incident.reported_at + datetime.timedelta(minutes=minutes)
        incident.save(update_fields=["responded_at"])
    actions.incidents_written([incident], district_id=world["district"].pk)


def request(world, code, where):
    lat, lon = (KOEGE, GREVE)[where]
    details = {"naer-skole": "ja"} if code == "tip-narkotika" else {}
    desk.submit_request(
        Service.objects.get(code=code), description="Sag", lat=lat, lon=lon, details=details
    )


def deadline_at(n):
    deadlines = list(Deadline.objects.order_by("pk"))
    return deadlines[n % len(deadlines)] if deadlines else None


def requests_deadline(n):
    found = list(Deadline.objects.filter(service_request__isnull=False).order_by("pk"))
    return found[n % len(found)].service_request if found else None


def stop(world, n, minutes):
    deadline = deadline_at(n)
    if deadline is not None:
        at = min(deadline.started_at + datetime.timedelta(minutes=minutes), timezone.now())
        try:
            actions.record_stop(deadline, by=world["by"], at=at)
        except GuaranteeError:
            # A follow-up's clock stops only with the follow-up itself.
            assert not deadline.is_running or deadline.guarantee.is_follow_up


def pause(world, n, _minutes):
    deadline = deadline_at(n)
    if deadline is not None:
        with contextlib.suppress(GuaranteeError):
            actions.pause_deadline(deadline, by=world["by"], reason="citizen_asked_later")


def resume(world, n, _minutes):
    deadline = deadline_at(n)
    if deadline is not None:
        with contextlib.suppress(GuaranteeError):
            actions.resume_deadline(deadline, by=world["by"])


def void(world, n, _minutes):
    found = requests_deadline(n)
    if found is not None:
        actions.request_voided(found, by=world["by"], reason="spam")


def reply(world, n, _minutes):
    found = requests_deadline(n)
    if found is not None:
        actions.request_event(found, event="answer_sent", at=timezone.now(), by=world["by"])


def change_service(world, n, minutes):
    found = requests_deadline(n)
    if found is not None:
        codes = ["tip-narkotika", "betjent-foredrag", "tip-andet"]
        found.service = Service.objects.get(code=codes[minutes % 3])
        found.save(update_fields=["service"])
        actions.request_service_changed(found)


def follow_up(world, n, minutes):
    found = list(SafetyFollowUp.objects.order_by("pk"))
    if found:
        task = found[n % len(found)]
        with contextlib.suppress(GuaranteeError):
            actions.record_follow_up(task, by=world["by"], reached=minutes % 2 == 0)


ON_A_DEADLINE = [stop, pause, resume, void, reply, change_service, follow_up, respond]

writes = st.lists(
    st.one_of(
        st.tuples(
            st.just("burglary"),
            st.integers(0, 1),
            st.integers(0, 70),
            st.one_of(st.none(), st.integers(1, 3000)),
        ),
        st.tuples(
            st.just("request"),
            st.sampled_from(["tip-narkotika", "betjent-foredrag", "tip-andet"]),
            st.integers(0, 1),
        ),
        st.tuples(st.sampled_from(ON_A_DEADLINE), st.integers(0, 50), st.integers(0, 40000)),
    ),
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(writes=writes, hours=st.integers(-48, 400))
def test_the_counts_equal_a_direct_count_after_any_writes(world, writes, hours):
    for write in writes:
        if write[0] == "burglary":
            burglary(world, *write[1:])
        elif write[0] == "request":
            request(world, *write[1:])
        else:
            write[0](world, *write[1:])
    assert stored() == counts.direct()
    now = NOW + datetime.timedelta(hours=hours)
    assert from_rows(now) == counted_case_by_case(now)
    koege = Q(municipality=world["municipalities"][0])
    assert from_rows(now, koege) == counted_case_by_case(now, koege)


def test_a_recount_rebuilds_the_same_counts(world):
    burglary(world, 0, 3, 30)
    burglary(world, 1, 40, None)
    request(world, "tip-narkotika", 0)
    before = stored()
    assert before
    ComplianceCount.objects.update(met=0, missed=0, running=0)
    counts.recount()
    assert stored() == before


def test_an_update_needs_the_outcome_it_was_read_with(world):
    burglary(world, 0, 3, None)
    deadline = Deadline.objects.only("pk", "guarantee", "month").first()
    with pytest.raises(ValueError):
        counts.save([deadline], fields=["month"])


def test_erasing_a_case_takes_its_count_with_it(world):
    request(world, "tip-narkotika", 0)
    request(world, "betjent-foredrag", 0)
    burglary(world, 1, 2, None)
    assert stored() == counts.direct()
    Deadline.objects.filter(service_request__isnull=False).first().service_request.delete()
    Incident.objects.first().delete()
    assert stored() == counts.direct()
    assert ComplianceCount.objects.filter(running__gt=0).exists()


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=60))
def test_the_ranks_read_are_those_of_the_median_and_the_nearest_rank(values):
    ordered = sorted(values)
    low, high, p90 = compliance.ranks(len(ordered))
    assert (ordered[low - 1] + ordered[high - 1]) / 2 == statistics.median(ordered)
    assert ordered[p90 - 1] == compliance.percentile(ordered, 0.9)
