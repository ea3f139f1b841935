"""Deadline arithmetic: calendar time, service hours across weekends and Danish public
holidays, pauses, and a rule changed while a case runs. Times travel by being given
explicitly: every function under test takes the moment it works at."""

import datetime

import pytest

from tryghed.guarantees import actions, rules
from tryghed.guarantees.catalogue import load_guarantees, revise_guarantee
from tryghed.guarantees.clock import (
    CALENDAR,
    DANISH_TIME,
    ServiceHours,
    danish_holidays,
    easter_sunday,
)
from tryghed.guarantees.models import Clock, Deadline, Guarantee, StopEvent, deadline_window


def local(*args):
    return datetime.datetime(*args, tzinfo=DANISH_TIME)


OFFICE = ServiceHours(start=datetime.time(8), end=datetime.time(16))


def test_easter_and_the_holidays_that_hang_on_it():
    assert easter_sunday(2024) == datetime.date(2024, 3, 31)
    assert easter_sunday(2025) == datetime.date(2025, 4, 20)
    assert easter_sunday(2026) == datetime.date(2026, 4, 5)
    days = danish_holidays(2026)
    for day in [
        (1, 1),
        (4, 2),  # Maundy Thursday
        (4, 3),  # Good Friday
        (4, 5),
        (4, 6),  # Easter Monday
        (5, 14),  # Ascension Day
        (5, 24),
        (5, 25),  # Whit Monday
        (12, 25),
        (12, 26),
    ]:
        assert datetime.date(2026, *day) in days
    assert len(days) == 10
    # Store bededag until 2023, not after.
    assert datetime.date(2023, 5, 5) in danish_holidays(2023)
    assert datetime.date(2024, 4, 26) not in danish_holidays(2024)
    # Constitution Day and Christmas Eve are not public holidays.
    assert datetime.date(2026, 6, 5) not in days
    assert datetime.date(2026, 12, 24) not in days


def test_calendar_time_runs_through_nights_weekends_and_summer_time():
    # The night summer time ends (25 October 2026) has 25 hours.
    start = local(2026, 10, 24, 12, 0)
    due = CALENDAR.add(start, 24 * 60)
    assert due - start == datetime.timedelta(hours=24)
    assert due.astimezone(DANISH_TIME).hour == 11
    assert CALENDAR.between(start, due) == 24 * 60


def test_service_hours_skip_the_weekend():
    friday_afternoon = local(2026, 11, 20, 15, 0)
    # One hour left on Friday, the rest on Monday morning.
    assert OFFICE.add(friday_afternoon, 3 * 60) == local(2026, 11, 23, 10, 0)
    assert OFFICE.between(friday_afternoon, local(2026, 11, 23, 10, 0)) == 3 * 60
    # Received on Saturday: the clock starts on Monday at 8.
    assert OFFICE.add(local(2026, 11, 21, 11, 0), 30) == local(2026, 11, 23, 8, 30)
    assert not OFFICE.is_open(local(2026, 11, 21, 11, 0))
    assert OFFICE.is_open(local(2026, 11, 23, 8, 0))
    assert not OFFICE.is_open(local(2026, 11, 23, 16, 0))


def test_service_hours_skip_easter():
    # Wednesday before Easter 2026 at 15:00; Thursday to Monday are closed.
    wednesday = local(2026, 4, 1, 15, 0)
    assert OFFICE.add(wednesday, 2 * 60) == local(2026, 4, 7, 9, 0)
    assert OFFICE.between(wednesday, local(2026, 4, 7, 9, 0)) == 2 * 60
    # Five working days from Maundy Thursday: Tuesday 7 to Monday 13 April.
    assert OFFICE.add(local(2026, 4, 2, 10, 0), 5 * 8 * 60) == local(2026, 4, 13, 16, 0)


@pytest.fixture
def guarantees(db):
    load_guarantees(now=local(2026, 1, 1))
    return {g.code: g for g in Guarantee.objects.all()}


def test_the_real_guarantees_are_rules(guarantees):
    burglary = guarantees["indbrud-i-private-hjem"].versions.get()
    assert burglary.target_minutes == 24 * 60
    assert burglary.stop_event == StopEvent.ON_SITE
    assert burglary.covers_incident("burglary_home")
    assert not burglary.covers_incident("burglary_business")
    school = guarantees["narkotikasalg-ved-skoler"].versions.get()
    assert school.target_minutes <= 15
    assert school.covers_request("tip-narkotika", {"naer-skole": "ja"})
    assert not school.covers_request("tip-narkotika", {"naer-skole": "nej"})
    assert not school.covers_request("tip-andet", {"naer-skole": "ja"})
    answer = guarantees["bestil-en-betjent-svar"].versions.get()
    assert answer.clock == Clock.SERVICE_HOURS
    assert guarantees["tryghedsopfoelgning"].is_follow_up
    # Loading again adds nothing.
    assert load_guarantees(now=local(2026, 2, 1)) == (0, 0)


def test_rules_apply_from_the_moment_they_took_effect(guarantees):
    before = rules.for_incident("burglary_home", local(2021, 10, 31, 23, 59))
    assert before == []
    after = rules.for_incident("burglary_home", local(2021, 11, 1, 0, 0))
    assert [v.guarantee.code for v in after] == ["indbrud-i-private-hjem"]
    # The follow-up came with the 2023 plan.
    codes = {v.guarantee.code for v in rules.for_incident("burglary_home", local(2023, 3, 1))}
    assert codes == {"indbrud-i-private-hjem", "tryghedsopfoelgning"}


def test_an_officer_request_answer_deadline_runs_in_service_hours(guarantees):
    version = guarantees["bestil-en-betjent-svar"].versions.get()
    # Received Friday 20 November 2026 at 17:00: five working days are Monday to Friday.
    due, warn = deadline_window(version, local(2026, 11, 20, 17, 0))
    assert due == local(2026, 11, 27, 16, 0)
    assert warn == local(2026, 11, 26, 16, 0)
    # Received before Christmas: 24 to 26 December has two holidays and a Saturday.
    due, _warn = deadline_window(version, local(2026, 12, 22, 8, 0))
    assert due == local(2026, 12, 29, 16, 0)


def _deadline(version, started_at):
    """A deadline without a case, for the arithmetic of stopping and pausing."""
    return actions.new_deadline(
        version, started_at=started_at, municipality_id=None, district_id=None
    )


def test_stop_in_time_and_late_with_the_margin(guarantees):
    version = guarantees["indbrud-i-private-hjem"].versions.get()
    start = local(2026, 3, 2, 9, 0)
    met = _deadline(version, start)
    actions._stop(met, local(2026, 3, 2, 14, 5))
    assert met.outcome == Deadline.Outcome.MET
    assert met.response_minutes == 5 * 60 + 5
    assert met.margin_minutes == 24 * 60 - (5 * 60 + 5)
    late = _deadline(version, start)
    actions._stop(late, local(2026, 3, 3, 10, 30))
    assert late.outcome == Deadline.Outcome.MISSED
    assert late.margin_minutes == -90
    exact = _deadline(version, start)
    actions._stop(exact, exact.due_at)
    assert exact.outcome == Deadline.Outcome.MET


def test_a_pause_moves_the_deadline_and_does_not_count(guarantees):
    version = guarantees["indbrud-i-private-hjem"].versions.get()
    start = local(2026, 3, 2, 9, 0)
    deadline = _deadline(version, start)
    assert deadline.due_at == local(2026, 3, 3, 9, 0)
    # The citizen asked to be visited later: paused for 10 hours.
    deadline.paused_at = local(2026, 3, 2, 10, 0)
    deadline.paused_minutes += version.counter().between(deadline.paused_at, local(2026, 3, 2, 20))
    deadline.paused_at = None
    actions._extend(deadline)
    assert deadline.due_at == local(2026, 3, 3, 19, 0)
    assert deadline.warn_at == local(2026, 3, 3, 17, 0)
    actions._stop(deadline, local(2026, 3, 3, 18, 0))
    assert deadline.outcome == Deadline.Outcome.MET
    assert deadline.response_minutes == 23 * 60


def test_a_pause_in_service_hours_counts_service_minutes(guarantees):
    version = guarantees["bestil-en-betjent-svar"].versions.get()
    deadline = _deadline(version, local(2026, 11, 20, 15, 0))  # Friday
    # Paused from Friday 15:30 to Monday 9:30: 30 + 90 service minutes.
    deadline.paused_at = local(2026, 11, 20, 15, 30)
    actions._stop(deadline, local(2026, 11, 23, 9, 30))
    assert deadline.paused_minutes == 120
    # Only the half hour before the pause counts.
    assert deadline.response_minutes == 30


def test_a_rule_changed_mid_case_keeps_the_running_and_decided_cases(guarantees):
    burglary = guarantees["indbrud-i-private-hjem"]
    first = rules.for_incident("burglary_home", local(2026, 5, 1, 8, 0))[0]
    decided = _deadline(first, local(2026, 5, 1, 8, 0))
    actions._stop(decided, local(2026, 5, 2, 6, 0))  # 22 hours: met under 24 hours
    running = _deadline(first, local(2026, 5, 1, 20, 0))
    # From 1 May 21:00 the promise is 12 hours.
    second = revise_guarantee(
        burglary,
        effective_from=local(2026, 5, 1, 21, 0),
        incident_categories=["burglary_home"],
        stop_event=StopEvent.ON_SITE,
        target_minutes=12 * 60,
    )
    assert second.number == 2
    assert decided.outcome == Deadline.Outcome.MET
    assert running.due_at == local(2026, 5, 2, 20, 0)
    actions._stop(running, local(2026, 5, 2, 10, 0))  # 14 hours: met under the old rule
    assert running.outcome == Deadline.Outcome.MET
    now_in_force = rules.for_incident("burglary_home", local(2026, 5, 1, 21, 0))
    assert [v.pk for v in now_in_force if v.guarantee_id == burglary.pk] == [second.pk]
    later = _deadline(second, local(2026, 5, 1, 22, 0))
    assert later.due_at == local(2026, 5, 2, 10, 0)
    # Before the change, the first version still applies.
    earlier = rules.for_incident("burglary_home", local(2026, 5, 1, 20, 59))
    assert first.pk in [v.pk for v in earlier]
