"""An import's writing: on PostgreSQL one transaction, new incidents by COPY (streamed
through one COPY into a source without incidents) and the counts added once; rows
the source holds through the upsert; on SQLite a transaction a chunk, written batch by batch
and counting the chunk's new rows at once. Whatever the path, the counts equal counting the
incidents, and the report says what happened."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from tests.test_incidents_scale import (
    POINTS,
    assert_cells_kept,
    direct_counts,
    direct_totals,
    jsonl,
    kept_counts,
    kept_totals,
)
from tryghed.core import writelock
from tryghed.incidents import bulk, importer, numbers
from tryghed.incidents.importer import import_incidents
from tryghed.incidents.models import CellCount, Incident, IncidentSource
from tryghed.organisation.models import Municipality

pytestmark = pytest.mark.usefixtures("reference")
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's"
)


def rows(numbers, *, category="burglary_home", day=10):
    """Incidents in Greve, Køge and none given; every other with a point in its municipality
    (Greve's for none given, which the importer places there)."""
    found = []
    for n in numbers:
        code = ["0253", "0259", ""][n % 3]
        row = {
            "external_id": f"B-{n}",
            "occurred_at": f"2024-03-{day:02d}T{n % 24:02d}:15",
            "category": category,
            "municipality_code": code,
        }
        if n % 2:
            row["lat"], row["lon"] = POINTS[code or "0253"][n % 4 // 2]
        found.append(row)
    return found


@pytest.fixture
def small_chunks(monkeypatch):
    # Many chunks and batches from a few rows, so that every path runs more than once.
    monkeypatch.setattr(importer, "CHUNK_ROWS", 4)
    monkeypatch.setattr(importer, "BATCH_SIZE", 3)


@pytest.fixture
def source(district):
    return IncidentSource(name="bulk-test", district=district)


def written_by_hand(source):
    """B-3 of `rows`, in another category, as someone else would write it meanwhile."""
    Incident.objects.create(
        source=source,
        external_id="B-3",
        occurred_at="2024-03-10T03:15+01:00",
        category="violence",
        municipality=Municipality.objects.get(code="0253"),
    )


def assert_b3_updated_and_the_rest_created(report, source):
    """After importing rows 0–7 into a source that B-3 was written into by hand."""
    assert (report.created, report.updated, report.unchanged) == (7, 1, 0)
    assert Incident.objects.get(source=source, external_id="B-3").category == "burglary_home"
    assert Incident.objects.filter(source=source).count() == 8
    assert_counted()


def assert_counted():
    assert_cells_kept()
    for period in ("month", "week"):
        assert kept_counts(period) == direct_counts(period), period
        assert kept_totals(period) == direct_totals(period), period


def test_a_first_import_then_new_changed_and_unchanged_rows(source, small_chunks):
    first = import_incidents(jsonl(rows(range(10))), source=source)
    assert (first.created, first.updated, first.unchanged) == (10, 0, 0)
    assert_counted()
    # Rows 0–4 as they were, 5–9 moved to another day and category, 10–14 new.
    again = rows(range(5)) + rows(range(5, 10), category="violence", day=20) + rows(range(10, 15))
    second = import_incidents(jsonl(again), source=source)
    assert (second.created, second.updated, second.unchanged) == (5, 5, 5)
    assert Incident.objects.filter(source=source).count() == 15
    assert Incident.objects.filter(category="violence").count() == 5
    assert_counted()


def test_rejected_rows_among_the_chunks_leave_the_others(source, small_chunks):
    data = rows(range(6))
    data[2]["occurred_at"] = "yesterday"
    data[5]["category"] = "no such thing"
    report = import_incidents(jsonl(data), source=source)
    assert report.created == 4
    assert [line for line, _reason in report.rejected] == [3, 6]
    assert_counted()


def test_the_progress_total_is_the_rows_from_the_start(source):
    calls = []
    data = b"external_id,occurred_at,category\n" + b"".join(
        f"P-{n},2024-03-10T10:00,violence\n".encode() for n in range(9)
    )
    import_incidents(data, source=source, progress=lambda done, total: calls.append(total))
    assert set(calls) == {9}


@postgres_only
def test_a_row_written_meanwhile_sends_the_import_through_the_upsert(
    source, small_chunks, monkeypatch
):
    # Another writer added B-3 after the import found the source empty: the streamed COPY
    # collides, keeps nothing, and the import runs again chunk by chunk.
    source.save()
    written_by_hand(source)
    found_empty = bulk.Bulk.start

    def start_that_misses_it(self):
        found_empty(self)
        self.empty = True

    monkeypatch.setattr(bulk.Bulk, "start", start_that_misses_it)
    report = import_incidents(jsonl(rows(range(8))), source=source)
    assert_b3_updated_and_the_rest_created(report, source)


@postgres_only
def test_an_incident_written_while_a_first_import_streams_is_counted_once(
    source, small_chunks, monkeypatch
):
    # The first import copies its counts in, as the source had none; an incident written by
    # hand meanwhile (another id, the same groups as B-0) has its count rows already, so the
    # copy keeps nothing and the counts are added to them instead.
    finish = bulk.Bulk.finish

    def finish_after_a_write_by_hand(self):
        Incident.objects.create(
            source=source,
            external_id="by-hand",
            occurred_at="2024-03-10T00:30+01:00",
            category="burglary_home",
            municipality=Municipality.objects.get(code="0253"),
        )
        finish(self)

    monkeypatch.setattr(bulk.Bulk, "finish", finish_after_a_write_by_hand)
    report = import_incidents(jsonl(rows(range(8))), source=source)
    assert report.created == 8
    assert Incident.objects.filter(source=source).count() == 9
    assert_counted()


def test_writes_after_an_import_in_the_same_transaction_are_counted(source):
    # The importer sets the triggers aside only for its own statements.
    with transaction.atomic():
        import_incidents(jsonl(rows(range(4))), source=source)
        Incident.objects.create(
            source=source,
            external_id="by-hand",
            occurred_at="2024-03-11T12:00+01:00",
            category="violence",
        )
        Incident.objects.filter(external_id="B-0").delete()
    assert Incident.objects.filter(source=source).count() == 4
    assert_counted()


@postgres_only
def test_an_import_that_fails_keeps_nothing(source, monkeypatch):
    def broken_finish(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(bulk.Bulk, "finish", broken_finish)
    with pytest.raises(RuntimeError):
        import_incidents(jsonl(rows(range(5))), source=source)
    assert not Incident.objects.exists()
    assert not IncidentSource.objects.filter(name="bulk-test").exists()
    assert_counted()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's batches count themselves")
def test_a_batch_that_fails_keeps_nothing_and_the_triggers_count_again(source, monkeypatch):
    import_incidents(jsonl(rows(range(3))), source=source)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importer, "add_counts", broken)
    with pytest.raises(RuntimeError):
        import_incidents(jsonl(rows(range(3, 6))), source=source)
    assert Incident.objects.filter(source=source).count() == 3
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {bulk.SQLITE_MARKER}")
        assert cursor.fetchone() == (0,)
    Incident.objects.create(
        source=source,
        external_id="by-hand",
        occurred_at="2024-03-11T12:00+01:00",
        category="violence",
    )
    assert_counted()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's chunks are transactions")
def test_a_chunk_is_written_whole_or_not_at_all(source, small_chunks, monkeypatch):
    counted = []
    add_counts = importer.add_counts

    def failing_in_the_second_chunk(*args, **kwargs):
        counted.append(args)
        if len(counted) == 2:
            raise RuntimeError("the disk is full")
        add_counts(*args, **kwargs)

    monkeypatch.setattr(importer, "add_counts", failing_in_the_second_chunk)
    with pytest.raises(RuntimeError):
        import_incidents(jsonl(rows(range(8))), source=source)
    # The first chunk stays, counted; of the second, not even its first batch, already
    # written when the counting failed.
    kept = Incident.objects.filter(source=source).values_list("external_id", flat=True)
    assert sorted(kept) == ["B-0", "B-1", "B-2", "B-3"]
    assert_counted()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's queue of writers")
@pytest.mark.django_db(transaction=True)
def test_an_import_queues_with_the_other_writers(source):
    if writelock._in_memory(connection.settings_dict["NAME"]):
        pytest.skip("the queue exists only for a SQLite database file")
    import_incidents(jsonl(rows(range(3))), source=source)  # the boundaries in memory
    reports = []

    def importing():
        try:
            reports.append(import_incidents(jsonl(rows(range(3, 6))), source=source))
        finally:
            connections.close_all()

    thread = threading.Thread(target=importing)
    with writelock.serialized_writes():
        # A citizen's submission being written: the import waits for it, in the queue.
        thread.start()
        thread.join(1)
        assert thread.is_alive()
        assert Incident.objects.filter(source=source).count() == 3
    thread.join(10)
    assert reports[0].created == 3
    assert Incident.objects.filter(source=source).count() == 6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_the_import_gives_back_sqlites_page_settings(source):
    def pages():
        with connection.cursor() as cursor:
            return [
                cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("cache_size", "wal_autocheckpoint")
            ]

    before = pages()
    seen = []
    import_incidents(
        jsonl(rows(range(3))), source=source, progress=lambda *args: seen.append(pages())
    )
    assert seen[0] == list(importer._SQLITE_IMPORT_PRAGMAS.values())
    assert pages() == before


def csv_file(records):
    columns = ["external_id", "occurred_at", "category", "municipality_code", "lat", "lon"]
    lines = [",".join(columns)] + [",".join(r.get(c, "") for c in columns) for r in records]
    return ("\n".join(lines) + "\n").encode()


@postgres_only
def test_the_usual_lines_of_a_first_import_go_to_the_copy_as_text(district, monkeypatch):
    as_values = IncidentSource.objects.create(name="as-values", district=district)
    import_incidents(jsonl(rows(range(30))), source=as_values)

    def no_values(cells, checks):
        raise AssertionError("a usual line was checked as values")

    monkeypatch.setattr(importer, "_usual", no_values)
    as_text = IncidentSource.objects.create(name="as-text", district=district)
    report = import_incidents(csv_file(rows(range(30))), source=as_text)
    assert (report.created, report.rejected) == (30, [])
    fields = ["external_id", "occurred_at", "category", "municipality", "lat", "place"]
    assert list(as_text.incidents.order_by("external_id").values_list(*fields)) == list(
        as_values.incidents.order_by("external_id").values_list(*fields)
    )
    assert_counted()


@postgres_only
def test_a_first_import_beaten_to_its_source_checks_its_rows_again_as_values(source, monkeypatch):
    # The source was empty when the rows were checked as text, but another import had
    # written to it by the time this one locked it.
    source.save()
    found = bulk.Bulk.start

    def start_after_another_import(self):
        if not source.incidents.exists():
            written_by_hand(source)
        found(self)

    monkeypatch.setattr(bulk.Bulk, "start", start_after_another_import)
    report = import_incidents(csv_file(rows(range(8))), source=source)
    assert_b3_updated_and_the_rest_created(report, source)


def import_large(district, monkeypatch):
    """Import into a new source as many rows as it takes to tidy the tables after."""
    monkeypatch.setattr(importer, "TIDY_AFTER", 5)
    source = IncidentSource.objects.create(name="large", district=district)
    report = import_incidents(csv_file(rows(range(30))), source=source)
    assert report.created == 30


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_large_import_leaves_the_incidents_for_the_indexes_to_answer(district, monkeypatch):
    # Vacuumed, the table's pages are marked all-visible, so one category's map is answered
    # from the index alone, autovacuum or not.
    import_large(district, monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible FROM pg_class WHERE relname = %s", [Incident._meta.db_table]
        )
        (all_visible,) = cursor.fetchone()
    assert all_visible > 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner figures")
@pytest.mark.django_db(transaction=True)
def test_a_large_import_gives_sqlites_planner_its_figures(district, monkeypatch):
    # Without them, SQLite reads every incident of a source for the days of a month begun.
    import_large(district, monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, idx FROM sqlite_stat1")
        figures = cursor.fetchall()
    assert (Incident._meta.db_table, "incident_time") in figures


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's index for the map")
@pytest.mark.django_db(transaction=True)
def test_sqlite_reads_one_categorys_map_from_an_index_alone(district, monkeypatch):
    # Through the key, SQLite looked every cell up in the table, where an import scatters them.
    import_large(district, monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        cells = numbers.hotspots(CellCount.objects.filter(category="burglary_home", year=2024))
    assert sum(cell.count for cell in cells) == 15  # every other row has a point
    (sql,) = [q["sql"] for q in queries.captured_queries if "incidents_cellcount" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        plan = " ".join(str(step[-1]) for step in cursor.fetchall())
    assert "COVERING INDEX cell_count_map_sqlite" in plan
