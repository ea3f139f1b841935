"""Importing incidents from a file into one source, keyed by the source and external id.

Every row is checked in full before it is written: a row is either imported (created,
updated in place, or found unchanged) or rejected with its line number and the reason, and a
bad row never stops the others. The file is read in chunks, so that memory grows with its
rows only by the external ids seen so far, some 18 bytes each (seen.py), to reject a repeated
one; the points of a chunk are located all at once (one vectorised query over the
municipality boundaries).
Nearly every line of a large CSV file has the usual shape (reading.usual_line): those lines
are checked from their text with what the shape leaves open (`_usual`), and into a source
without incidents on PostgreSQL they go to the COPY as text (`_usual_text`); a line the
shape or these checks cannot take goes through the full check of each cell.
On PostgreSQL the whole import is one transaction, its new rows written by COPY (bulk.py);
on SQLite each chunk is one. Either way a failure leaves no half-written record.
"""

import contextlib
import datetime
import functools
import gc
import itertools
import re
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.core import writelock
from tryghed.guarantees import actions as guarantee_actions
from tryghed.guarantees import rules as guarantee_rules
from tryghed.incidents.bulk import FIELDS as WRITTEN_FIELDS
from tryghed.incidents.bulk import TABLES as COUNT_TABLES
from tryghed.incidents.bulk import (
    Bulk,
    Collision,
    Tally,
    add_counts,
    counted_by_importer,
    covered,
)
from tryghed.incidents.categories import category_for
from tryghed.incidents.models import FIRST_YEAR, Category, CellCount, CellTotal, Incident
from tryghed.incidents.reading import FIELDS as READ_FIELDS
from tryghed.incidents.reading import (
    ImportFileError,
    Row,
    estimated_rows,
    read_rows,
    show,
)
from tryghed.incidents.seen import FirstLines
from tryghed.organisation.geo import locate_many
from tryghed.organisation.models import Municipality

__all__ = ["ImportFileError", "ImportReport", "import_incidents"]

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
# Rows a statement writes or reads at once: few round trips, and within SQLite's limit on
# the parameters of a statement.
BATCH_SIZE = 2000
CHUNK_ROWS = 10 * BATCH_SIZE  # read, checked and located together
COMPARED_FIELDS = WRITTEN_FIELDS[1:]  # all but the key
_MAX_LENGTH = {
    name: Incident._meta.get_field(name).max_length for name in ("external_id", "title", "place")
}
_SIX_PLACES = Decimal("0.000001")
INCOMING = "incidents_incoming"
TIDY_AFTER = 50_000  # rows written
_PARENTHESES = re.compile(r"\([^)]*\)")
# A record's clock may run a little ahead of ours, never by more: an incident dated later
# today or tomorrow is a typing error, and the dashboard counts a running year up to today.
_FUTURE_SLACK = datetime.timedelta(minutes=15)
# A usual line's time begins with its year: one before this is left to the full check.
_FIRST_YEAR_TEXT = str(FIRST_YEAR)
_OFFSETS = {}  # local hour -> Copenhagen's UTC offset then, see _offset
_OFFSETS_KEPT = 100_000  # some eleven years of hours


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)  # (line, reason), in line order
    unlocated: int = 0  # imported without a municipality: nothing said where
    outside_district: int = 0  # imported, but in a municipality of another district
    notes: list = field(default_factory=list)  # (line, what to check), of rows that were read

    @property
    def imported(self):
        return self.created + self.updated + self.unchanged


class _RowError(Exception):
    pass


def _text(values, name, *, strict=False):
    """A field's text, stripped. `strict` looks for what makes text unstorable (a NUL, a
    lone surrogate from a JSON escape); _check asks for it only when the row holds any."""
    value = values.get(name, "").strip()
    if strict:
        if "\x00" in value:
            raise _RowError(_("%(field)s contains a NUL character.") % {"field": name})
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise _RowError(_("%(field)s is not valid text.") % {"field": name}) from error
    limit = _MAX_LENGTH.get(name)
    if limit and len(value) > limit:
        raise _RowError(
            _("%(field)s is longer than %(max)s characters.") % {"field": name, "max": limit}
        )
    return value


def _unstorable(values):
    """Whether any field of the row holds a NUL or text that is not valid Unicode: checked
    on all fields at once, since almost no row does."""
    joined = "".join(values.values())
    if "\x00" in joined:
        return True
    if joined.isascii():
        return False
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _offset(hour):
    """Copenhagen's UTC offset (as "+01:00") at a local hour written "2026-07-20T17": the
    same that zoneinfo gives, also in the hour that does not exist in spring and the one
    that comes twice in autumn, remembered since a file repeats its hours."""
    found = _OFFSETS.get(hour)
    if found is None:
        local = datetime.datetime.fromisoformat(f"{hour[:10]}T{hour[11:13]}:00")
        minutes = int(local.replace(tzinfo=COPENHAGEN).utcoffset().total_seconds()) // 60
        found = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        if len(_OFFSETS) >= _OFFSETS_KEPT:
            _OFFSETS.clear()
        _OFFSETS[hour] = found
    return found


def _is_local(text):
    """Whether a time is written as a local date and time to the minute or second
    ("2026-07-20T17:25", "2026-07-20 17:25:00"), the way nearly every file writes it."""
    return len(text) in (16, 19) and text[4] == "-" and text[10] in "T "


def _when(values, name, *, now, strict=False):
    """An ISO 8601 date or date-time; without an offset it is Copenhagen time. Returned in
    Copenhagen time, so that its year and month are the Danish ones."""
    text = _text(values, name, strict=strict)
    if not text:
        return None
    value = None
    if _is_local(text):
        # Parsed with its offset in one step: attaching a time zone afterwards costs
        # several times the parsing, and an import does it millions of times.
        try:
            value = datetime.datetime.fromisoformat(text + _offset(text[:13]))
        except ValueError:
            value = None
        if value is not None and FIRST_YEAR <= value.year <= now.year + 1:
            if value > now + _FUTURE_SLACK:
                raise _RowError(
                    _("%(field)s %(value)s is in the future.")
                    % {"field": name, "value": show(text)}
                )
            return value
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None:
        raise _RowError(
            _("%(field)s “%(value)s” is not a date or time; write it as 2026-07-20T17:25.")
            % {"field": name, "value": show(text)}
        )
    # Checked on the year first: converting a time in year 1 or 9999 could overflow.
    if not 1 < value.year <= now.year + 1:
        raise _RowError(
            _("%(field)s %(value)s is not a plausible time.") % {"field": name, "value": show(text)}
        )
    # Kept in Copenhagen time, like the fast path's values: the counts take their month
    # from the local date.
    value = value.replace(tzinfo=COPENHAGEN) if value.tzinfo is None else value
    value = value.astimezone(COPENHAGEN)
    if value.year < FIRST_YEAR:
        raise _RowError(
            _("%(field)s %(value)s is before %(year)s, the first year incidents are kept for.")
            % {"field": name, "value": show(text), "year": FIRST_YEAR}
        )
    if value > now + _FUTURE_SLACK:
        raise _RowError(
            _("%(field)s %(value)s is in the future.") % {"field": name, "value": show(text)}
        )
    return value


def _coordinate(values, name, limit, *, strict=False):
    text = _text(values, name, strict=strict)
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not -limit <= value <= limit:
        raise _RowError(
            _("%(field)s “%(value)s” is not a number between -%(limit)s and %(limit)s.")
            % {"field": name, "value": show(text), "limit": limit}
        )
    return value.quantize(_SIX_PLACES)


def _municipality_code(values, municipalities, *, strict=False):
    text = _text(values, "municipality_code", strict=strict)
    if not text:
        return None
    # Spreadsheets drop the leading zero of "0253".
    code = text.zfill(4) if text.isdigit() else text
    if code not in municipalities:
        raise _RowError(
            _("municipality_code “%(value)s” is not a Danish municipality code.")
            % {"value": show(text)}
        )
    return code


# A file names the same few categories on every row; matching a heading takes a regex.
_category_for = functools.lru_cache(maxsize=1024)(category_for)


def _check(row, *, now, municipalities):
    """The row's incident fields, without the municipality from coordinates or place."""
    if row.error:
        raise _RowError(row.error)
    values = row.values
    for name in ("external_id", "occurred_at", "category"):
        if not values.get(name, "").strip():
            raise _RowError(_("%(field)s is empty.") % {"field": name})
    strict = _unstorable(values)
    heading = _text(values, "category", strict=strict)
    category = _category_for(heading)
    if category is None and row.headline:
        category = Category.OTHER
    if category is None:
        raise _RowError(
            _("unknown category “%(value)s”; use a category code or a døgnrapport heading.")
            % {"value": show(heading)}
        )
    incident = {
        "external_id": _text(values, "external_id", strict=strict),
        "occurred_at": _when(values, "occurred_at", now=now, strict=strict),
        "reported_at": _when(values, "reported_at", now=now, strict=strict),
        "responded_at": _when(values, "responded_at", now=now, strict=strict),
        "category": category.value,
        "title": _text(values, "title", strict=strict),
        "place": _text(values, "place", strict=strict),
        "summary": _text(values, "summary", strict=strict),
        "lat": _coordinate(values, "lat", 90, strict=strict),
        "lon": _coordinate(values, "lon", 180, strict=strict),
    }
    if (incident["lat"] is None) != (incident["lon"] is None):
        raise _RowError(_("lat and lon must be given together."))
    for name in ("reported_at", "responded_at"):
        if incident[name] and incident[name] < incident["occurred_at"]:
            raise _RowError(_("%(field)s is before occurred_at.") % {"field": name})
    if (
        incident["reported_at"]
        and incident["responded_at"]
        and incident["responded_at"] < incident["reported_at"]
    ):
        raise _RowError(_("responded_at is before reported_at."))
    incident["municipality"] = _municipality_code(values, municipalities, strict=strict)
    return incident


def _usual(cells, checks):
    """The incident fields of a line of the usual shape (cells in the order of FIELDS, see
    reading.usual_line), the same as `_check` gives for it; None when the line needs
    `_check` after all, for the reason it gives. The shape has already ruled out what
    `_check` looks for in each cell (white space, length, the way a time or a number is
    written); what is left is what the shape cannot tell: a date that does not exist, a time
    too early or to come, times out of order, a coordinate out of range, an unknown
    category or municipality code."""
    external_id, occurred, reported, heading, title, place, code, lat, lon, summary, responded = (
        cells
    )
    category = _category_for(heading)
    if category is None or (code and code.zfill(4) not in checks.municipalities):
        return None
    settled, latest = checks.settled, checks.latest
    try:
        occurred_offset = _offset(occurred[:13])
        reported_offset = reported and _offset(reported[:13])
        responded_offset = responded and _offset(responded[:13])
        occurred_at = _parse(occurred + occurred_offset)
        reported_at = _parse(reported + reported_offset) if reported else None
        responded_at = _parse(responded + responded_offset) if responded else None
    except ValueError:
        return None
    if occurred_at.year < FIRST_YEAR:
        return None
    if (
        (occurred >= settled and occurred_at > latest)
        or (reported >= settled and reported_at > latest)
        or (responded >= settled and responded_at > latest)
    ):
        return None
    if not _all_in_order(
        (occurred, occurred_offset, occurred_at),
        (reported, reported_offset, reported_at),
        (responded, responded_offset, responded_at),
    ):
        return None
    point = _usual_point(lat, lon, as_text=False)
    if point is None:
        return None
    times = (occurred_at, reported_at, responded_at)
    return _fields(external_id, times, category, title, place, summary, point, code)


def _usual_text(cells, checks):
    """The incident fields of a line of the usual shape as text for PostgreSQL's COPY
    (times with their offset, coordinates with a decimal point), when the text alone tells
    that they are right; None leaves the line to `_usual`. Not for a category a police
    guarantee covers: its deadlines are computed from the times as values."""
    external_id, occurred, reported, heading, title, place, code, lat, lon, summary, responded = (
        cells
    )
    category = _category_for(heading)
    if category is None or category in checks.guaranteed:
        return None
    if code and code.zfill(4) not in checks.municipalities:
        return None
    settled = checks.settled
    if occurred < _FIRST_YEAR_TEXT or max(occurred, reported, responded) >= settled:
        return None
    try:
        # Finds the dates that do not exist too. Looked up here first: the call would
        # cost as much as the lookup.
        occurred_offset = _OFFSETS.get(occurred[:13]) or _offset(occurred[:13])
        reported_offset = reported and (_OFFSETS.get(reported[:13]) or _offset(reported[:13]))
        responded_offset = responded and (_OFFSETS.get(responded[:13]) or _offset(responded[:13]))
    except ValueError:
        return None
    if not _all_in_order(
        (occurred, occurred_offset), (reported, reported_offset), (responded, responded_offset)
    ):
        return None
    point = _usual_point(lat, lon, as_text=True)
    if point is None:
        return None
    times = (
        occurred + occurred_offset,
        reported + reported_offset if reported else None,
        responded + responded_offset if responded else None,
    )
    return _fields(external_id, times, category, title, place, summary, point, code)


def _usual_point(lat, lon, *, as_text):
    """The coordinates of a usual line, as Decimal or as text with a decimal point: (None,
    None) when it has none, None when only one is given or one is out of range."""
    if not (lat or lon):
        return None, None
    if not (lat and lon):
        return None
    lat, lon = lat.replace(",", "."), lon.replace(",", ".")
    # With at most six decimals, a float compares with the limits as the number does.
    if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        return None
    if as_text:
        return lat, lon
    return Decimal(lat).quantize(_SIX_PLACES), Decimal(lon).quantize(_SIX_PLACES)


def _fields(external_id, times, category, title, place, summary, point, code):
    """A usual line's incident fields, as `_check` names them."""
    return {
        "external_id": external_id,
        "occurred_at": times[0],
        "reported_at": times[1],
        "responded_at": times[2],
        "category": category.value,
        "title": title,
        "place": place,
        "summary": summary,
        "lat": point[0],
        "lon": point[1],
        "municipality": code.zfill(4) if code else None,
    }


def _all_in_order(occurred, reported, responded):
    """Whether the times that are given come in order (reported and responded after
    occurred, responded after reported), each as (text, offset) or (text, offset, value)."""
    if reported[0] and not _in_order(occurred, reported):
        return False
    return not responded[0] or (
        _in_order(occurred, responded) and (not reported[0] or _in_order(reported, responded))
    )


def _in_order(earlier, later):
    """Whether two local times are in order: by their text when it is written alike with the
    same offset, since comparing times with offsets costs more than all the rest of a row;
    else by their values, or not at all (False) when they come without. Copenhagen time runs
    in the order of its text except in the hour that does not exist in spring."""
    text, later_text = earlier[0], later[0]
    if len(text) == len(later_text) and text[10] == later_text[10] and earlier[1] == later[1]:
        return text <= later_text
    return len(earlier) == 3 and earlier[2] <= later[2]


def _six_places(value):
    """A coordinate as the full check gives it, for a message."""
    return Decimal(value).quantize(_SIX_PLACES)


_parse = datetime.datetime.fromisoformat


def _named_municipality(place, names):
    """The municipality of the district that a place text names ("Møllevej, Karlslunde,
    Greve"): the police write the municipality last."""
    parts = _PARENTHESES.sub("", place).split(",")
    for part in reversed(parts):
        name = part.strip().casefold().removesuffix(" kommune")
        if name in names:
            return names[name]
    return None


def _locate(checked, rejected, *, district_id, municipalities):
    """Set each incident's municipality from its coordinates, code or place; move the rows
    whose code contradicts their coordinates to the rejected ones."""
    with_point = [(line, i) for line, i in checked.items() if i["lat"] is not None]
    found = locate_many(
        [float(i["lat"]) for _, i in with_point], [float(i["lon"]) for _, i in with_point]
    )
    for (line, incident), location in zip(with_point, found, strict=True):
        if location is None:
            rejected[line] = _("the point %(lat)s, %(lon)s is not in Denmark.") % {
                "lat": _six_places(incident["lat"]),
                "lon": _six_places(incident["lon"]),
            }
            continue
        given = incident["municipality"]
        if given is not None and given != location.code:
            rejected[line] = _(
                "municipality_code %(code)s (%(name)s) contradicts the coordinates, which lie "
                "in %(found_code)s %(found_name)s."
            ) % {
                "code": given,
                "name": municipalities[given].name,
                "found_code": location.code,
                "found_name": location.name,
            }
            continue
        incident["municipality"] = location.code
    names = {
        m.name.casefold(): m.code for m in municipalities.values() if m.district_id == district_id
    }
    for line, incident in checked.items():
        if line not in rejected and incident["municipality"] is None and incident["place"]:
            incident["municipality"] = _named_municipality(incident["place"], names)


def _differs(existing, incident):
    return any(getattr(existing, name) != incident[name] for name in COMPARED_FIELDS)


def _write(source, batch, report, *, guaranteed):
    """Create or update one batch on PostgreSQL, in a savepoint of the import's transaction,
    so that it is written whole or not at all."""
    with transaction.atomic():
        written, new = _upsert(source, batch, report)
        _open_deadlines(source, written, guaranteed, new=new)


def _write_together(source, incidents, report, *, guaranteed):
    """Create or update a chunk on SQLite in one transaction: the upserts a batch at a time
    (a statement takes a limited number of parameters), and the new incidents counted once
    for the whole chunk.

    SQLite's commit writes every page the transaction changed to its log, and the incidents'
    indexes and the count tables take each batch at places all over them: with a transaction
    a batch, the commits took more time than the writing (200,000 rows: 74 s in all, 46 s
    this way, 57 s with half the chunk). The price is the write lock, held some 3.5 s a
    chunk of 20,000 rows. Citizens' submissions queue for it with the importer
    (core/writelock.py), and so go on the moment a chunk is committed, while the next one is
    checked."""
    connection = connections[Incident.objects.db]
    tally = Tally()
    with writelock.serialized_writes(connection.alias), transaction.atomic():
        for start in range(0, len(incidents), BATCH_SIZE):
            batch = incidents[start : start + BATCH_SIZE]
            written, new = _upsert(source, batch, report)
            tally.add(new)
            _open_deadlines(source, written, guaranteed, new=new)
        add_counts(connection, source.pk, tally)


def _adapter(connection, name):
    """How the database driver takes a value of the column `name`, as the ORM would pass it."""
    field = Incident._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DecimalField):
        return lambda value: connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return None


def _upsert(source, batch, report):
    """Write the batch in one statement: new rows inserted, changed rows updated in place,
    unchanged rows left alone (not even their updated_at). Returns the written incidents as
    (primary key, fields) pairs, and the fields of the new ones, which SQLite's caller counts.

    One INSERT … ON CONFLICT … DO UPDATE … WHERE changed … RETURNING: no row of the batch
    is read first, and no model is built for a row that stays as it was. PostgreSQL takes
    the rows by COPY into a temporary table first (a statement with tens of thousands of
    parameters costs more to send than the rows themselves); SQLite, in process, as
    parameters of the statement."""
    connection = connections[Incident.objects.db]
    quote = connection.ops.quote_name
    table = quote(Incident._meta.db_table)
    columns = [Incident._meta.get_field(name).column for name in WRITTEN_FIELDS]
    adapters = [_adapter(connection, name) for name in WRITTEN_FIELDS]
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    names = ["source_id", "imported_at", "updated_at", *columns]
    postgres = connection.vendor == "postgresql"
    rows = []
    for incident in batch:
        row = [source.pk, stamp, stamp]
        for name, adapt in zip(WRITTEN_FIELDS, adapters, strict=True):
            value = incident[name]
            row.append(adapt(value) if adapt and value is not None else value)
        rows.append(row)
    differs = "IS DISTINCT FROM" if postgres else "IS NOT"  # NULL-safe, both ways
    changed = " OR ".join(f"{table}.{quote(c)} {differs} EXCLUDED.{quote(c)}" for c in columns[1:])
    assignments = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in columns[1:])
    listed = ", ".join(quote(n) for n in names)
    if postgres:
        # Sorted, so that two imports into one source lock their rows in the same order.
        values, params = f"SELECT {listed} FROM {INCOMING} ORDER BY external_id", []
    else:
        row = "(" + ", ".join(["%s"] * len(names)) + ")"
        values, params = f"VALUES {', '.join([row] * len(rows))}", [v for r in rows for v in r]
    sql = (
        f"INSERT INTO {table} ({listed}) {values} "
        f"ON CONFLICT (source_id, external_id) DO UPDATE SET {assignments}, "
        f"updated_at = EXCLUDED.updated_at WHERE {changed} "
        f"RETURNING id, external_id, imported_at = %s"
    )
    with connection.cursor() as cursor:
        if postgres:
            # The table lives as long as the connection, its rows until the commit, or the
            # next batch when the import runs inside a longer transaction.
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} ON COMMIT DELETE ROWS AS "
                f"SELECT {listed} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {INCOMING}")
            with cursor.cursor.copy(f"COPY {INCOMING} ({listed}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        # SQLite's insert triggers stand aside: the caller counts the new rows.
        with contextlib.nullcontext() if postgres else counted_by_importer(connection):
            cursor.execute(sql, [*params, stamp])
            returned = cursor.fetchall()
    by_id = {incident["external_id"]: incident for incident in batch}
    written, new = [], []
    for pk, external_id, created in returned:
        if created:
            new.append(by_id[external_id])
        else:
            report.updated += 1
        written.append((pk, by_id[external_id]))
    report.created += len(new)
    report.unchanged += len(batch) - len(returned)
    return written, new


def _compare(source, batch, report):
    """Count what writing the batch would do, writing nothing (a dry run)."""
    ids = [incident["external_id"] for incident in batch]
    existing = {}
    if source.pk is not None:
        existing = {
            i.external_id: i for i in Incident.objects.filter(source=source, external_id__in=ids)
        }
    for incident in batch:
        current = existing.get(incident["external_id"])
        if current is None:
            report.created += 1
        elif _differs(current, incident):
            report.updated += 1
        else:
            report.unchanged += 1


def import_incidents(data, *, source, dry_run=False, progress=None, statistics_only=False):
    """Import a file (bytes) into `source`, an IncidentSource, saved here when it is new and
    rows are written. Raises ImportFileError when the file as a whole is unusable; `progress`
    is called with (rows done, rows in all), the total estimated until the end.

    On PostgreSQL the import is one transaction (see bulk.py). On SQLite each chunk of rows
    is one: SQLite has a single write lock for the whole database, and citizens' submissions
    must not wait for a long import."""
    # A file that cannot be read fails here, before anything is written.
    rows = _rows(data)
    guaranteed = {} if statistics_only else _guaranteed_categories()
    work = {"data": data, "source": source, "progress": progress, "guaranteed": guaranteed}
    with _collector_paused():
        connection = connections[Incident.objects.db]
        if dry_run or connection.vendor != "postgresql":
            with _sqlite_pages(connection):
                report = _import_in_batches(rows, **work, dry_run=dry_run)
        else:
            with transaction.atomic():
                try:
                    report = _import_in_bulk(rows, **work, stream=True)
                except Collision:
                    # Nothing of the stream was kept; chunk by chunk, the upsert takes the
                    # rows that exist by now.
                    report = _import_in_bulk(_rows(data), **work, stream=False)
    if not dry_run and report.created + report.updated >= TIDY_AFTER:
        _tidy_counts()
    return report


def _rows(data):
    """The file's rows, those of the usual shape as (line, cells) pairs."""
    return read_rows(data, lengths=_MAX_LENGTH)


@dataclass
class _Checks:
    """What checking the rows needs, read from the database before the first chunk: on
    PostgreSQL the later chunks are checked while a COPY holds the connection."""

    now: datetime.datetime
    municipalities: dict  # code -> Municipality
    # The incidents of usual lines as text, for a COPY (`_usual_text`); the categories a
    # guarantee covers, which stay values.
    as_text: bool = False
    guaranteed: dict = field(default_factory=dict)

    def __post_init__(self):
        self.latest = self.now + _FUTURE_SLACK
        # The local date (as text) before which no time can be in the future.
        self.settled = (self.now.astimezone(COPENHAGEN) - _FUTURE_SLACK).date().isoformat()


def _chunks(rows, report, *, source, as_text=False, guaranteed=None):
    """The rows checked, a chunk at a time: (rows read, incidents to write)."""
    checks = _Checks(
        now=timezone.now(),
        municipalities={m.code: m for m in Municipality.objects.all()},
        as_text=as_text,
        guaranteed=guaranteed or {},
    )
    locate_many([], [])  # loads the boundaries, unless already in memory
    first_lines = FirstLines()
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        yield len(chunk), _checked_chunk(chunk, report, first_lines, source=source, checks=checks)


class _RowsDone:
    """The rows done so far, told to the `progress` callback."""

    def __init__(self, data, progress):
        self.total = estimated_rows(data)
        self.progress = progress
        self.done = 0

    def add(self, rows):
        self.done += rows
        if self.progress:
            self.progress(self.done, max(self.total, self.done))

    def end(self):
        if self.progress:
            self.progress(self.done, self.done)


def _import_in_batches(rows, *, data, source, progress, guaranteed, dry_run):
    report = ImportReport()
    done = _RowsDone(data, progress)
    for size, valid in _chunks(rows, report, source=source):
        if valid and not dry_run and source.pk is None:
            # A new source is saved only once there is something to put in it.
            source.save()
        if dry_run:
            for start in range(0, len(valid), BATCH_SIZE):
                _compare(source, valid[start : start + BATCH_SIZE], report)
        elif valid:
            _write_together(source, valid, report, guaranteed=guaranteed)
        done.add(size)
    done.end()
    return report


def _import_in_bulk(rows, *, data, source, progress, guaranteed, stream):
    """The import on PostgreSQL, in the transaction import_incidents holds. `stream`: all
    new incidents through one COPY when the source has none yet."""
    report = ImportReport()
    done = _RowsDone(data, progress)
    # Into a source without incidents, the usual lines go to the COPY as text.
    as_text = stream and not (source.pk and Incident.objects.filter(source=source).exists())
    chunks = _chunks(rows, report, source=source, as_text=as_text, guaranteed=guaranteed)
    for size, valid in chunks:
        if valid:
            chunks = itertools.chain([(size, valid)], chunks)
            break
        done.add(size)
    else:
        done.end()
        return report
    if source.pk is None:
        source.save()
    bulk = Bulk(source, stamp=timezone.now(), guaranteed=guaranteed)
    bulk.start()
    if as_text and not bulk.empty:
        raise Collision  # another import got there first; its rows are checked as values
    if stream and bulk.empty:
        with bulk.stream() as put:
            for size, valid in chunks:
                put(valid)
                report.created += len(valid)
                done.add(size)
    else:
        for size, valid in chunks:
            _write_chunk(bulk, valid, report, guaranteed=guaranteed)
            done.add(size)
    bulk.finish()
    done.end()
    return report


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while importing: a chunk is some hundred thousand small
    objects that live until it is written, none in a cycle, and the collector would walk them
    over and over (a third of the time of checking them)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# SQLite's page cache while importing, in KiB, and the pages its write-ahead log may grow
# to before they are copied into the database. The default cache (2 MiB) holds little of
# the indexes an import writes into at random, and the default log (1,000 pages) is copied
# after nearly every batch: at 1,000,000 rows the import took 137 s with both, 97 s with these.
_SQLITE_IMPORT_PRAGMAS = {"cache_size": -131_072, "wal_autocheckpoint": 10_000}


@contextlib.contextmanager
def _sqlite_pages(connection):
    """SQLite's page cache and log size for an import, on its connection, as they were after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in _SQLITE_IMPORT_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
        try:
            yield
        finally:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def _write_chunk(bulk, incidents, report, *, guaranteed):
    """Write a chunk on PostgreSQL: its new incidents by COPY, the others by the upsert."""
    existing = bulk.existing(incident["external_id"] for incident in incidents)
    new = [i for i in incidents if i["external_id"] not in existing] if existing else incidents
    old = [i for i in incidents if i["external_id"] in existing] if existing else []
    if new:
        try:
            with bulk.stream() as put:
                put(new)
            report.created += len(new)
        except Collision:
            # Someone wrote one of them since: the upsert takes the whole chunk.
            old = incidents
    for start in range(0, len(old), BATCH_SIZE):
        _write(bulk.source, old[start : start + BATCH_SIZE], report, guaranteed=guaranteed)


def _guaranteed_categories():
    """The categories some police guarantee covers, each with the first moment a rule for it
    is in force: the incidents outside them need not be looked at for deadlines."""
    found = {}
    for version in guarantee_rules.versions():
        for category in version.incident_categories:
            if category not in found or version.effective_from < found[category]:
                found[category] = version.effective_from
    return found


def _open_deadlines(source, written, guaranteed, *, new=()):
    """Give the police guarantees the written incidents ((key, fields) pairs; `new`, the
    fields of those created) they may cover: imported incidents are covered like those
    entered by hand."""
    # An incident that a corrected row takes out of every guarantee still has the deadlines
    # it had: they are given the row too, to be made void. A new one has none.
    created = {incident["external_id"] for incident in new}
    uncovered = [
        key
        for key, incident in written
        if incident["external_id"] not in created and not covered(incident, guaranteed)
    ]
    had_deadlines = guarantee_actions.with_deadlines(uncovered) if uncovered else set()
    incidents = [
        Incident(pk=key, source=source, **incident)
        for key, incident in written
        if key in had_deadlines or covered(incident, guaranteed)
    ]
    if incidents:
        # `guaranteed` is empty for a numbers-only import, whose incidents with deadlines
        # are here only to have them follow the corrections: nothing may open for them.
        # (It is empty too when no guarantee covers anything, where nothing would open.)
        guarantee_actions.incidents_written(
            incidents, district_id=source.district_id, statistics_only=not guaranteed
        )


def _checked_chunk(chunk, report, first_lines, *, source, checks):
    """The incidents of a chunk of rows ready to write; its rejected rows go to the report,
    in line order. `first_lines` (FirstLines) knows the line of every external id seen so far."""
    rejected, read = {}, []
    municipalities = checks.municipalities
    for row in chunk:
        incident = None
        if type(row) is tuple:  # a line of the usual shape: (line, cells)
            line, cells = row
            if checks.as_text:
                incident = _usual_text(cells, checks)
            if incident is None:
                incident = _usual(cells, checks)
            if incident is None:
                row = Row(line, dict(zip(READ_FIELDS, cells, strict=True)))
        if incident is None:
            line = row.line
            if row.note:  # also when the row is rejected: the note may say why
                report.notes.append((line, row.note))
            try:
                incident = _check(row, now=checks.now, municipalities=municipalities)
            except _RowError as error:
                rejected[line] = str(error)
                continue
        read.append((line, incident))
    # Located before the repeated ids are looked for, so that the first row of an id that
    # passes every check is the one kept, whichever check refused an earlier one.
    for _line, incident in read:
        incident["municipality_id"] = None
    _locate(dict(read), rejected, district_id=source.district_id, municipalities=municipalities)
    read = [(line, incident) for line, incident in read if line not in rejected]
    # A dict of the ids would take gigabytes for a large file; FirstLines keeps a few bytes
    # an id, and is asked for a whole chunk at once.
    firsts = first_lines.first_lines_of([i["external_id"] for _, i in read], [n for n, _ in read])
    checked = {}
    for (line, incident), first in zip(read, firsts, strict=True):
        if first != line:
            rejected[line] = _("%(id)s appears again; it was already on line %(first)s.") % {
                "id": show(incident["external_id"]),
                "first": first,
            }
            continue
        checked[line] = incident
    valid = []
    keys = {code: m.pk for code, m in municipalities.items()}
    keys[None] = None
    outside = {code for code, m in municipalities.items() if m.district_id != source.district_id}
    for incident in checked.values():
        code = incident.pop("municipality")
        incident["municipality_id"] = keys[code]
        if code is None:
            report.unlocated += 1
        elif code in outside:
            report.outside_district += 1
        valid.append(incident)
    report.rejected.extend(sorted(rejected.items()))
    return valid


def _tidy_counts():
    """After a large import on PostgreSQL, vacuum the count tables: the import updated
    their rows (once each for its new incidents, once per changed incident besides), and until
    autovacuum comes round the dashboard would scan the dead versions along with the live
    ones. And let the planner know the incidents anew: with its old figures it takes a
    year's hundreds of thousands of incidents for a few hundred. The incidents are vacuumed
    too, which marks their pages all-visible: until then a query the indexes could answer
    alone (the days of a month begun, a plan's indicators) reads every incident it counts
    from the table (0.3 s a million rows; autovacuum may be off, as it is by choice on some
    servers). VACUUM cannot run inside a transaction; an import within one leaves both to
    autovacuum.

    On SQLite, which keeps no figures until asked, ANALYZE the same tables: without them
    its planner takes the unique (source, external id) for narrower than the index on the
    time, and read all of a source's 1,000,000 incidents for the days of a month begun
    (177 ms); with them it reads that month's through the index on the time. ANALYZE took
    0.9 s there; it writes, so it queues for the write lock like any writer."""
    connection = connections[Incident.objects.db]
    if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite"):
        return
    quote = connection.ops.quote_name
    models = [model for pair in COUNT_TABLES.values() for model in pair]
    tables = [quote(model._meta.db_table) for model in [*models, CellTotal, CellCount, Incident]]
    if connection.vendor == "sqlite":
        with writelock.serialized_writes(connection.alias), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
