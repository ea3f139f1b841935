"""Importing incidents from the back office (an uploaded file, imported by the background
worker) and through the staff API (a batch of rows, imported at once), as each persona."""

import datetime
import json
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks_db.models import DBTaskResult

from tests.access import StaffView, StaffViewAccess
from tryghed.audit.models import AuditEntry
from tryghed.guarantees import rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import Deadline
from tryghed.incidents.models import DANISH_TIME, Incident, IncidentImport, IncidentSource
from tryghed.incidents.tasks import _Progress, run_import

DOEGNRAPPORT = Path(settings.BASE_DIR) / "data" / "incidents"
DOEGNRAPPORT /= "doegnrapport_mvsj_greve_uddrag_2026-07.csv"
UPLOAD = "/medarbejder/haendelser/import/"
BATCHES = "/api/v1/incidents/batches"
IMMEDIATE = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
GREVE = (55.5890, 12.2700)
HEADER = "external_id,occurred_at,category,place,lat,lon\n"
DISTRICT_8 = {"secretariat", "district_staff"}
# The Nordjylland secretariat imports into its own district, never into district 8's.
IMPORTERS = DISTRICT_8 | {"foreign_secretariat"}

pytestmark = pytest.mark.usefixtures("reference")


def upload(
    client,
    data,
    *,
    name="incidents.csv",
    source="doegnrapport-mvsj",
    dry_run=False,
    statistics_only=False,
):
    """Post the upload form; a source that does not exist yet is created by name."""
    existing = IncidentSource.objects.filter(name=source).exists()
    form = {
        "source": source if existing else "__new__",
        "new_source": "" if existing else source,
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
    }
    if dry_run:
        form["dry_run"] = "on"
    if statistics_only:
        form["statistics_only"] = "on"
    return client.post(UPLOAD, form)


@pytest.fixture
def guarantees():
    load_guarantees()
    rules.forget()
    yield
    rules.forget()


def run_queued_task():
    """Run the task waiting in the database queue, as the worker would: by its stored path
    and arguments. (The worker command itself closes the connection that holds the test's
    transaction on PostgreSQL; the browser test runs it for real.)"""
    queued = DBTaskResult.objects.get(status="READY")
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


def job_page(client, job):
    return client.get(reverse("staff:incidents:import", args=[job.pk])).content.decode()


def status_part(client, job):
    url = reverse("staff:incidents:import_status", args=[job.pk])
    return client.get(url, HTTP_HX_REQUEST="true").content.decode()


# Uploading a file --------------------------------------------------------------------------


def test_the_real_file_is_queued_and_the_worker_imports_it(
    secretariat, client_for, django_capture_on_commit_callbacks
):
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, DOEGNRAPPORT.read_bytes(), name=DOEGNRAPPORT.name)

    job = IncidentImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == IncidentImport.Status.QUEUED
    assert job.filename == DOEGNRAPPORT.name and job.created_by == secretariat
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "tryghed.incidents.tasks.run_import"
    assert queued.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert not Incident.objects.exists()
    page = job_page(client, job)
    assert "I kø" in page
    assert 'hx-trigger="every 1s"' in page

    run_queued_task()

    job.refresh_from_db()
    assert job.status == IncidentImport.Status.DONE
    assert job.report["created"] == 9 and job.report["rejected"] == []
    assert job.rows_done == job.rows_total == 9
    assert job.source.name == "doegnrapport-mvsj"
    assert job.source.district.number == 8
    assert Incident.objects.filter(source=job.source).count() == 9
    # The upload holds rows about people; once imported it is not kept twice.
    assert bytes(job.data) == b""
    # The polled part now shows the summary and stops the polling.
    part = status_part(client, job)
    assert "hx-trigger" not in part
    assert 'data-count="created">9<' in part
    assert "Importen er færdig." in part
    assert 'hx-swap-oob="innerHTML"' in part
    page = job_page(client, job)
    assert 'data-count="created">9<' in page and "hx-trigger" not in page
    logged = AuditEntry.objects.filter(object_id=str(job.pk), content_type__model="incidentimport")
    assert [e.action for e in logged.order_by("pk")] == ["create", "import"]
    assert all(e.actor == secretariat and e.district_id == job.district_id for e in logged)
    # In the language of the person who uploaded the file (Danish here).
    with translation.override("da"):
        summary = gettext(
            "created %(created)s, updated %(updated)s, unchanged %(unchanged)s, "
            "rejected %(rejected)s"
        )
    assert logged.get(action="import").message == summary % {
        "created": 9,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    # The file's bytes are no audit matter.
    assert all("data" not in e.changes for e in logged)


def test_with_the_immediate_backend_the_upload_is_imported_at_once(
    secretariat, client_for, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = IMMEDIATE
    client = client_for(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, DOEGNRAPPORT.read_bytes())
    job = IncidentImport.objects.get()
    assert job.status == IncidentImport.Status.DONE
    assert job.report["created"] == 9


def test_uploading_the_same_file_again_doubles_nothing(secretariat, client_for):
    client = client_for(secretariat)
    for _ in range(2):
        upload(client, DOEGNRAPPORT.read_bytes())
        run_import.call(IncidentImport.objects.latest("pk").pk)
    first, second = IncidentImport.objects.order_by("pk")
    assert first.report["created"] == 9
    assert (second.report["created"], second.report["unchanged"]) == (0, 9)
    assert second.source == first.source
    assert Incident.objects.count() == 9


def test_a_dry_run_reports_and_writes_nothing(secretariat, client_for):
    client = client_for(secretariat)
    upload(client, DOEGNRAPPORT.read_bytes(), dry_run=True)
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.dry_run and job.status == IncidentImport.Status.DONE
    assert job.report["created"] == 9
    assert not Incident.objects.exists() and not IncidentSource.objects.exists()
    page = job_page(client, job)
    assert "Filen blev kontrolleret; intet blev skrevet." in page


def test_the_audit_log_speaks_the_uploaders_language_and_tells_a_dry_run(secretariat, client_for):
    for dry_run in (True, False):
        upload(client_for(secretariat, language="en"), DOEGNRAPPORT.read_bytes(), dry_run=dry_run)
        with translation.override("da"):  # the worker's own language does not matter
            run_import.call(IncidentImport.objects.latest("pk").pk)
    dry, real = IncidentImport.objects.order_by("pk")
    logged = AuditEntry.objects.filter(content_type__model="incidentimport").exclude(
        action="create"
    )
    # A dry run imported nothing: the job changed, and the entry says it was a dry run.
    entry = logged.get(object_id=str(dry.pk))
    assert entry.action == "update"
    assert entry.message == (
        "dry run, nothing was saved: created 9, updated 0, unchanged 0, rejected 0"
    )
    entry = logged.get(object_id=str(real.pk))
    assert entry.action == "import"
    assert entry.message == "created 9, updated 0, unchanged 0, rejected 0"


def test_lines_that_cannot_be_read_are_rejected_and_the_rest_imported(secretariat, client_for):
    client = client_for(secretariat, language="en")
    text = HEADER + (
        "L-1,2026-07-20T10:00,vandalism,Greve,,\n"
        f"L-2,2026-07-20T10:00,vandalism,{'x' * 300_000},,\n"
        "L-3,2026-07-20T10:00,vandalism,Greve,,\n"
        'L-4,2026-07-20T10:00,vandalism,"Greve,,\n'
        "L-5,2026-07-20T10:00,vandalism,Greve,,\n"
        'L-6,2026-07-20T10:00,vandalism,"Greve\n'
    )
    upload(client, text.encode(), source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.report["rejected"] == [
        {"line": 3, "reason": "a cell is longer than 131072 characters."},
        {
            # The quotation mark is closed by the one on line 7, which opens a cell there.
            "line": 5,
            "reason": "expected 6 fields, found 4. A quoted cell joins lines 5–7 into one "
            "record. The lines after it are read as records of their own.",
        },
        {
            "line": 7,
            "reason": "a quotation mark in the record starting on this line is never closed.",
        },
    ]
    assert job.report["created"] == 3
    assert set(Incident.objects.values_list("external_id", "place")) == {
        ("L-1", "Greve"),
        ("L-3", "Greve"),
        ("L-5", "Greve"),
    }


def test_a_file_of_rejected_rows_keeps_the_first_reasons_and_counts_them_all(
    secretariat, client_for
):
    client = client_for(secretariat, language="en")
    text = HEADER + "".join(f"R-{n},not a time,vandalism,Greve,,\n" for n in range(5_600))
    upload(client, text.encode(), source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert len(job.report["rejected"]) == 5_000 and job.report["rejected"][0]["line"] == 2
    assert job.rejected_count == 5_600 and job.rows_total == 5_600
    page = job_page(client, job)
    assert "and 5100 more rejected rows" in page
    assert 'data-count="rejected">5600<' in page
    entry = AuditEntry.objects.get(content_type__model="incidentimport", action="import")
    assert entry.message.endswith("rejected 5600")
    # What the import changed of the job, not every field from nothing.
    assert {"status", "finished_at", "report"} <= set(entry.changes)
    assert not {"created_by", "created_at", "filename", "dry_run"} & set(entry.changes)


def test_the_job_page_lists_rows_to_check(secretariat, client_for):
    client = client_for(secretariat, language="en")
    text = (
        HEADER
        + 'T-1,2026-07-20T10:00,vandalism,"Greve\nT-2,2026-07-20T10:00,vandalism,Køge,,\n",,\n'
    )
    upload(client, text.encode(), source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    page = job_page(client, job)
    assert "Rows to check" in page
    assert (
        "a quoted cell joins lines 2–4 into one record, but line 3 looks like a record of its "
        "own: check whether a quotation mark is missing." in page
    )
    assert Incident.objects.get().place == "Greve\nT-2,2026-07-20T10:00,vandalism,Køge,,"


def test_a_file_of_two_encodings_fails_and_writes_nothing(secretariat, client_for):
    client = client_for(secretariat, language="en")
    data = (HEADER + "E-1,2026-07-20T10:00,vandalism,Køge,,\n").encode()
    data += "E-2,2026-07-20T10:00,vandalism,Køge,,\n".encode("cp1252")
    upload(client, data, source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.FAILED
    assert job.error.startswith(
        "The file mixes two encodings: line 2 is written in UTF-8, line 3 in another"
    )
    assert not Incident.objects.exists() and not IncidentSource.objects.exists()


def test_a_file_that_cannot_be_read_fails_and_writes_nothing(secretariat, client_for):
    client = client_for(secretariat, language="en")
    upload(client, b"when,what\n2026-07-20,burglary\n", name="wrong.csv")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.FAILED
    # In the language of the person who uploaded it, whatever the worker's language.
    assert job.error.startswith("line 1: unknown column “when”")
    assert not Incident.objects.exists() and not IncidentSource.objects.exists()
    page = job_page(client, job)
    assert "Nothing was imported." in page and "unknown column" in page
    assert "hx-trigger" not in page
    failed = AuditEntry.objects.filter(content_type__model="incidentimport", action="update")
    assert failed.get().message.startswith("line 1: unknown column")


def test_rows_that_are_all_bad_are_rejected_with_line_and_reason(secretariat, client_for):
    client = client_for(secretariat, language="en")
    text = HEADER + "A-1,2026-13-40T10:00,burglary_home,,,\nA-2,2026-07-20T10:00,bingo,,,\n"
    upload(client, text.encode(), source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.DONE
    assert job.report["created"] == 0
    assert [r["line"] for r in job.report["rejected"]] == [2, 3]
    assert "occurred_at “2026-13-40T10:00” is not a date" in job.report["rejected"][0]["reason"]
    assert "unknown category “bingo”" in job.report["rejected"][1]["reason"]
    assert not Incident.objects.exists() and not IncidentSource.objects.exists()
    page = job_page(client, job)
    assert 'id="job-rejected"' in page and "unknown category “bingo”" in page


def test_good_rows_are_imported_and_bad_ones_reported(secretariat, client_for):
    client = client_for(secretariat, language="en")
    text = HEADER + (
        f"B-1,2026-07-20T10:00,burglary_home,Greve,{GREVE[0]},{GREVE[1]}\n"
        "B-2,2026-07-20T11:00,vandalism,Greve,55.5,\n"
        "B-3,2026-07-21T09:30,vandalism,Greve,,\n"
    )
    upload(client, text.encode(), source="egen-kilde")
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert (job.report["created"], len(job.report["rejected"])) == (2, 1)
    assert job.report["rejected"][0] == {"line": 3, "reason": "lat and lon must be given together."}
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"B-1", "B-3"}
    assert set(Incident.objects.values_list("municipality__code", flat=True)) == {"0253"}


def test_a_second_worker_does_not_run_a_job_again(secretariat, client_for):
    upload(client_for(secretariat), DOEGNRAPPORT.read_bytes())
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    entries = AuditEntry.objects.count()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.DONE and job.report["created"] == 9
    assert AuditEntry.objects.count() == entries


@pytest.fixture
def running_job(secretariat, district):
    return IncidentImport.objects.create(
        district=district,
        source_name="s",
        filename="f.csv",
        status=IncidentImport.Status.RUNNING,
        created_by=secretariat,
    )


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_now_and_then_not_for_every_row(running_job):
    job = running_job
    progress = _Progress(job.pk)
    with CaptureQueriesContext(connection) as queries:
        for done in range(1, 20_001):
            progress(done, 20_000)
            if done == 7_000:
                job.refresh_from_db()
                assert job.rows_total == 20_000 and 6_800 <= job.rows_done <= 7_000
    # One write per 1 % of 20,000 rows (200 rows), and the last one.
    assert len(queries) <= 102
    job.refresh_from_db()
    assert job.rows_done == job.rows_total == 20_000


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="one transaction on PostgreSQL")
def test_progress_shows_while_the_import_transaction_is_open(running_job):
    # On PostgreSQL an import is one transaction; the progress bar must still move.
    job = running_job
    progress = _Progress(job.pk)
    seen = []
    with transaction.atomic():
        progress(7_000, 20_000)
        progress.close()

        def look():
            seen.append(IncidentImport.objects.values_list("rows_done", flat=True).get(pk=job.pk))
            connections.close_all()

        outside = threading.Thread(target=look)
        outside.start()
        outside.join()
    assert seen == [7_000]


def test_upload_form_errors_are_shown_and_nothing_is_queued(
    secretariat, foreign_secretariat, district, client_for, monkeypatch
):
    IncidentSource.objects.create(name="doegnrapport-mvsj", district=district)
    client = client_for(secretariat, language="en")
    response = client.post(UPLOAD, {"source": "__new__", "new_source": "med mellemrum"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved. Correct the following:" in page
    assert "may hold only the letters a-z (not æ, ø or å), digits, - and _." in page
    assert "This field is required." in page

    # A name taken in another district cannot be imported into, nor taken over.
    foreign = client_for(foreign_secretariat, language="en")
    response = upload(foreign, b"x", source="doegnrapport-mvsj")
    assert response.status_code == 400
    response = foreign.post(
        UPLOAD,
        {
            "source": "__new__",
            "new_source": "doegnrapport-mvsj",
            "file": SimpleUploadedFile("a.csv", b"x"),
        },
    )
    assert "belongs to another police district" in response.content.decode()

    monkeypatch.setattr(IncidentImport, "MAX_BYTES", 100)
    response = upload(client, b"x" * 101)
    assert response.status_code == 400
    assert "The file is larger than" in response.content.decode()
    assert not IncidentImport.objects.exists() and not DBTaskResult.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_job_list_shows_the_districts_recent_imports(
    secretariat, foreign_secretariat, client_for
):
    upload(client_for(secretariat), DOEGNRAPPORT.read_bytes(), name="greve-juli.csv")
    upload(client_for(foreign_secretariat), b"x", name="nordjylland.csv", source="nord")
    page = client_for(secretariat).get("/medarbejder/haendelser/").content.decode()
    assert "greve-juli.csv" in page and "nordjylland.csv" not in page
    assert 'href="/medarbejder/haendelser/"' in page  # the back-office menu links here


def test_the_menu_shows_incidents_to_district_roles_only(personas, client_for):
    for name, user in personas.items():
        page = client_for(user).get("/medarbejder/").content.decode()
        assert ('href="/medarbejder/haendelser/"' in page) == (name in IMPORTERS), name


# Who may use the pages ---------------------------------------------------------------------


@pytest.fixture
def ctx(district, secretariat):
    source = IncidentSource.objects.create(name="doegnrapport-mvsj", district=district)
    job = IncidentImport.objects.create(
        district=district,
        source_name=source.name,
        source=source,
        filename="greve.csv",
        status=IncidentImport.Status.DONE,
        report={"created": 1, "rejected": [{"line": 3, "reason": "Møllevej 4 er ukendt"}]},
        created_by=secretariat,
    )
    return {"job": job}


class TestIncidentPages(StaffViewAccess):
    views = [
        StaffView("imports", lambda ctx: reverse("staff:incidents:imports"), IMPORTERS),
        StaffView("upload", lambda ctx: reverse("staff:incidents:upload"), IMPORTERS),
        StaffView(
            "import",
            lambda ctx: reverse("staff:incidents:import", args=[ctx["job"].pk]),
            DISTRICT_8,
        ),
        StaffView(
            "import_status",
            lambda ctx: reverse("staff:incidents:import_status", args=[ctx["job"].pk]),
            DISTRICT_8,
        ),
    ]


class TestIncidentUpload(StaffViewAccess):
    views = [
        StaffView(
            "upload_post",
            lambda ctx: reverse("staff:incidents:upload"),
            IMPORTERS,
            method="post",
            data=lambda ctx: {
                "source": "__new__",
                "new_source": "ny-kilde",
                "file": SimpleUploadedFile("a.csv", DOEGNRAPPORT.read_bytes()),
            },
            ok_status=302,
        ),
    ]

    def test_nothing_is_queued_for_others(self, view, persona, personas, ctx, client_for):
        self._request(client_for(personas[persona]), view, ctx)
        jobs = IncidentImport.objects.exclude(pk=ctx["job"].pk)
        assert jobs.exists() == (persona in IMPORTERS)
        if persona == "foreign_secretariat":
            assert jobs.get().district.number == 1


# The API -----------------------------------------------------------------------------------


def row(external_id, **fields):
    return {
        "external_id": external_id,
        "occurred_at": "2026-07-20T17:25",
        "category": "burglary_home",
        "lat": GREVE[0],
        "lon": GREVE[1],
        **fields,
    }


def push(client, rows, source="api-kilde", **extra):
    body = {"source": source, "rows": rows, **extra}
    return client.post(BATCHES, data=json.dumps(body), content_type="application/json")


def test_a_batch_is_imported_and_logged(secretariat, client_for):
    response = push(client_for(secretariat), [row("K-1"), row("K-2", title="Villa")])
    assert response.status_code == 200
    assert response.json() == {
        "source": "api-kilde",
        "dry_run": False,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
        "unlocated": 0,
        "outside_district": 0,
    }
    source = IncidentSource.objects.get(name="api-kilde")
    assert source.district.number == 8
    assert set(source.incidents.values_list("municipality__code", flat=True)) == {"0253"}
    logged = AuditEntry.objects.filter(content_type__model="incidentsource", object_id=source.pk)
    assert sorted(logged.values_list("action", flat=True)) == ["create", "import"]
    assert all(e.actor == secretariat for e in logged)


def test_a_batch_is_logged_in_the_language_of_the_request(secretariat, client_for):
    push(client_for(secretariat, language="en"), [row("K-1"), row("K-2", occurred_at="x")])
    entry = AuditEntry.objects.get(content_type__model="incidentsource", action="import")
    assert entry.message == "created 1, updated 0, unchanged 0, rejected 1"


def test_pushing_a_batch_again_is_idempotent(district_staff, client_for):
    client = client_for(district_staff)
    push(client, [row("K-1"), row("K-2")])
    again = push(client, [row("K-1"), row("K-2", title="Rettet titel")]).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)
    assert Incident.objects.count() == 2
    assert Incident.objects.get(external_id="K-2").title == "Rettet titel"


def test_bad_rows_are_rejected_by_position_and_the_rest_imported(secretariat, client_for):
    client = client_for(secretariat, language="en")
    rows = [
        row("K-1"),
        row("K-2", occurred_at="i går"),
        row("K-3", category="bingo"),
        row("K-1"),
        row("K-5", municipality_code="0259"),  # Køge, but the point lies in Greve
    ]
    report = push(client, rows).json()
    assert report["created"] == 1
    assert [r["line"] for r in report["rejected"]] == [2, 3, 4, 5]
    reasons = [r["reason"] for r in report["rejected"]]
    assert reasons[0].startswith("occurred_at “i går” is not a date or time")
    assert reasons[1].startswith("unknown category “bingo”")
    assert reasons[2] == "K-1 appears again; it was already on line 1."
    assert "contradicts the coordinates" in reasons[3]


def reported_burglaries(*external_ids):
    # Reported an hour after they happened, as the rules of the police guarantees need.
    reported = (timezone.now() - datetime.timedelta(days=2)).astimezone(DANISH_TIME)
    occurred = reported - datetime.timedelta(hours=1)
    return [
        row(
            external_id,
            occurred_at=occurred.isoformat(timespec="minutes"),
            reported_at=reported.isoformat(timespec="minutes"),
        )
        for external_id in external_ids
    ]


@pytest.mark.parametrize("statistics_only", [False, True])
def test_numbers_only_uploads_and_batches_open_no_deadlines(
    statistics_only, guarantees, secretariat, client_for
):
    client = client_for(secretariat)
    response = push(client, reported_burglaries("A-1"), statistics_only=statistics_only)
    assert response.status_code == 200 and response.json()["created"] == 1
    data = "\n".join(json.dumps(r) for r in reported_burglaries("U-1")).encode()
    upload(client, data, name="f.jsonl", source="upload-kilde", statistics_only=statistics_only)
    job = IncidentImport.objects.get()
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == IncidentImport.Status.DONE and job.statistics_only == statistics_only
    assert Incident.objects.count() == 2
    # Each burglary in a home has two guarantees: police on site, and the follow-up call.
    assert Deadline.objects.count() == (0 if statistics_only else 4)
    detail = client.get(job.get_absolute_url()).content.decode()
    assert ("Kun til tallene" in detail) == statistics_only


def test_a_dry_run_batch_writes_nothing(secretariat, client_for):
    report = push(client_for(secretariat), [row("K-1")], dry_run=True).json()
    assert report["dry_run"] is True and report["created"] == 1
    assert not IncidentSource.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"source": "api-kilde", "rows": [{"occurred_at": "2026-07-20", "category": "x"}]}, 4),
        ({"source": "api-kilde", "rows": [{**row("K-1"), "colour": "red"}]}, 4),
        ({"source": "api-kilde", "rows": [{**row("K-1"), "lat": [1]}]}, 4),
        ({"source": "api-kilde", "rows": [{**row("K-1"), "lat": True, "lon": 12.2}]}, 4),
        ({"source": "api-kilde", "rows": [row("K-1")], "dry_run": "yes"}, 3),
        ({"source": "api-kilde", "rows": [row("K-1")], "statistics_only": 1}, 3),
        ({"source": "api-kilde", "rows": []}, 3),
        ({"source": "med mellemrum", "rows": [row("K-1")]}, 3),
        ({"rows": [row("K-1")]}, 3),
    ],
)
def test_a_malformed_batch_is_422_and_writes_nothing(body, loc, secretariat, client_for):
    response = client_for(secretariat).post(
        BATCHES, data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"][:2] == ["body", "payload"] and len(problem["loc"]) >= loc
    assert not Incident.objects.exists() and not IncidentSource.objects.exists()


def test_more_rows_than_the_limit_are_413(secretariat, client_for):
    rows = [
        {"external_id": f"K-{n}", "occurred_at": "2026-07-20", "category": "other"}
        for n in range(5_001)
    ]
    response = push(client_for(secretariat, language="en"), rows)
    assert response.status_code == 413
    assert response.json()["detail"].startswith("A batch holds at most 5000 rows, this one 5001")
    assert not Incident.objects.exists()
    assert push(client_for(secretariat), rows[:5_000]).json()["created"] == 5_000


def test_a_body_over_the_upload_limit_is_413(secretariat, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    rows = [row(f"K-{n}") for n in range(50)]
    response = push(client_for(secretariat, language="en"), rows)
    assert response.status_code == 413
    assert "send fewer rows at a time" in response.json()["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["koege_officer", "greve_staff", "council_member", "outsider"])
def test_only_district_roles_may_push_batches(who, personas, client_for):
    response = push(client_for(personas[who]), [row("K-1")])
    assert response.status_code == 403
    assert not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_another_districts_source_is_404(foreign_secretariat, district, client_for):
    IncidentSource.objects.create(name="doegnrapport-mvsj", district=district)
    client = client_for(foreign_secretariat)
    response = push(client, [row("K-1")], source="doegnrapport-mvsj")
    assert response.status_code == 404
    response = push(client, [row("K-1")], source="ny", district=8)
    assert response.status_code == 404
    assert not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_anonymous_gets_401(reference):
    response = push(Client(), [row("K-1")])
    assert response.status_code == 401
    assert not Incident.objects.exists()


def test_a_batch_needs_the_csrf_token(secretariat):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    assert push(client, [row("K-1")]).status_code == 403
    client.get("/medarbejder/")  # a back-office page hands out the token, as to a browser
    token = client.cookies["csrftoken"].value
    body = json.dumps({"source": "api-kilde", "rows": [row("K-1")]})
    response = client.post(
        BATCHES, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and response.json()["created"] == 1


def test_the_batch_endpoint_is_in_the_openapi_document(reference):
    document = Client().get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/incidents/batches"]["post"]
    assert operation["operationId"] == "import_incident_batch"
    assert {"200", "401", "403", "404", "413", "422"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    assert set(schemas["IncidentBatchIn"]["required"]) == {"source", "rows"}
    assert set(schemas["IncidentRowIn"]["required"]) == {"external_id", "occurred_at", "category"}
    assert "rejected" in schemas["IncidentBatchReport"]["properties"]
