"""Registrations that arrive at the same moment, each in its own thread and database
connection: the seats are never overbooked, and each cancellation moves exactly one person
up from the waiting list, in the order they registered.

Meant for PostgreSQL, where the transactions really run side by side (CI runs the suite on
both databases; on SQLite the write lock makes them take turns, and the result must be the
same)."""

import threading

import pytest
from django.db import connections

from tests.citizen_meetings_helpers import make_meeting
from tryghed.citizen_meetings import actions
from tryghed.citizen_meetings.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12


def at_once(jobs):
    """Run the callables together, each in a thread with its own connection; return their
    results (or the exceptions they raised) in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as exc:  # reported to the test, which fails on it
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def registrant(meeting, n):
    return lambda: actions.register(meeting, name=f"Borger {n}", email=f"borger{n}@example.dk")


def test_concurrent_registrations_never_overbook(reference, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    meeting = make_meeting(capacity=3)
    results = at_once([registrant(meeting, n) for n in range(THREADS)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    statuses = [r.status for r in results]
    assert statuses.count("confirmed") == 3
    assert statuses.count("waiting") == THREADS - 3
    assert Registration.objects.confirmed().count() == 3
    # Those who got a seat registered before every one who waits.
    confirmed = Registration.objects.confirmed().values_list("created_at", flat=True)
    waiting = Registration.objects.waiting().values_list("created_at", flat=True)
    assert max(confirmed) <= min(waiting)


def test_the_same_address_at_once_is_registered_once(reference):
    meeting = make_meeting(capacity=5)
    jobs = [
        lambda: actions.register(meeting, name="Hanne", email="hanne@example.dk") for _ in range(6)
    ]
    results = at_once(jobs)
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert all(isinstance(r, Registration | actions.RegistrationError) for r in results), results
    assert Registration.objects.count() == 1


def test_concurrent_cancellations_move_up_one_each_in_order(reference, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": []}
    }
    meeting = make_meeting(capacity=4)
    registrations = [registrant(meeting, n)() for n in range(10)]
    confirmed, waiting = registrations[:4], registrations[4:]
    assert {r.status for r in confirmed} == {"confirmed"}
    assert {r.status for r in waiting} == {"waiting"}

    # Three seats freed at once, and one of them cancelled twice at the same moment.
    jobs = [lambda r=r: actions.cancel_registration(r) for r in confirmed[:3]]
    jobs.append(lambda: actions.cancel_registration(confirmed[0]))
    results = at_once(jobs)
    assert sorted(results) == [False, True, True, True]

    status = dict(Registration.objects.values_list("pk", "status"))
    assert [status[r.pk] for r in waiting] == ["confirmed"] * 3 + ["waiting"] * 3
    assert Registration.objects.confirmed().count() == 4


def test_two_sweepers_at_once_send_each_reminder_once(reference):
    from django.core import mail
    from django.utils import timezone

    from tryghed.citizen_meetings.sweeps import sweep

    meeting = make_meeting(days=1, capacity=20)
    earlier = timezone.now() - timezone.timedelta(days=2)
    for n in range(8):
        Registration.objects.create(
            meeting=meeting,
            name=f"Borger {n}",
            email=f"borger{n}@example.dk",
            status="confirmed",
            created_at=earlier,
        )
    mail.outbox = []
    now = timezone.now()
    results = at_once([lambda: sweep(now=now) for _ in range(4)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"borger{n}@example.dk" for n in range(8))
    assert not Registration.objects.filter(reminded_at__isnull=True).exists()
