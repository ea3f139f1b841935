"""The sweeper for uploaded imports whose worker died: a job left running without finishing
is failed with a clear message, once, however many sweepers run, and the job page says so."""

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client

from tests.test_incidents_upload import UPLOAD, upload
from tryghed.audit.models import AuditEntry
from tryghed.incidents import sweeps, tasks
from tryghed.incidents.models import Incident, IncidentImport

pytestmark = pytest.mark.usefixtures("reference")

CSV = b"external_id,occurred_at,category\nS-1,2026-07-01T10:00,violence\n"


def crashed_job(client, *, started):
    """An uploaded job that a worker claimed at `started` and then died on."""
    response = upload(client, CSV)
    assert response.status_code == 302
    job = IncidentImport.objects.get()
    assert tasks._claim(job.pk) is not None
    IncidentImport.objects.filter(pk=job.pk).update(started_at=started)
    return IncidentImport.objects.get(pk=job.pk)


@pytest.fixture
def client(secretariat):
    client = Client()
    client.force_login(secretariat)
    return client


def test_a_job_left_running_is_failed_and_the_page_says_why(client):
    started = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    job = crashed_job(client, started=started)

    # Within the set time the job may still be working: it is left alone.
    assert sweeps.sweep(now=started + sweeps.STUCK_AFTER - datetime.timedelta(seconds=1)) == []
    assert IncidentImport.objects.get(pk=job.pk).status == IncidentImport.Status.RUNNING

    now = started + sweeps.STUCK_AFTER + datetime.timedelta(minutes=1)
    lines = sweeps.sweep(now=now)
    assert len(lines) == 1 and f"{job.pk} (incidents.csv)" in lines[0]
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.FAILED
    assert job.finished_at == now
    assert bytes(job.data) == b""  # the rows describe people: not kept after the import
    assert "baggrundsprocessen" in job.error  # in the uploader's language, Danish

    entry = AuditEntry.objects.filter(object_id=str(job.pk), actor_name="system").get()
    assert entry.changes["status"] == ["running", "failed"]

    # Idempotent: a second pass does nothing.
    assert sweeps.sweep(now=now + datetime.timedelta(hours=1)) == []

    page = client.get(f"{UPLOAD}{job.pk}/").content.decode()
    assert "Importen stoppede uden at blive færdig" in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    listing = client.get("/medarbejder/haendelser/").content.decode()
    assert "Mislykkedes" in listing


def test_the_worker_does_not_run_a_failed_job_afterwards(client):
    started = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    job = crashed_job(client, started=started)
    sweeps.sweep(now=started + datetime.timedelta(hours=2))
    tasks.run_import.call(job.pk)  # a retried task after the restart
    assert IncidentImport.objects.get(pk=job.pk).status == IncidentImport.Status.FAILED
    assert not Incident.objects.exists()


def test_queued_and_finished_jobs_are_not_touched(client):
    upload(client, CSV)
    queued = IncidentImport.objects.get()
    IncidentImport.objects.filter(pk=queued.pk).update(
        created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert sweeps.sweep(now=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC)) == []
    assert IncidentImport.objects.get(pk=queued.pk).status == IncidentImport.Status.QUEUED


def test_a_job_that_moved_on_since_it_was_read_is_left_alone(client, monkeypatch):
    started = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    job = crashed_job(client, started=started)
    real_filter = IncidentImport.objects.filter

    class Progressing:
        """The worker writes progress between the sweeper's read and its claim."""

        def __init__(self):
            self.read = False

        def __call__(self, *args, **kwargs):
            if self.read and "rows_done" in kwargs:
                real_filter(pk=job.pk).update(rows_done=1, rows_total=1)
            self.read = True
            return real_filter(*args, **kwargs)

    monkeypatch.setattr(IncidentImport.objects, "filter", Progressing())
    assert sweeps.sweep(now=started + datetime.timedelta(hours=2)) == []
    monkeypatch.undo()
    assert IncidentImport.objects.get(pk=job.pk).status == IncidentImport.Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_several_sweepers_fail_a_job_once(secretariat):
    client = Client()
    client.force_login(secretariat)
    started = datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC)
    jobs = []
    for n in range(5):
        upload(client, CSV, name=f"file-{n}.csv")
    for job in IncidentImport.objects.all():
        assert tasks._claim(job.pk) is not None
        jobs.append(job.pk)
    IncidentImport.objects.update(started_at=started)
    now = started + datetime.timedelta(hours=1)
    barrier = threading.Barrier(4)
    results = []
    errors = []

    def run():
        try:
            barrier.wait()
            results.append(sweeps.sweep(now=now))
        except Exception as error:  # reported below, with the thread's own error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    lines = [line for result in results for line in result]
    assert len(lines) == 5
    assert IncidentImport.objects.filter(status=IncidentImport.Status.FAILED).count() == 5
    assert AuditEntry.objects.filter(actor_name="system").count() == 5
