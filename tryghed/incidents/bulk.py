"""Writing an import's new incidents in bulk, and counting them, on PostgreSQL and SQLite.

There an import is one transaction. Its new incidents go in by COPY, and the monthly and
weekly counts and totals are added once, at the end, from what the importer counted itself:
the count triggers stand aside for these COPY statements (migrations 0007, 0011), since an
import's rows spread over so many municipalities, categories and periods that counting batch
by batch changed nearly one count row per incident. Rows the source already holds are written by the
importer's upsert, with the triggers counting what changes.

Into a source without incidents, the whole import streams through one COPY, so that the
database writes rows while the importer checks the next ones. Imports into one source run
one after the other (its row is locked), so a row found new stays new; only a row written
by hand in the meantime can collide, and then nothing of the COPY is kept (`Collision`).

On SQLite an import writes chunk by chunk, each in a transaction of its own, and counts each
chunk's new incidents in the same transaction (`counted_by_importer`, migration 0010): the
row triggers would find every incident's Danish month and week anew, which the importer knows.
"""

import contextlib
import datetime
import functools
import itertools
import math

from django.db import IntegrityError, connections, transaction
from psycopg.copy import QueuedLibpqWriter

from tryghed.guarantees import actions as guarantee_actions
from tryghed.incidents.models import (
    CellCount,
    CellTotal,
    Incident,
    MonthlyCount,
    MonthlyTotal,
    WeeklyCount,
    WeeklyTotal,
)
from tryghed.incidents.numbers import CELL_LAT, CELL_LON

# The setting the count triggers look at (migration 0007); local to the transaction.
COUNTED_BY = "tryghed.counted_by"
IMPORTER = "importer"
# SQLite's counterpart: a table that holds a row while the importer counts (migration 0010).
SQLITE_MARKER = "incidents_counted_by_importer"
LOOKUP_SIZE = 10_000  # keys looked up per query
# The fields an import writes, the key within the source first.
FIELDS = [
    "external_id",
    "occurred_at",
    "reported_at",
    "responded_at",
    "category",
    "title",
    "place",
    "municipality_id",
    "lat",
    "lon",
    "summary",
]


NULL = "\\N"  # in COPY's text format
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """A value in COPY's text format."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


class Collision(Exception):
    """A row of a COPY was written by someone else meanwhile; nothing of the COPY is kept."""


def covered(incident, guaranteed):
    """Whether a police guarantee may cover an incident (fields as the importer checked them);
    `guaranteed` maps each covered category to the moment its first rule takes effect."""
    reported = incident["reported_at"]
    first = guaranteed.get(incident["category"])
    return reported is not None and first is not None and reported >= first


class Bulk:
    """The new incidents of one import on PostgreSQL, inside the import's transaction."""

    def __init__(self, source, *, stamp, guaranteed):
        self.connection = connections[Incident.objects.db]
        self.source = source
        self.stamp = stamp
        self.guaranteed = guaranteed
        self.tally = Tally()  # the new incidents written so far
        self.empty = False

    def start(self):
        """Lock the source for this import; see whether every row will be new."""
        table = self.connection.ops.quote_name(self.source._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [self.source.pk])
        self.empty = not Incident.objects.filter(source=self.source).exists()

    def existing(self, external_ids):
        """Which of these external ids the source already holds."""
        if self.empty:
            return set()
        table = self.connection.ops.quote_name(Incident._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id FROM {table} WHERE source_id = %s AND external_id = ANY(%s)",
                [self.source.pk, list(external_ids)],
            )
            return {external_id for (external_id,) in cursor.fetchall()}

    @contextlib.contextmanager
    def stream(self):
        """A COPY of new incidents, in a savepoint of its own: yields the function that feeds
        it a list of incidents. When it ends, the rows count and their deadlines open;
        raises Collision (and keeps nothing) when one was written by someone else."""
        quote = self.connection.ops.quote_name
        columns = ["source_id", "imported_at", "updated_at", *FIELDS]
        listed = ", ".join(quote(Incident._meta.get_field(name).column) for name in columns)
        # As text: the importer hands over most rows as text already (the usual lines of a
        # CSV file), and PostgreSQL reads text on its own core while the importer goes on.
        sql = f"COPY {quote(Incident._meta.db_table)} ({listed}) FROM STDIN"
        taken, covering = Tally(), []
        try:
            with (
                transaction.atomic(using=self.connection.alias),
                self.connection.cursor() as cursor,
            ):
                cursor.execute("SELECT set_config(%s, %s, true)", [COUNTED_BY, IMPORTER])
                # The driver's own COPY: its errors become Django's, as a query's do. Its
                # rows are sent by a thread of their own from a queue, so that the importer
                # checks the next chunk while the database takes the last: writing a chunk
                # straight to the connection waited until the database had taken nearly
                # all of it, and the database then waited for the next.
                writer = QueuedLibpqWriter(cursor.cursor)
                with (
                    self.connection.wrap_database_errors,
                    cursor.cursor.copy(sql, writer=writer) as copy,
                ):
                    yield functools.partial(self._put, copy.write, taken, covering)
                cursor.execute("SELECT set_config(%s, '', true)", [COUNTED_BY])
        except IntegrityError as error:
            raise Collision from error
        self.tally.add_tally(taken)
        self._open_deadlines(covering)

    def _put(self, write, taken, covering, incidents):
        """Write incidents to the COPY: those whose times are text already (the importer's
        usual lines, which no guarantee covers) as they are, the others value by value.
        They are counted as they are written, while the database takes them, so that at the
        end the counts are only summed and copied (3,000,000 rows: 13.4 s, where adding up
        the days at the end took 23.7)."""
        guaranteed = self.guaranteed
        stamp = self.stamp.isoformat()
        head = f"{self.source.pk}\t{stamp}\t{stamp}\t"
        lines = []
        for incident in incidents:
            occurred = incident["occurred_at"]
            if type(occurred) is not str:
                lines.append(head + "\t".join(map(_copy_text, map(incident.get, FIELDS))))
                if guaranteed and covered(incident, guaranteed):
                    covering.append(incident)
                continue
            municipality = incident["municipality_id"]
            lines.append(
                f"{head}{incident['external_id']}\t{occurred}\t{incident['reported_at'] or NULL}"
                f"\t{incident['responded_at'] or NULL}\t{incident['category']}"
                f"\t{incident['title']}\t{incident['place']}"
                f"\t{NULL if municipality is None else municipality}"
                f"\t{incident['lat'] or NULL}\t{incident['lon'] or NULL}\t{incident['summary']}"
            )
        lines.append("")
        write("\n".join(lines))
        taken.add(incidents)

    def _open_deadlines(self, incidents):
        """The police guarantees cover imported incidents like those entered by hand; COPY
        gives no keys back, so the covered ones (a few categories) are looked up."""
        for start in range(0, len(incidents), LOOKUP_SIZE):
            part = incidents[start : start + LOOKUP_SIZE]
            keys = dict(
                Incident.objects.filter(
                    source=self.source, external_id__in=[i["external_id"] for i in part]
                ).values_list("external_id", "pk")
            )
            guarantee_actions.incidents_written(
                [Incident(pk=keys[i["external_id"]], source=self.source, **i) for i in part],
                district_id=self.source.district_id,
            )

    def finish(self):
        """Add the new incidents to the count tables."""
        add_counts(self.connection, self.source.pk, self.tally, new_source=self.empty)
        self.tally = Tally()


# A file repeats its days: the month and week of each are remembered (local date as text ->
# the first day of its month and the Monday of its week, as text).
_PERIODS = {}
_PERIODS_KEPT = 100_000  # some 270 years of days


def _periods(day):
    """The month and ISO week (their first days, as text) of a local date written 2026-07-20."""
    found = _PERIODS.get(day)
    if found is None:
        date = datetime.date.fromisoformat(day)
        found = (day[:8] + "01", (date - datetime.timedelta(days=date.weekday())).isoformat())
        if len(_PERIODS) >= _PERIODS_KEPT:
            _PERIODS.clear()
        _PERIODS[day] = found
    return found


class Tally:
    """Incidents (fields as the importer checked them) counted as the count tables hold
    them: per municipality id, category and month, week, or Danish local year and grid cell;
    `add_counts` sums the categories for the totals. The coordinates have six decimals, so a
    float rounds them as the database does (migrations 0003, 0011, 0016)."""

    def __init__(self):
        self.months = {}  # (municipality id, category, first day as text) -> incidents
        self.weeks = {}  # the same, with the Monday of the week
        self.cells = {}  # (municipality id, category, year, cell row, cell column) -> incidents

    def add(self, incidents):
        months, weeks, cells, periods = self.months, self.weeks, self.cells, _PERIODS
        for incident in incidents:
            occurred = incident["occurred_at"]  # in Copenhagen time, or its text (ISO 8601)
            if type(occurred) is str:
                day, year = occurred[:10], int(occurred[:4])
            else:
                day, year = occurred.date().isoformat(), occurred.year
            month, week = periods.get(day) or _periods(day)
            municipality, category = incident["municipality_id"], incident["category"]
            key = (municipality, category, month)
            months[key] = months.get(key, 0) + 1
            key = (municipality, category, week)
            weeks[key] = weeks.get(key, 0) + 1
            lat = incident["lat"]
            if lat is not None:
                key = (
                    municipality,
                    category,
                    year,
                    math.floor(round(float(lat) * 1_000_000) / CELL_LAT),
                    math.floor(round(float(incident["lon"]) * 1_000_000) / CELL_LON),
                )
                cells[key] = cells.get(key, 0) + 1

    def add_tally(self, other):
        """Add the counts of another tally (of a COPY that was kept)."""
        for name in ("months", "weeks", "cells"):
            kept, added = getattr(self, name), getattr(other, name)
            if not kept:
                setattr(self, name, added)
                continue
            for key, n in added.items():
                kept[key] = kept.get(key, 0) + n


# The count tables (migrations 0003, 0004, 0011), by category and over every category.
TABLES = {
    "month": (MonthlyCount, MonthlyTotal),
    "week": (WeeklyCount, WeeklyTotal),
}
CELL = ["year", "cell_row", "cell_column"]
COPIED_AT_ONCE = 20_000  # count rows formatted while the database takes the ones before


def add_counts(connection, source_id, tally, *, new_source=False):
    """Add a Tally of new incidents to the count tables (and their sums over the categories
    to the totals), in the order of their keys, as the triggers do, so that imports at once
    cannot deadlock. `new_source`: the source had no incidents, and so no counts, before
    these (PostgreSQL): they are copied in, which costs a fraction of adding to existing
    rows."""
    tables = []
    for period, by_category in (("month", tally.months), ("week", tally.weeks)):
        counts_model, totals_model = TABLES[period]
        totals = {}
        for (municipality, _category, start), n in by_category.items():
            totals[municipality, start] = totals.get((municipality, start), 0) + n
        tables += [
            (counts_model, ["municipality_id", "category", period], by_category),
            (totals_model, ["municipality_id", period], totals),
        ]
    cell_totals = {}
    for (municipality, _category, *cell), n in tally.cells.items():
        key = (municipality, *cell)
        cell_totals[key] = cell_totals.get(key, 0) + n
    tables += [
        (CellCount, ["municipality_id", "category", *CELL], tally.cells),
        (CellTotal, ["municipality_id", *CELL], cell_totals),
    ]
    for model, group, rows in tables:
        if not rows:
            continue
        if new_source and connection.vendor == "postgresql":
            try:
                _copy_counts(connection, model, group, source_id, rows)
                continue
            except IntegrityError:
                pass  # an incident written by hand meanwhile has its count already
        _upsert_counts(connection, model, group, source_id, rows)


def _copy_counts(connection, model, group, source_id, rows):
    """New count rows by COPY, in a savepoint: nothing of it is kept when one exists. Sent
    in parts, so that the database inserts each while the next is formatted. A key holds
    numbers, dates as text and category codes: nothing to escape."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ["source_id", *group, "incidents"])
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    head, tab = f"{source_id}\t", "\t"
    with (
        transaction.atomic(using=connection.alias),
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        items = _together(rows) if model is CellCount else iter(rows.items())
        while part := list(itertools.islice(items, COPIED_AT_ONCE)):
            copy.write(
                "".join(
                    f"{head}{NULL if municipality is None else municipality}\t"
                    f"{tab.join(map(str, rest))}\t{n}\n"
                    for (municipality, *rest), n in part
                )
            )


def _together(cells):
    """CellCount's rows a category and year at a time: a map of one category and year reads
    its cells together, and written together they lie on a few hundred pages of the table,
    not on a page each (17,747 cells: 184 pages against 8,951, the query 25 ms against 41)."""
    groups = {}
    for item in cells.items():
        _municipality, category, year, *_cell = item[0]
        group = groups.get((category, year))
        if group is None:
            group = groups[category, year] = []
        group.append(item)
    return itertools.chain.from_iterable(groups[key] for key in sorted(groups))


def _upsert_counts(connection, model, group, source_id, rows):
    ordered = [(*key, n) for key, n in sorted(rows.items(), key=_order)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement over arrays: an import's groups number in the hundreds of
            # thousands.
            columns = [list(column) for column in zip(*ordered, strict=True)]
            cursor.execute(_add(model, group), [source_id, *columns])
        else:
            values = [(source_id, *row) for row in ordered]
            cursor.executemany(_add(model, group, arrays=False), values)


@contextlib.contextmanager
def counted_by_importer(connection):
    """On SQLite, the count triggers stand aside for the importer's inserts inside the block
    (migration 0010): the caller adds what it inserted with `add_counts`. Only within a
    transaction, so that the marker row is never seen outside it."""
    assert connection.vendor == "sqlite" and connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {SQLITE_MARKER} (id) VALUES (1)")
        try:
            yield
        finally:
            cursor.execute(f"DELETE FROM {SQLITE_MARKER}")


def _order(item):
    """The order PostgreSQL sorts the groups in (no municipality last)."""
    (municipality, *rest), _n = item
    return (municipality is None, municipality or 0, *rest)


_TYPES = {
    "municipality_id": "bigint",
    "category": "text",
    "month": "date",
    "week": "date",
    "year": "integer",
    "cell_row": "integer",
    "cell_column": "integer",
}


def _add(model, group, *, arrays=True):
    """INSERT … ON CONFLICT that adds counts per group to a count table, on the same key as
    its triggers: from arrays (the groups' columns, then the counts) on PostgreSQL, or else
    from one row of values."""
    table = model._meta.db_table
    listed = ", ".join(group)
    key = ", ".join(
        "COALESCE(municipality_id, 0)" if column == "municipality_id" else column
        for column in group
    )
    if arrays:
        typed = ", ".join(f"%s::{_TYPES[column]}[]" for column in group)
        rows = (
            f"SELECT %s, {listed}, incidents FROM unnest({typed}, %s::integer[]) "
            f"AS delta ({listed}, incidents)"
        )
    else:
        rows = f"VALUES (%s, {', '.join(['%s'] * len(group))}, %s)"
    return (
        f"INSERT INTO {table} AS c (source_id, {listed}, incidents) {rows} "
        f"ON CONFLICT (source_id, {key}) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents"
    )
