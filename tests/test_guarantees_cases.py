"""Deadlines on cases: citizen requests from the service desk and incidents from the
importer, the one-click stop event, pauses, safety follow-ups, and who may do what."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.access import StaffView, StaffViewAccess
from tryghed.audit.models import AuditEntry
from tryghed.guarantees import counts, rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import ComplianceCount, Deadline, SafetyFollowUp
from tryghed.incidents.models import Incident
from tryghed.servicedesk import actions as desk
from tryghed.servicedesk.models import Service

KOEGE = (55.4581, 12.1822)
OLD = datetime.datetime(2021, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def guarantees(reference):
    call_command("load_services", verbosity=0)
    load_guarantees()
    rules.forget()


def submit(code, **details):
    service = Service.objects.get(code=code)
    request, _token = desk.submit_request(
        service, description="Beskrivelse", lat=KOEGE[0], lon=KOEGE[1], details=details
    )
    return request


def import_rows(tmp_path, rows, *options):
    path = tmp_path / "incidents.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    call_command("import_incidents", str(path), "--source", "test-kilde", *options, verbosity=0)


def burglary(external_id, reported, responded=None, code="0259"):
    row = {
        "external_id": external_id,
        "occurred_at": (reported - datetime.timedelta(minutes=30)).isoformat(),
        "reported_at": reported.isoformat(),
        "category": "burglary_home",
        "title": "Indbrud i villa",
        "municipality_code": code,
    }
    if responded:
        row["responded_at"] = responded.isoformat()
    return row


# Citizen requests -------------------------------------------------------------------------


def test_an_officer_request_gets_an_answer_deadline_and_a_reply_stops_it(
    guarantees, koege_officer, client_for
):
    request = submit("betjent-foredrag")
    deadline = request.guarantee_deadlines.get()
    assert deadline.guarantee.code == "bestil-en-betjent-svar"
    assert deadline.due_at == deadline.version.counter().add(request.submitted_at, 2400)
    assert deadline.municipality.code == "0259"
    client = client_for(koege_officer)
    page = client.get(reverse("staff:servicedesk_staff:request", args=[request.reference]))
    assert "Bestil en betjent: svar inden for 5 arbejdsdage" in page.content.decode()
    handling = request.handlings.get()
    response = client.post(
        reverse("staff:servicedesk_staff:action", args=[request.reference, handling.pk, "reply"]),
        {"reply-body": "Vi kommer gerne og holder oplægget."},
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.MET
    assert deadline.stopped_by == koege_officer
    assert AuditEntry.objects.filter(
        object_id=str(deadline.pk), content_type__model="deadline"
    ).exists()


def test_a_drug_tip_near_a_school_gets_the_immediate_guarantee_and_others_none(guarantees):
    near = submit("tip-narkotika", **{"naer-skole": "ja"})
    assert near.guarantee_deadlines.get().target_minutes == 15
    assert not submit("tip-narkotika", **{"naer-skole": "nej"}).guarantee_deadlines.exists()
    assert not submit("tip-andet").guarantee_deadlines.exists()


def test_opening_a_deadline_costs_intake_two_inserts_and_no_select(guarantees):
    """The deadline and its compliance count (an INSERT … ON CONFLICT DO UPDATE)."""
    rules.versions()  # the worker has read the rules before
    submit("tip-andet")  # and has routed once

    def queries(code, **details):
        with CaptureQueriesContext(connection) as captured:
            submit(code, **details)
        return [q["sql"] for q in captured.captured_queries]

    uncovered = queries("tip-andet")
    covered = queries("tip-narkotika", **{"naer-skole": "ja"})
    extra = [q for q in covered if "guarantees_" in q]
    assert len(extra) == 2 and all(q.lstrip().upper().startswith("INSERT") for q in extra)
    assert "guarantees_compliancecount" in extra[1]
    assert len(covered) == len(uncovered) + 2
    assert not any("guarantees_" in q for q in uncovered)


def test_open311_expected_datetime_is_the_due_time(guarantees):
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    due = request.guarantee_deadlines.get().due_at
    response = Client().get(f"/open311/v2/requests/{request.reference}.json")
    assert response.status_code == 200
    record = json.loads(response.content)[0]
    assert datetime.datetime.fromisoformat(record["expected_datetime"]) == due.replace(
        microsecond=0
    )
    other = submit("tip-andet")
    record = json.loads(Client().get(f"/open311/v2/requests/{other.reference}.json").content)[0]
    assert record["expected_datetime"] is None


def test_a_changed_service_opens_and_voids_deadlines(guarantees, koege_officer):
    request = submit("tip-andet", **{"naer-skole": "ja"})
    assert not request.guarantee_deadlines.exists()
    handling = request.handlings.get()
    desk.triage_handling(
        handling, by=koege_officer, service=Service.objects.get(code="tip-narkotika")
    )
    deadline = request.guarantee_deadlines.get()
    assert deadline.guarantee.code == "narkotikasalg-ved-skoler"
    assert deadline.started_at == request.submitted_at
    desk.triage_handling(handling, by=koege_officer, service=Service.objects.get(code="tip-andet"))
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.VOID


def test_spam_voids_the_deadline(guarantees, koege_officer, client_for):
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    client_for(koege_officer).post(
        reverse("staff:servicedesk_staff:action", args=[request.reference, handling.pk, "spam"])
    )
    assert request.guarantee_deadlines.get().outcome == Deadline.Outcome.VOID


def desk_action(client, handling, name, data=None):
    url = reverse(
        "staff:servicedesk_staff:action", args=[handling.request.reference, handling.pk, name]
    )
    return client.post(url, data or {})


def not_spam(client, handling):
    page = client.get(
        reverse("staff:servicedesk_staff:request", args=[handling.request.reference]),
        {"koe": handling.queue_id},
    )
    seen = page.context["forms"]["not_spam"]["seen"].value()
    return desk_action(client, handling, "not_spam", {"not_spam-seen": seen})


def compliance_csv(client, year):
    response = client.get(reverse("staff:guarantees:compliance_csv"), {"year": year})
    assert response.status_code == 200
    return [line.split(",") for line in response.content.decode().splitlines()[1:]]


def test_a_spam_mark_taken_back_counts_the_deadline_again(guarantees, koege_officer, client_for):
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    client = client_for(koege_officer)
    assert desk_action(client, handling, "spam").status_code == 302
    deadline = request.guarantee_deadlines.get()
    assert deadline.outcome == Deadline.Outcome.VOID
    voided = AuditEntry.objects.get(content_type__model="deadline", object_id=str(deadline.pk))
    assert (voided.actor, voided.message) == (koege_officer, "spam")
    assert voided.changes["outcome"] == ["open", "void"]
    year = str(deadline.month.year)
    assert compliance_csv(client, year) == []

    assert not_spam(client, handling).status_code == 302
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.OPEN
    assert deadline.started_at == request.submitted_at
    entry = AuditEntry.objects.filter(
        content_type__model="deadline", object_id=str(deadline.pk)
    ).latest("pk")
    assert (entry.actor, entry.message) == (koege_officer, "not spam")
    assert entry.changes["outcome"] == ["void", "open"]
    assert counts.direct() == stored_counts()
    [row] = compliance_csv(client, year)
    assert row[0] == "narkotikasalg-ved-skoler" and row[3:7] == ["1", "0", "0", "1"]

    # The promise ran on while the request lay as spam: past its due time, it is missed.
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    [row] = compliance_csv(client, year)
    assert row[3:7] == ["1", "0", "1", "0"]


def test_a_duplicate_stays_void_when_its_spam_mark_is_taken_back(
    guarantees, koege_officer, client_for
):
    original = submit("tip-narkotika", **{"naer-skole": "ja"})
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    client = client_for(koege_officer)
    desk.mark_duplicate(handling, by=koege_officer, original=original)
    desk_action(client, handling, "spam")
    assert not_spam(client, handling).status_code == 302
    assert request.guarantee_deadlines.get().outcome == Deadline.Outcome.VOID
    assert counts.direct() == stored_counts()


def test_a_service_changed_back_counts_its_deadline_again(guarantees, koege_officer):
    request = submit("tip-narkotika", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    services = {code: Service.objects.get(code=code) for code in ("tip-andet", "tip-narkotika")}
    desk.triage_handling(handling, by=koege_officer, service=services["tip-andet"])
    assert request.guarantee_deadlines.get().outcome == Deadline.Outcome.VOID
    desk.triage_handling(handling, by=koege_officer, service=services["tip-narkotika"])
    deadline = request.guarantee_deadlines.get()
    assert deadline.outcome == Deadline.Outcome.OPEN
    assert deadline.started_at == request.submitted_at
    assert counts.direct() == stored_counts()


def test_spam_opens_no_deadline_when_its_service_changes(guarantees, koege_officer):
    request = submit("tip-andet", **{"naer-skole": "ja"})
    handling = request.handlings.get()
    desk.mark_spam(handling, by=koege_officer)
    desk.triage_handling(
        handling, by=koege_officer, service=Service.objects.get(code="tip-narkotika")
    )
    assert not request.guarantee_deadlines.exists()
    # Taken back, the request is a case of the guarantee that covers it now.
    handling.refresh_from_db()
    desk.unmark_spam(handling, by=koege_officer)
    deadline = request.guarantee_deadlines.get()
    assert (deadline.outcome, deadline.started_at) == ("open", request.submitted_at)
    assert counts.direct() == stored_counts()


def stored_counts():
    return {
        (c.guarantee_id, c.district_id, c.municipality_id, c.month): (c.met, c.missed, c.running)
        for c in ComplianceCount.objects.all()
        if c.met or c.missed or c.running
    }


# Incidents --------------------------------------------------------------------------------


def test_imported_burglaries_get_deadlines_and_follow_ups(
    guarantees, koege_officer, tmp_path, district
):
    now = timezone.now()
    reported = now - datetime.timedelta(hours=30)
    import_rows(
        tmp_path,
        [
            burglary("A", reported, reported + datetime.timedelta(hours=3)),
            burglary("B", reported, reported + datetime.timedelta(hours=26)),
            burglary("C", now - datetime.timedelta(hours=2)),
            burglary("OLD", OLD, OLD + datetime.timedelta(hours=1)),
            {**burglary("V", now - datetime.timedelta(hours=1)), "category": "violence"},
        ],
    )
    on_site = Deadline.objects.filter(guarantee__code="indbrud-i-private-hjem")
    outcome = dict(on_site.values_list("incident__external_id", "outcome"))
    # Before the guarantees took effect, nothing.
    assert outcome == {"A": "met", "B": "missed", "C": "open"}
    b = on_site.get(incident__external_id="B")
    assert b.margin_minutes == -120
    assert b.response_minutes == 26 * 60
    assert Deadline.objects.get(incident__external_id="V").target_minutes == 15
    follow_ups = SafetyFollowUp.objects.select_related("deadline")
    assert {f.incident.external_id for f in follow_ups} == {"A", "B", "C"}
    assert {f.officer for f in follow_ups} == {koege_officer}
    assert all(f.deadline.target_minutes == 14 * 24 * 60 for f in follow_ups)
    # Imported again with C's response time: C's clock stops, nothing is doubled.
    import_rows(
        tmp_path,
        [burglary("C", now - datetime.timedelta(hours=2), now - datetime.timedelta(minutes=30))],
    )
    c = on_site.get(incident__external_id="C")
    assert c.outcome == Deadline.Outcome.MET
    assert c.response_minutes == 90
    assert Deadline.objects.count() == 7


def test_a_statistics_only_import_opens_no_deadlines(guarantees, tmp_path):
    reported = timezone.now() - datetime.timedelta(days=3)
    import_rows(tmp_path, [burglary("S", reported)], "--statistics-only")
    assert Incident.objects.filter(external_id="S").exists()
    assert not Deadline.objects.exists()
    assert not SafetyFollowUp.objects.exists()


def test_the_importer_spends_queries_on_guarantees_per_batch_not_per_row(guarantees, tmp_path):
    reported = timezone.now() - datetime.timedelta(days=1)

    def guarantee_queries(prefix, count):
        rows = [burglary(f"{prefix}{n}", reported) for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            import_rows(tmp_path, rows)
        return [q["sql"] for q in captured.captured_queries if "guarantees_" in q["sql"]]

    rules.versions()  # the process has read the rules before
    few, many = guarantee_queries("x", 3), guarantee_queries("y", 60)
    assert Deadline.objects.count() == 2 * 63
    selects = [q for q in many if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    if connection.vendor == "postgresql":
        assert len(many) == len(few)
    else:
        # SQLite takes at most 999 parameters a statement, so Django splits the one bulk
        # INSERT of the 120 deadlines into chunks of 49 rows: still no statement per row.
        fields = len(Deadline._meta.concrete_fields) - 1
        chunks = -(-120 // (999 // fields))
        assert len(many) == len(few) + chunks - 1


# The stop event, pauses and follow-ups on the incident page -------------------------------


@pytest.fixture
def case(guarantees, tmp_path, koege_officer):
    import_rows(tmp_path, [burglary("K1", timezone.now() - datetime.timedelta(hours=3))])
    return Incident.objects.get(external_id="K1")


def on_site(incident):
    return incident.guarantee_deadlines.get(guarantee__code="indbrud-i-private-hjem")


def test_the_officer_records_on_site_in_one_click(case, koege_officer, client_for):
    client = client_for(koege_officer)
    url = reverse("staff:guarantees:incident", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Indbrud i private hjem" in page
    assert "Record: Police on site" in page or "Registrér: Politiet på stedet" in page
    deadline = on_site(case)
    at = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        reverse("staff:guarantees:stop", args=[deadline.pk]),
        {f"stop-{deadline.pk}-at": at.strftime("%Y-%m-%dT%H:%M"), "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.MET
    assert 115 <= deadline.response_minutes <= 121
    assert AuditEntry.objects.filter(object_id=str(deadline.pk), message="stop").count() == 1
    # A second stop changes nothing and says why.
    response = client.post(reverse("staff:guarantees:stop", args=[deadline.pk]), follow=True)
    assert response.status_code == 200
    assert AuditEntry.objects.filter(object_id=str(deadline.pk), message="stop").count() == 1


@pytest.mark.parametrize(
    "value", ["i går", "2026-13-45T25:00", "2099-01-01T10:00", "2000-01-01T10:00"]
)
def test_a_bad_stop_time_gets_a_message_and_changes_nothing(case, koege_officer, client_for, value):
    deadline = on_site(case)
    response = client_for(koege_officer).post(
        reverse("staff:guarantees:stop", args=[deadline.pk]),
        {f"stop-{deadline.pk}-at": value},
        follow=True,
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.OPEN
    assert not AuditEntry.objects.filter(object_id=str(deadline.pk)).exists()


def test_pause_and_resume_move_the_deadline(case, koege_officer, client_for):
    deadline = on_site(case)
    client = client_for(koege_officer)
    response = client.post(
        reverse("staff:guarantees:pause", args=[deadline.pk]),
        {f"pause-{deadline.pk}-reason": "citizen_asked_later"},
    )
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.paused_at is not None
    # A reason the rule does not allow is refused.
    refused = client.post(
        reverse("staff:guarantees:pause", args=[deadline.pk]),
        {f"pause-{deadline.pk}-reason": "awaiting_citizen"},
    )
    assert refused.status_code == 302
    assert Deadline.objects.get(pk=deadline.pk).pause_reason == "citizen_asked_later"
    Deadline.objects.filter(pk=deadline.pk).update(
        paused_at=timezone.now() - datetime.timedelta(hours=5)
    )
    due_before = deadline.due_at
    client.post(reverse("staff:guarantees:resume", args=[deadline.pk]))
    deadline.refresh_from_db()
    assert deadline.paused_at is None
    assert 299 <= deadline.paused_minutes <= 301
    assert abs((deadline.due_at - due_before) - datetime.timedelta(hours=5)) < datetime.timedelta(
        minutes=1
    )


def test_an_overdue_clock_cannot_be_paused(case, koege_officer, client_for):
    """A pause would count a broken promise as open again, for as long as it lasts."""
    deadline = on_site(case)
    client = client_for(koege_officer)
    page_url = reverse("staff:guarantees:incident", args=[case.pk])
    pause_url = reverse("staff:guarantees:pause", args=[deadline.pk])
    assert pause_url in client.get(page_url).content.decode()
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert pause_url not in client.get(page_url).content.decode()
    response = client.post(
        reverse("staff:guarantees:pause", args=[deadline.pk]),
        {f"pause-{deadline.pk}-reason": "citizen_asked_later"},
        follow=True,
    )
    assert "kan ikke længere sættes på pause" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.paused_at is None
    assert not AuditEntry.objects.filter(object_id=str(deadline.pk)).exists()


def test_a_stop_before_a_pause_is_refused(case, koege_officer, client_for):
    """Only the time paused in all is kept: a stop recorded before a pause would have the
    pause taken off its response time (30 minutes less 120 paused: 0)."""
    deadline = on_site(case)
    client = client_for(koege_officer)
    started = timezone.now() - datetime.timedelta(hours=4)
    Deadline.objects.filter(pk=deadline.pk).update(
        started_at=started, paused_at=started + datetime.timedelta(hours=1)
    )
    stop = reverse("staff:guarantees:stop", args=[deadline.pk])
    early = timezone.localtime(started + datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(stop, {f"stop-{deadline.pk}-at": early}, follow=True)
    assert "før uret blev sat på pause" in response.content.decode()
    client.post(reverse("staff:guarantees:resume", args=[deadline.pk]))
    response = client.post(stop, {f"stop-{deadline.pk}-at": early}, follow=True)
    assert "før uret sidst blev sat i gang igen" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.OPEN and deadline.response_minutes is None
    # After the resumption the time paused is taken off.
    client.post(stop, {f"stop-{deadline.pk}-at": ""})
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.MET
    assert 59 <= deadline.response_minutes <= 61  # 4 hours less 3 paused


@pytest.mark.parametrize(
    ("now", "typed", "stopped"),
    [
        # At 02:45 the second time (01:45 UTC), 02:30 is the second one a quarter ago.
        ("2026-10-25T01:45:00+00:00", "2026-10-25T02:30", "2026-10-25T01:30:00+00:00"),
        # At 02:45 the first time, the second 02:30 is still ahead: the first is meant.
        ("2026-10-25T00:45:00+00:00", "2026-10-25T02:30", "2026-10-25T00:30:00+00:00"),
    ],
)
def test_a_stop_in_the_hour_the_clocks_go_back(
    monkeypatch, case, koege_officer, client_for, now, typed, stopped
):
    deadline = on_site(case)
    Deadline.objects.filter(pk=deadline.pk).update(
        started_at=datetime.datetime.fromisoformat("2026-10-24T20:00:00+00:00")
    )
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime.fromisoformat(now))
    client_for(koege_officer).post(
        reverse("staff:guarantees:stop", args=[deadline.pk]), {f"stop-{deadline.pk}-at": typed}
    )
    deadline.refresh_from_db()
    assert deadline.stopped_at == datetime.datetime.fromisoformat(stopped)


def test_a_time_the_clocks_jump_over_gets_a_message(case, koege_officer, client_for):
    deadline = on_site(case)
    response = client_for(koege_officer).post(
        reverse("staff:guarantees:stop", args=[deadline.pk]),
        {f"stop-{deadline.pk}-at": "2026-03-29T02:30"},
        follow=True,
    )
    assert "Europe/Copenhagen" in response.content.decode()
    deadline.refresh_from_db()
    assert deadline.outcome == Deadline.Outcome.OPEN


def test_the_follow_up_records_its_outcome_and_stops_its_deadline(case, koege_officer, client_for):
    follow_up = case.safety_follow_up
    client = client_for(koege_officer)
    url = reverse("staff:guarantees:follow_up", args=[follow_up.pk])
    client.post(url, {"followup-reached": "no", "followup-next_step": "Ringer igen i morgen"})
    follow_up.refresh_from_db()
    assert follow_up.status == SafetyFollowUp.Status.OPEN and follow_up.attempts == 1
    assert follow_up.deadline.outcome == Deadline.Outcome.OPEN
    client.post(
        url,
        {
            "followup-reached": "yes",
            "followup-advice": ["burglary_protection", "neighbourhood_watch"],
        },
    )
    follow_up.refresh_from_db()
    assert follow_up.status == SafetyFollowUp.Status.DONE
    assert follow_up.advice == ["burglary_protection", "neighbourhood_watch"]
    assert follow_up.deadline.outcome == Deadline.Outcome.MET
    page = client.get(reverse("staff:guarantees:follow_ups")).content.decode()
    assert case.external_id in page
    # Bad input: nothing changes.
    response = client.post(url, {"followup-reached": "maybe"}, follow=True)
    assert response.status_code == 200


def test_the_follow_ups_clock_is_stopped_by_the_follow_up_alone(case, koege_officer, client_for):
    """Stopped on its own, the deadline counted as met while the follow-up stayed to do."""
    follow_up = case.safety_follow_up
    client = client_for(koege_officer)
    page = client.get(reverse("staff:guarantees:incident", args=[case.pk])).content.decode()
    assert reverse("staff:guarantees:stop", args=[follow_up.deadline.pk]) not in page
    assert reverse("staff:guarantees:stop", args=[on_site(case).pk]) in page
    response = client.post(reverse("staff:guarantees:stop", args=[follow_up.deadline.pk]))
    assert response.status_code in (302, 400)
    follow_up.refresh_from_db()
    assert follow_up.deadline.outcome == Deadline.Outcome.OPEN
    assert follow_up.status == SafetyFollowUp.Status.OPEN


def test_a_corrected_file_moves_the_deadlines_and_the_follow_up_with_the_incident(
    guarantees, tmp_path, koege_officer, greve_staff, client_for
):
    reported = timezone.now() - datetime.timedelta(hours=3)
    import_rows(tmp_path, [burglary("K1", reported)])
    import_rows(tmp_path, [burglary("K1", reported, code="0253")])
    incident = Incident.objects.get(external_id="K1")
    deadlines = Deadline.objects.filter(incident=incident)
    assert set(deadlines.values_list("municipality__code", flat=True)) == {"0253"}
    assert incident.safety_follow_up.municipality.code == "0253"
    assert counts.direct() == stored_counts()
    page = client_for(greve_staff).get(reverse("staff:guarantees:incident", args=[incident.pk]))
    assert "Indbrud i private hjem" in page.content.decode()

    # Reported two days earlier: the clocks start then, and the on-site one is missed.
    earlier = reported - datetime.timedelta(days=2)
    import_rows(tmp_path, [burglary("K1", earlier, code="0253")])
    on_site = incident.guarantee_deadlines.get(guarantee__code="indbrud-i-private-hjem")
    assert on_site.started_at == earlier and on_site.due_at < timezone.now()
    assert counts.direct() == stored_counts()

    # No burglary after all: its deadlines do not count, and the follow-up is nobody's task.
    vandalism = {**burglary("K1", earlier, code="0253"), "category": "vandalism"}
    import_rows(tmp_path, [vandalism])
    assert set(deadlines.values_list("outcome", flat=True)) == {Deadline.Outcome.VOID}
    assert counts.direct() == stored_counts()
    listed = client_for(greve_staff).get(reverse("staff:guarantees:follow_ups"))
    assert list(listed.context["page"].object_list) == []


def test_an_on_site_time_before_a_pause_takes_no_pause_off(
    guarantees, tmp_path, koege_officer, client_for
):
    reported = timezone.now() - datetime.timedelta(hours=5)
    import_rows(tmp_path, [burglary("K1", reported)])
    deadline = Deadline.objects.get(
        incident__external_id="K1", guarantee__code="indbrud-i-private-hjem"
    )
    client = client_for(koege_officer)
    client.post(
        reverse("staff:guarantees:pause", args=[deadline.pk]),
        {f"pause-{deadline.pk}-reason": "citizen_asked_later"},
    )
    Deadline.objects.filter(pk=deadline.pk).update(paused_at=reported + datetime.timedelta(hours=1))
    client.post(reverse("staff:guarantees:resume", args=[deadline.pk]))
    import_rows(tmp_path, [burglary("K1", reported, reported + datetime.timedelta(minutes=30))])
    deadline.refresh_from_db()
    assert deadline.response_minutes == 30
    assert deadline.outcome == Deadline.Outcome.MET
    assert counts.direct() == stored_counts()


# Access ---------------------------------------------------------------------------------------


STAFF = {"secretariat", "district_staff", "koege_officer"}
ACTORS = {"secretariat", "koege_officer"}


class TestAccess(StaffViewAccess):
    @pytest.fixture
    def ctx(self, case, personas, councils):
        deadline = on_site(case)
        return {"incident": case, "deadline": deadline, "follow_up": case.safety_follow_up}

    views = [
        StaffView(
            "deadlines",
            lambda c: reverse("staff:guarantees:deadlines"),
            STAFF | {"greve_staff", "foreign_secretariat"},
        ),
        StaffView(
            "incident",
            lambda c: reverse("staff:guarantees:incident", args=[c["incident"].pk]),
            STAFF,
        ),
        StaffView(
            "follow_ups",
            lambda c: reverse("staff:guarantees:follow_ups"),
            STAFF | {"greve_staff", "foreign_secretariat"},
        ),
        StaffView(
            "notifications",
            lambda c: reverse("staff:guarantees:notifications"),
            STAFF | {"greve_staff", "foreign_secretariat"},
        ),
        StaffView(
            "stop",
            lambda c: reverse("staff:guarantees:stop", args=[c["deadline"].pk]),
            ACTORS,
            method="post",
            ok_status=302,
        ),
        StaffView(
            "pause",
            lambda c: reverse("staff:guarantees:pause", args=[c["deadline"].pk]),
            ACTORS,
            method="post",
            data=lambda c: {f"pause-{c['deadline'].pk}-reason": "citizen_asked_later"},
            ok_status=302,
        ),
        StaffView(
            "follow_up",
            lambda c: reverse("staff:guarantees:follow_up", args=[c["follow_up"].pk]),
            ACTORS,
            method="post",
            data={"followup-reached": "yes"},
            ok_status=302,
        ),
        StaffView(
            "compliance",
            lambda c: reverse("staff:guarantees:compliance"),
            STAFF | {"greve_staff", "foreign_secretariat", "council_member"},
        ),
    ]


def test_district_staff_read_the_case_but_cannot_record(case, district_staff, client_for):
    page = client_for(district_staff).get(reverse("staff:guarantees:incident", args=[case.pk]))
    assert page.status_code == 200
    assert 'action="/medarbejder/garantier/frist/' not in page.content.decode()


def test_the_outsider_and_another_district_see_no_deadline(
    case, outsider, foreign_secretariat, client_for
):
    # The case as the list shows it, by name and link: its id alone ("K1") can turn up by
    # chance inside the page's random CSRF token.
    link = reverse("staff:guarantees:incident", args=[case.pk])
    for user in (outsider, foreign_secretariat):
        page = client_for(user).get(reverse("staff:guarantees:deadlines")).content.decode()
        assert str(case) not in page and link not in page


def test_the_lists_queries_do_not_grow_with_the_rows(guarantees, tmp_path, secretariat, client_for):
    client = client_for(secretariat)
    reported = timezone.now() - datetime.timedelta(hours=2)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [reverse("staff:guarantees:deadlines"), reverse("staff:guarantees:follow_ups")]
    import_rows(tmp_path, [burglary(f"a{n}", reported) for n in range(2)])
    [count(url) for url in urls]  # the first request also sets up the session
    few = [count(url) for url in urls]
    import_rows(tmp_path, [burglary(f"b{n}", reported) for n in range(20)])
    assert [count(url) for url in urls] == few


@pytest.mark.parametrize(
    ("name", "crumb"),
    [
        ("deadlines", "Deadlines"),
        ("follow_ups", "Safety follow-ups"),
        ("notifications", "Notifications"),
        ("compliance", "Compliance"),
    ],
)
def test_each_page_names_itself_in_the_breadcrumbs(
    guarantees, secretariat, client_for, name, crumb
):
    page = client_for(secretariat, "en").get(reverse(f"staff:guarantees:{name}")).content.decode()
    trail = page.split('class="breadcrumbs__list"')[1].split("</ol>")[0]
    assert f'<li class="breadcrumbs__list-item" aria-current="page">{crumb}</li>' in trail
    assert trail.count('href="/medarbejder/"') == 1  # the back office, and only there


def test_a_statistics_only_correction_opens_nothing_but_the_deadlines_follow_it(
    guarantees, tmp_path, koege_officer, greve_staff, client_for
):
    reported = timezone.now() - datetime.timedelta(hours=3)
    import_rows(tmp_path, [burglary("K1", reported)])
    incident = Incident.objects.get(external_id="K1")
    deadlines = Deadline.objects.filter(incident=incident)
    before = set(deadlines.values_list("pk", flat=True))
    assert len(before) == 2

    # Moved to Greve by a file for the numbers only: the deadlines move with it.
    import_rows(tmp_path, [burglary("K1", reported, code="0253")], "--statistics-only")
    assert set(deadlines.values_list("pk", flat=True)) == before
    assert set(deadlines.values_list("municipality__code", flat=True)) == {"0253"}
    assert incident.safety_follow_up.municipality.code == "0253"
    assert counts.direct() == stored_counts()

    # Violence after all: the burglary's deadlines do not count, and the violence
    # guarantee opens none for a file for the numbers only.
    violence = {**burglary("K1", reported, code="0253"), "category": "vold"}
    import_rows(tmp_path, [violence], "--statistics-only")
    assert set(Deadline.objects.values_list("pk", flat=True)) == before
    assert set(deadlines.values_list("outcome", flat=True)) == {Deadline.Outcome.VOID}
    assert counts.direct() == stored_counts()
    listed = client_for(greve_staff).get(reverse("staff:guarantees:follow_ups"))
    assert list(listed.context["page"].object_list) == []

    # Corrected again by a normal import, the violence guarantee opens its deadline.
    import_rows(tmp_path, [{**violence, "title": "Vold på adressen"}])
    opened = Deadline.objects.exclude(pk__in=before)
    assert list(opened.values_list("guarantee__code", "outcome")) == [("akut-vold", "open")]


def test_a_correction_that_removes_the_reported_time_voids_the_deadlines(
    guarantees, tmp_path, koege_officer, client_for
):
    reported = timezone.now() - datetime.timedelta(hours=3)
    import_rows(tmp_path, [burglary("K1", reported)])
    deadlines = Deadline.objects.filter(incident__external_id="K1")
    assert set(deadlines.values_list("outcome", flat=True)) == {Deadline.Outcome.OPEN}
    client = client_for(koege_officer)
    year = str(timezone.localdate().year)
    assert compliance_csv(client, year) != []

    unreported = burglary("K1", reported)
    del unreported["reported_at"]
    import_rows(tmp_path, [unreported])
    assert Incident.objects.get(external_id="K1").reported_at is None
    assert set(deadlines.values_list("outcome", flat=True)) == {Deadline.Outcome.VOID}
    assert counts.direct() == stored_counts()
    assert compliance_csv(client, year) == []
    listed = client.get(reverse("staff:guarantees:follow_ups"))
    assert list(listed.context["page"].object_list) == []
