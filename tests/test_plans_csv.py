"""CSV export and import of a plan's progress, keyed by external id."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryghed.audit.models import AuditEntry
from tryghed.plans import csvio
from tryghed.plans.models import Initiative, ProgressUpdate

pytestmark = pytest.mark.django_db


def url(name, plan):
    return reverse(f"staff:plans:{name}", args=[plan.pk])


def upload(client, plan, content, name="fremdrift.csv", follow=False):
    """Upload a file in the English back office, whose messages the tests read."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        url("import", plan),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
        follow=follow,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def progress_of(plan, external_id):
    return Initiative.objects.get(plan=plan, external_id=external_id).progress


def export(client, plan):
    response = client.get(url("export", plan))
    assert response.status_code == 200
    return response.content


@pytest.fixture
def secretariat_client(personas, client_for):
    return client_for(personas["secretariat"])


class TestExport:
    def test_columns_bom_and_danish_letters(self, plan, secretariat_client):
        response = secretariat_client.get(url("export", plan))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment" in response["Content-Disposition"]
        data = response.content
        assert data.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert list(rows[0]) == csvio.EXPORT_COLUMNS
        by_id = {row["external_id"]: row for row in rows}
        assert by_id["T-1.1"]["parent_external_id"] == "T-1"
        assert by_id["T-1.1"]["title"] == "Opfølgning i Køge"
        assert by_id["T-1.1"]["focus_area"] == "Forebyggelse af indbrud"
        assert by_id["T-1.1"]["weight"] == "3.00"
        assert by_id["T-1.1"]["progress"] == "0.00"
        # The parent's progress is computed, so the file leaves it empty.
        assert by_id["T-1"]["progress"] == ""

    def test_readers_may_export(self, plan, personas, client_for):
        assert client_for(personas["council_member"]).get(url("export", plan)).status_code == 200


class TestImport:
    def test_round_trip_is_a_no_op(self, plan, secretariat_client):
        data = export(secretariat_client, plan)
        response = upload(secretariat_client, plan, data, follow=True)
        html = response.content.decode()
        assert "0 updated, 3 unchanged" in html
        assert not AuditEntry.objects.exists()
        assert not ProgressUpdate.objects.exists()

    def test_progress_is_recorded_and_rolls_up(self, plan, secretariat_client, personas):
        content = "external_id,progress,status\nT-1.1,100,completed\n"
        response = upload(secretariat_client, plan, content, follow=True)
        assert "1 updated, 0 unchanged" in response.content.decode()
        assert progress_of(plan, "T-1.1") == 100
        assert progress_of(plan, "T-1") == Decimal("75.00")
        update = ProgressUpdate.objects.get()
        assert (update.progress, update.status, update.author) == (
            Decimal("100.00"),
            "completed",
            personas["secretariat"],
        )
        entry = AuditEntry.objects.get()
        assert entry.action == AuditEntry.Action.IMPORT
        assert entry.changes["progress"] == ["0.00", "100.00"]
        assert "fremdrift.csv" in entry.message

        # The same file again: nothing to do, no new timeline entry, no audit entry.
        response = upload(secretariat_client, plan, content, follow=True)
        assert "0 updated, 1 unchanged" in response.content.decode()
        assert ProgressUpdate.objects.count() == 1
        assert AuditEntry.objects.count() == 1

    def test_an_edited_export_imports_and_reimports_cleanly(self, plan, secretariat_client):
        text = export(secretariat_client, plan).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if row["external_id"] == "T-1.2":
                row.update(progress="50", status="in_progress", end_date="2023-12-31")
            if row["external_id"] == "T-1":
                row.update(title="Tryghedsopfølgninger efter indbrud", weight="2")
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=csvio.EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        edited = out.getvalue().encode("utf-8-sig")

        response = upload(secretariat_client, plan, edited, follow=True)
        assert "2 updated, 1 unchanged" in response.content.decode()
        greve = Initiative.objects.get(plan=plan, external_id="T-1.2")
        assert (greve.progress, greve.end_date) == (Decimal("50.00"), datetime.date(2023, 12, 31))
        parent = Initiative.objects.get(plan=plan, external_id="T-1")
        assert parent.title == "Tryghedsopfølgninger efter indbrud"
        assert parent.weight == 2
        assert parent.progress == Decimal("12.50")
        # One entry per changed initiative, even when a row changes several things.
        assert AuditEntry.objects.count() == 2
        assert ProgressUpdate.objects.count() == 1

        response = upload(secretariat_client, plan, edited, follow=True)
        assert "0 updated, 3 unchanged" in response.content.decode()
        assert AuditEntry.objects.count() == 2

    def test_a_status_on_a_parent_is_saved_without_a_timeline_entry(self, plan, secretariat_client):
        upload(secretariat_client, plan, "external_id,status\nT-1,in_progress\n")
        assert Initiative.objects.get(plan=plan, external_id="T-1").status == "in_progress"
        assert not ProgressUpdate.objects.exists()
        assert AuditEntry.objects.count() == 1

    def test_one_bad_row_applies_nothing(self, plan, secretariat_client):
        content = "external_id,progress\nT-1.1,60\nT-1.2,160\n"
        response = upload(secretariat_client, plan, content)
        assert response.status_code == 200
        html = response.content.decode()
        assert "line 3: progress must be between 0 and 100, not 160." in html
        assert "line 2" not in html
        assert progress_of(plan, "T-1.1") == 0
        assert not AuditEntry.objects.exists()
        assert not ProgressUpdate.objects.exists()

    def test_every_error_is_reported(self, plan, secretariat_client):
        content = (
            "external_id,progress,status,start_date\n"
            "T-1.1,abc,,\n"
            "T-9,10,,\n"
            "T-1.2,10,finished,\n"
            "T-1.1,10,,\n"
            "T-1,10,,\n"
        )
        html = upload(secretariat_client, plan, content).content.decode()
        for line in (2, 3, 4, 5, 6):
            assert f"line {line}:" in html


ERRORS = [
    ("unknown id", "external_id,progress\nT-77,10\n", "line 2:", "T-77"),
    ("progress above", "external_id,progress\nT-1.1,100.5\n", "line 2:", "between 0 and 100"),
    ("progress below", "external_id,progress\nT-1.1,-3\n", "line 2:", "between 0 and 100"),
    ("not a number", "external_id,progress\nT-1.1,halvvejs\n", "line 2:", "not a number"),
    ("too precise", "external_id,progress\nT-1.1,10.125\n", "line 2:", "decimals"),
    ("unknown status", "external_id,status\nT-1.1,done\n", "line 2:", "unknown status"),
    ("bad date", "external_id,start_date\nT-1.1,2023-02-30\n", "line 2:", "not a date"),
    (
        "ends before it starts",
        "external_id,start_date,end_date\nT-1.1,2023-05-01,2023-04-01\n",
        "line 2:",
        "before the start date",
    ),
    ("duplicate", "external_id,progress\nT-1.1,10\nT-1.1,20\n", "line 3:", "line 2"),
    ("no external_id", "id,progress\nT-1.1,10\n", "line 1:", "external_id"),
    ("no column to import", "external_id\nT-1.1\n", "line 1:", "nothing to import"),
    ("unknown column", "external_id,progres\nT-1.1,10\n", "line 1:", "progres"),
    ("semicolons", "external_id;progress\nT-1.1;10\n", "line 1:", "“;”"),
    ("parent", "external_id,progress\nT-1,10\n", "line 2:", "has parts"),
    ("short row", "external_id,progress\nT-1.1\n", "line 2:", "expected 2 fields"),
    ("header only", "external_id,progress\n", "no rows", "no rows"),
    ("empty", "", "empty", "empty"),
    ("blank", "\n\n", "empty", "empty"),
]


@pytest.mark.parametrize(
    ("content", "where", "why"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors_are_reported_and_nothing_changes(plan, secretariat_client, content, where, why):
    response = upload(secretariat_client, plan, content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert where in html
    assert why in html
    assert not AuditEntry.objects.exists()
    assert not ProgressUpdate.objects.exists()


def test_a_file_that_is_not_utf8(plan, secretariat_client):
    content = "external_id,title\nT-1.1,Opfølgning i Køge\n".encode("cp1252")
    html = upload(secretariat_client, plan, content).content.decode()
    assert "line 2: the file is not UTF-8" in html
    assert not AuditEntry.objects.exists()


def test_a_file_that_is_too_large(plan, secretariat_client):
    row = "T-1.1,10\n"
    content = "external_id,progress\n" + row * (csvio.MAX_BYTES // len(row) + 1)
    html = upload(secretariat_client, plan, content).content.decode()
    assert "larger than 2 MB" in html
    assert not AuditEntry.objects.exists()


def test_danish_spreadsheet_habits_are_accepted(plan, secretariat_client):
    content = 'external_id,progress,end_date\nT-1.1,"37,5",31-12-2023\n'.encode("utf-8-sig")
    upload(secretariat_client, plan, content)
    koege = Initiative.objects.get(plan=plan, external_id="T-1.1")
    assert (koege.progress, koege.end_date) == (Decimal("37.50"), datetime.date(2023, 12, 31))


def test_only_the_secretariat_may_import(plan, personas, client_for):
    for name in ("district_staff", "koege_officer", "council_member", "foreign_secretariat"):
        response = upload(client_for(personas[name]), plan, "external_id,progress\nT-1.1,90\n")
        assert response.status_code == 404, name
    assert progress_of(plan, "T-1.1") == 0


def test_the_page_documents_the_format(plan, secretariat_client):
    html = secretariat_client.get(url("import", plan), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "commas (“,”)" in html
    assert "UTF-8" in html
    assert url("export", plan) in html


CELLS = st.one_of(
    st.sampled_from(["T-1", "T-1.1", "T-1.2", "", "100", "0", "50,5", "in_progress", "2023-01-01"]),
    st.text(max_size=12),
)
HEADERS = st.lists(st.sampled_from([*csvio.EXPORT_COLUMNS, "junk", ""]), min_size=1, max_size=6)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_break_the_import(plan, data):
    result, changes = csvio.parse_import(plan, data)
    assert result.ok or not changes
    assert all(isinstance(message, str) for message in result.messages())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(header=HEADERS, rows=st.lists(st.lists(CELLS, max_size=7), max_size=5))
def test_random_tables_never_break_the_import(plan, personas, header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    before = list(Initiative.objects.order_by("pk").values_list("progress", "status", "weight"))
    result = csvio.import_csv(plan, out.getvalue().encode(), by=personas["secretariat"])
    after = list(Initiative.objects.order_by("pk").values_list("progress", "status", "weight"))
    if not result.ok:
        assert before == after
    # Whatever was applied is consistent: the parent is its parts' weighted mean.
    parent = Initiative.objects.get(plan=plan, external_id="T-1")
    assert parent.progress == parent.rolled_up_progress()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_random_uploads_never_cause_a_server_error(plan, secretariat_client, data):
    response = upload(secretariat_client, plan, data)
    assert response.status_code in (200, 302)
