"""Importing a table file downloaded from Danmarks Statistik's StatBank.

A file is read as downloaded: UTF-8 (with or without a byte order mark) or Windows-1252, as
Danish Excel saves it, separated by commas or semicolons. The whole file is checked before
anything is written; one bad line and nothing is applied, and every problem is reported with
its line number. Rows for areas that are not municipalities of the reference data ("Hele
landet", regions, municipalities merged away) are skipped and reported, since StatBank
downloads often include them and they are not a fault of the file.

Importing the same file again changes nothing; a corrected file updates the values in place.
Values missing from a file are kept, because a download is often a slice of the periods.
"""

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.organisation.models import Municipality
from tryghed.statistics.models import StatSeries, StatTable, StatValue, quarter_start

BATCH_SIZE = 2000
LABEL_LENGTH = StatSeries._meta.get_field("label").max_length
MAX_REPORTED = 200


@dataclass(frozen=True)
class TableFormat:
    code: str
    title: str
    title_en: str
    source_url: str
    unit: str
    period: str
    municipality: str
    series: str
    value: str
    # Optional columns: read when present.
    series_en: str = ""
    population: str = ""
    municipality_name: str = ""

    @property
    def required(self):
        return [self.period, self.municipality, self.series, self.value]

    @property
    def optional(self):
        return [c for c in (self.series_en, self.population, self.municipality_name) if c]


TABLES = {
    "STRAF11": TableFormat(
        code="STRAF11",
        title="Anmeldte forbrydelser efter område og overtrædelsens art",
        title_en="Reported criminal offences by region and type of offence",
        source_url="https://www.statbank.dk/STRAF11",
        unit="Antal",
        period="kvartal",
        municipality="kommunekode",
        municipality_name="kommunenavn",
        series="overtraedelse_gruppe_da",
        series_en="overtraedelse_gruppe_en",
        value="anmeldte_forbrydelser",
        population="folketal_kvartalsstart",
    ),
}

# ASCII digits only (\d would take "٢٠٢٣" too), and no year 0, which no date can hold.
PERIOD = re.compile(r"^([12][0-9]{3})K([1-4])$")
# StatBank's mark for a figure it does not publish (not available, or confidential).
NOT_AVAILABLE = ".."
# The longest count a table holds is ten digits; longer text is not turned into a number.
MAX_DIGITS = 10


def table_from_filename(name):
    """The known table a downloaded file's name mentions (e.g. "…straf11…"), or None."""
    name = name.lower()
    found = [code for code in TABLES if code.lower() in name]
    return found[0] if len(found) == 1 else None


@dataclass
class Row:
    line: int
    municipality_id: int
    year: int
    quarter: int
    series: str
    value: int
    population: int | None


@dataclass
class ImportResult:
    table: str
    errors: list = field(default_factory=list)  # (line number or None, message)
    skipped: list = field(default_factory=list)  # (line number, message)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # The file was imported before, byte for byte, so it was not read again.
    same_file: bool = False

    @property
    def ok(self):
        return not self.errors

    def add(self, line, message):
        self.errors.append((line, message))


class _RowError(Exception):
    pass


def _decode(data):
    """The file's text: UTF-8 when it is, otherwise Windows-1252 as Danish Excel saves it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Only five byte values are unused in Windows-1252; a file with them is not text.
        return None


def _count(text, *, name, required=True):
    text = text.strip()
    if not text or (text == NOT_AVAILABLE and not required):
        if required:
            raise _RowError(_("%(column)s is empty.") % {"column": name})
        return None
    if text.startswith("-") and text[1:].isdigit():
        raise _RowError(
            _("%(column)s “%(value)s” is negative; a count cannot be.")
            % {"column": name, "value": text}
        )
    if not (text.isascii() and text.isdigit()):
        raise _RowError(
            _("%(column)s “%(value)s” is not a whole number.") % {"column": name, "value": text}
        )
    if len(text.lstrip("0")) > MAX_DIGITS or int(text) > 2_000_000_000:
        shown = text if len(text) <= 20 else f"{text[:20]}…"
        raise _RowError(
            _("%(column)s “%(value)s” is too large.") % {"column": name, "value": shown}
        )
    return int(text)


def _label(text, *, name, required=True):
    """A series label as it is stored: no NUL, which PostgreSQL cannot hold, and not longer
    than the column."""
    text = text.strip()
    if not text and required:
        raise _RowError(_("%(column)s is empty.") % {"column": name})
    if "\x00" in text:
        raise _RowError(_("%(field)s contains a NUL character.") % {"field": name})
    if len(text) > LABEL_LENGTH:
        raise _RowError(
            _("%(field)s is longer than %(max)s characters.") % {"field": name, "max": LABEL_LENGTH}
        )
    return text


def _period(text, *, name):
    match = PERIOD.match(text.strip())
    if not match:
        raise _RowError(
            _("%(column)s “%(value)s” is not a quarter; StatBank writes it as 2008K1.")
            % {"column": name, "value": text.strip()}
        )
    return int(match[1]), int(match[2])


def _header(text, fmt, result):
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        result.add(1, _("the header cannot be read: %(reason)s") % {"reason": error})
        return None, None
    columns = [cell.strip().lower() for cell in header or []]
    for name in fmt.required:
        if name not in columns:
            result.add(
                1,
                _("the column %(name)s is missing; %(table)s needs the columns %(columns)s.")
                % {"name": name, "table": fmt.code, "columns": ", ".join(fmt.required)},
            )
    for name in set(columns):
        if name and columns.count(name) > 1:
            result.add(1, _("the column %(name)s appears twice.") % {"name": name})
    if result.errors:
        return None, None
    return reader, columns


def parse(data, fmt, result, progress=None):
    """Check the whole file; return its rows and the series labels, or None on errors."""
    if not data.strip():
        result.add(None, _("The file is empty."))
        return None
    text = _decode(data)
    if text is None:
        result.add(None, _("The file is neither UTF-8 nor Windows-1252 text."))
        return None
    reader, columns = _header(text, fmt, result)
    if reader is None:
        return None
    total_lines = max(text.count("\n"), 1)
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    series = {}  # Danish label -> English label
    rows = []
    first_line = {}
    population_seen = {}
    line_end = reader.line_num
    while True:
        line = line_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.add(
                reader.line_num, _("the line cannot be read: %(reason)s") % {"reason": error}
            )
            break
        line_end = reader.line_num
        if progress and line % 1000 == 0:
            progress(line, total_lines, stage=_("reading"))
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            result.add(
                line,
                _("expected %(expected)s fields, found %(found)s.")
                % {"expected": len(columns), "found": len(cells)},
            )
            continue
        values = dict(zip(columns, cells, strict=True))
        code = values[fmt.municipality].strip()
        # Excel drops the leading zero of a code such as 0101 when it saves the file.
        if code.isascii() and code.isdigit() and len(code) < 4:
            code = code.zfill(4)
        municipality_id = municipalities.get(code)
        try:
            year, quarter = _period(values[fmt.period], name=fmt.period)
            label = _label(values[fmt.series], name=fmt.series)
            label_en = _label(values.get(fmt.series_en, ""), name=fmt.series_en, required=False)
            if values[fmt.value].strip() == NOT_AVAILABLE:
                result.skipped.append(
                    (
                        line,
                        _("%(column)s is “..”: Danmarks Statistik gives no figure; row skipped.")
                        % {"column": fmt.value},
                    )
                )
                continue
            value = _count(values[fmt.value], name=fmt.value)
            population = (
                _count(values[fmt.population], name=fmt.population, required=False)
                if fmt.population in values
                else None
            )
            if not code:
                raise _RowError(_("%(column)s is empty.") % {"column": fmt.municipality})
        except _RowError as error:
            result.add(line, str(error))
            continue
        if municipality_id is None:
            name = values.get(fmt.municipality_name, "").strip()
            result.skipped.append(
                (
                    line,
                    _("“%(code)s” is not a municipality of the reference data; row skipped.")
                    % {"code": f"{code} {name}".strip()},
                )
            )
            continue
        key = (municipality_id, year, quarter, label)
        if key in first_line:
            result.add(
                line,
                _(
                    "%(code)s %(period)s “%(series)s” appears again; "
                    "it was already on line %(first)s."
                )
                % {
                    "code": code,
                    "period": f"{year}K{quarter}",
                    "series": label,
                    "first": first_line[key],
                },
            )
            continue
        first_line[key] = line
        if population is not None:
            seen = population_seen.setdefault((municipality_id, year, quarter), (population, line))
            if seen[0] != population:
                result.add(
                    line,
                    _(
                        "the population of %(code)s in %(period)s is %(value)s here but "
                        "%(other)s on line %(first)s."
                    )
                    % {
                        "code": code,
                        "period": f"{year}K{quarter}",
                        "value": population,
                        "other": seen[0],
                        "first": seen[1],
                    },
                )
                continue
        series.setdefault(label, label_en)
        rows.append(Row(line, municipality_id, year, quarter, label, value, population))
    if progress:
        progress(total_lines, total_lines, stage=_("reading"))
    if not rows and not result.errors:
        result.add(None, _("The file has no rows with municipalities below its header."))
    result.rows = len(rows)
    return None if result.errors else (rows, series)


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def import_table(data, table_code, *, progress=None, force=False):
    """Check the file and, only when every line is valid, apply it in one transaction.

    `progress(done, total, stage=…)` is called while the file is read and while it is written.
    """
    fmt = TABLES[table_code]
    result = ImportResult(table=fmt.code)
    digest = checksum(data)
    existing = StatTable.objects.filter(code=fmt.code).first()
    if not force and existing and existing.source_checksum == digest:
        result.same_file = True
        result.rows = result.unchanged = existing.values.count()
        return result
    parsed = parse(data, fmt, result, progress=progress)
    if parsed is None:
        return result
    rows, series_labels = parsed
    _write(fmt, rows, series_labels, digest, result, progress)
    return result


@transaction.atomic
def _write(fmt, rows, series_labels, digest, result, progress):
    table, created = StatTable.objects.get_or_create(
        code=fmt.code,
        defaults={
            "title": fmt.title,
            "title_en": fmt.title_en,
            "source_url": fmt.source_url,
            "unit": fmt.unit,
        },
    )
    series = {s.label: s for s in table.series.all()}
    for label, label_en in series_labels.items():
        if label not in series:
            series[label] = StatSeries.objects.create(table=table, label=label, label_en=label_en)
        elif label_en and series[label].label_en != label_en:
            series[label].label_en = label_en
            series[label].save(update_fields=["label_en"])
    stored = {
        (m, y, q, s): (pk, v, p)
        for pk, m, y, q, s, v, p in table.values.values_list(
            "pk", "municipality_id", "year", "quarter", "series_id", "value", "population"
        )
    }
    new, changed = [], []
    for row in rows:
        series_id = series[row.series].pk
        current = stored.get((row.municipality_id, row.year, row.quarter, series_id))
        if current is None:
            new.append(
                StatValue(
                    table=table,
                    municipality_id=row.municipality_id,
                    series_id=series_id,
                    year=row.year,
                    quarter=row.quarter,
                    period_start=quarter_start(row.year, row.quarter),
                    value=row.value,
                    population=row.population,
                )
            )
        elif current[1:] != (row.value, row.population):
            changed.append(StatValue(pk=current[0], value=row.value, population=row.population))
        else:
            result.unchanged += 1
    total = len(new) + len(changed)
    done = 0
    for start in range(0, len(new), BATCH_SIZE):
        batch = new[start : start + BATCH_SIZE]
        StatValue.objects.bulk_create(batch)
        done += len(batch)
        if progress:
            progress(done, total, stage=_("writing"))
    for start in range(0, len(changed), BATCH_SIZE):
        batch = changed[start : start + BATCH_SIZE]
        StatValue.objects.bulk_update(batch, ["value", "population"])
        done += len(batch)
        if progress:
            progress(done, total, stage=_("writing"))
    result.created, result.updated = len(new), len(changed)
    if total or table.source_checksum != digest:
        table.source_checksum = digest
        table.imported_at = timezone.now()
        table.save(update_fields=["source_checksum", "imported_at"])
    return table
