"""The sweeper: a warning before the deadline and a notice when it is missed, each once, also
with two sweepers racing; only within service hours where the rule says so; by e-mail and
in the in-app list."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tryghed.guarantees import actions, rules, sweeps
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.clock import DANISH_TIME
from tryghed.guarantees.models import Deadline, GuaranteeVersion, Notification
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.servicedesk import actions as desk
from tryghed.servicedesk.models import Queue, Service

KOEGE = (55.4581, 12.1822)


def local(*args):
    return datetime.datetime(*args, tzinfo=DANISH_TIME)


@pytest.fixture
def officer(koege_officer):
    koege_officer.email = "betjent@koege.example"
    koege_officer.save()
    return koege_officer


@pytest.fixture
def guarantees(reference):
    load_guarantees()
    rules.forget()


def burglaries(district, koege, reported, count=1):
    source, _created = IncidentSource.objects.get_or_create(
        name="test-kilde", defaults={"district": district}
    )
    incidents = Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"I{n}-{reported.timestamp()}",
            occurred_at=reported,
            reported_at=reported,
            category="burglary_home",
            municipality=koege,
        )
        for n in range(count)
    )
    actions.incidents_written(incidents, district_id=district.pk)
    return incidents


def on_site():
    return Deadline.objects.filter(guarantee__code="indbrud-i-private-hjem")


def test_a_warning_then_a_missed_notice_each_once(guarantees, district, koege, officer, mailoutbox):
    Queue.objects.update_or_create(
        owner=Queue.Owner.POLICE,
        municipality=koege,
        defaults={"name": "Lokalpolitiet Køge", "email": "politi-koege@example.org"},
    )
    reported = local(2026, 3, 2, 9, 0)
    (incident,) = burglaries(district, koege, reported)
    # 21 hours in: nothing yet (the warning comes 2 hours before the 24).
    sweeps.sweep(now=reported + datetime.timedelta(hours=21))
    assert not Notification.objects.exists()
    lines = sweeps.sweep(now=reported + datetime.timedelta(hours=22, minutes=30))
    assert any(incident.external_id in line for line in lines)
    assert Notification.objects.get().kind == Notification.Kind.WARNING
    assert len(mailoutbox) == 1
    assert set(mailoutbox[0].to) == {"betjent@koege.example", "politi-koege@example.org"}
    assert "/medarbejder/garantier/haendelse/" in mailoutbox[0].body
    # Again: nothing new.
    sweeps.sweep(now=reported + datetime.timedelta(hours=23))
    assert Notification.objects.count() == 1 and len(mailoutbox) == 1
    sweeps.sweep(now=reported + datetime.timedelta(hours=25))
    sweeps.sweep(now=reported + datetime.timedelta(hours=26))
    kinds = sorted(
        Notification.objects.filter(deadline__incident=incident).values_list("kind", flat=True)
    )
    assert kinds == ["missed", "warning"]
    assert len(mailoutbox) == 2
    deadline = on_site().get()
    assert deadline.warned_at is not None and deadline.missed_at is not None


def test_a_stopped_or_paused_deadline_is_not_swept(guarantees, district, koege, officer):
    reported = local(2026, 3, 2, 9, 0)
    first, second = burglaries(district, koege, reported, count=2)
    stopped = on_site().get(incident=first)
    actions._stop(stopped, reported + datetime.timedelta(hours=2))
    stopped.save()
    on_site().filter(incident=second).update(paused_at=reported + datetime.timedelta(hours=1))
    sweeps.sweep(now=reported + datetime.timedelta(hours=30))
    assert not Notification.objects.filter(deadline__guarantee__code="indbrud-i-private-hjem")


def test_service_hours_rules_notify_only_within_service_hours(
    guarantees, reference, officer, mailoutbox
):
    call_command("load_services", verbosity=0)
    request, _token = desk.submit_request(
        Service.objects.get(code="betjent-foredrag"),
        description="Oplæg",
        lat=KOEGE[0],
        lon=KOEGE[1],
    )
    version = GuaranteeVersion.objects.get(guarantee__code="bestil-en-betjent-svar")
    # Received Monday 23 November at 9:00: due Monday 30 November at 9:00, warned from
    # Friday 27 at 9:00.
    started = local(2026, 11, 23, 9, 0)
    deadline = actions.new_deadline(
        version, started_at=started, municipality_id=request.municipality_id, district_id=None
    )
    Deadline.objects.filter(service_request=request).update(
        started_at=started, due_at=deadline.due_at, warn_at=deadline.warn_at
    )
    assert deadline.due_at == local(2026, 11, 30, 9, 0)
    sweeps.sweep(now=local(2026, 11, 28, 12, 0))  # Saturday, past the warning time
    assert not Notification.objects.exists()
    sweeps.sweep(now=local(2026, 11, 30, 7, 55))  # Monday, before opening
    assert not Notification.objects.exists()
    sweeps.sweep(now=local(2026, 11, 30, 8, 0))
    assert Notification.objects.get().kind == Notification.Kind.WARNING
    sweeps.sweep(now=local(2026, 11, 30, 16, 30))  # overdue, but after closing
    assert Notification.objects.count() == 1
    sweeps.sweep(now=local(2026, 12, 1, 8, 1))
    assert Notification.objects.filter(kind=Notification.Kind.MISSED).count() == 1


def test_the_sweep_command_runs_every_apps_sweeps_and_prints_what_it_did(
    guarantees, district, koege, officer, capsys
):
    (incident,) = burglaries(district, koege, timezone.now() - datetime.timedelta(hours=25))
    call_command("sweep")
    out = capsys.readouterr().out
    assert incident.external_id in out
    assert Notification.objects.filter(kind=Notification.Kind.MISSED).count() == 1
    call_command("sweep")
    assert Notification.objects.filter(kind=Notification.Kind.MISSED).count() == 1


def test_the_in_app_list_shows_the_teams_notifications(
    guarantees, district, koege, officer, greve_staff, secretariat, client_for
):
    (incident,) = burglaries(district, koege, timezone.now() - datetime.timedelta(hours=25))
    sweeps.sweep(now=timezone.now())
    url = reverse("staff:guarantees:notifications")
    for user, sees in ((officer, True), (secretariat, True), (greve_staff, False)):
        page = client_for(user).get(url).content.decode()
        assert (incident.external_id in page) is sees, user


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_racing_send_each_notification_once(reference, district, koege, officer):
    """Two sweepers, each in its own thread with its own database connection, start the
    same pass at the same moment. SQLite serialises their writes on its one write lock,
    PostgreSQL runs them side by side; either way each deadline is claimed once."""
    load_guarantees()
    rules.forget()
    reported = timezone.now() - datetime.timedelta(hours=25)
    burglaries(district, koege, reported, count=40)
    mail.outbox = []
    now = timezone.now()
    start = threading.Barrier(2)
    results, errors = [], []

    def sweeper():
        try:
            start.wait()
            results.append(sweeps.sweep(now=now))
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    missed = Notification.objects.filter(kind=Notification.Kind.MISSED)
    assert missed.count() == 40
    assert missed.values("deadline").distinct().count() == 40
    assert len(mail.outbox) == 40
    # Between them the two passes reported each deadline once.
    reported_lines = [line for lines in results for line in lines[:-1]]
    assert len(reported_lines) == 40


def test_the_due_query_finds_what_the_queryset_predicates_find(guarantees, district, koege):
    """The sweep's compiled due query (sweeps.due_ids) against `to_warn` and
    `overdue_unreported`, on each database: due, not yet due, paused, already handled."""
    reported = local(2026, 3, 2, 9, 0)
    incidents = burglaries(district, koege, reported, count=6)
    deadlines = list(on_site().filter(incident__in=incidents).order_by("pk"))
    on_site().filter(pk=deadlines[1].pk).update(paused_at=reported)
    on_site().filter(pk=deadlines[2].pk).update(warned_at=reported)
    on_site().filter(pk=deadlines[3].pk).update(missed_at=reported)
    on_site().filter(pk=deadlines[4].pk).update(due_at=reported + datetime.timedelta(days=9))
    for hours in (1, 22.5, 30):
        now = reported + datetime.timedelta(hours=hours)
        warn, missed = sweeps.due_ids(now)
        assert sorted(warn) == sorted(Deadline.objects.to_warn(now).values_list("pk", flat=True))
        assert sorted(missed) == sorted(
            Deadline.objects.overdue_unreported(now).values_list("pk", flat=True)
        )
    warn, missed = sweeps.due_ids(reported + datetime.timedelta(hours=22.5))
    assert deadlines[0].pk in warn and deadlines[1].pk not in warn and deadlines[2].pk not in warn
    warn, missed = sweeps.due_ids(reported + datetime.timedelta(hours=30))
    assert deadlines[0].pk in missed and deadlines[3].pk not in missed
    assert deadlines[4].pk in warn and deadlines[4].pk not in missed
