"""Importing a table file downloaded from Danmarks Statistik's StatBank.

Two layouts are read, told apart by the header:

- the STRAF11 file with named columns (kvartal, kommunekode, …, folketal_kvartalsstart) that the
  platform started from (`TABLES`);
- a file saved from the StatBank API (https://api.statbank.dk/v1/data, format "CSV" or "BULK",
  lang "da" or "en"): a header of the table's variable ids followed by INDHOLD, e.g.
  `OMRÅDE;OVERTRÆD;TID;INDHOLD`, one observation per line (`API_TABLES`: STRAF11, STRAF22,
  FOLK1A). See `_parse_api` for what that reader assumes.

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
class _Table:
    """What the import stores of a table, whatever its layout."""

    code: str
    title: str
    title_en: str
    source_url: str
    unit: str


@dataclass(frozen=True)
class TableFormat(_Table):
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


@dataclass(frozen=True)
class ApiTable(_Table):
    """A table as the StatBank API writes it: variable ids, then INDHOLD (the figure).

    Variables are named in lower case as `_api_name` folds them ("OMRÅDE" -> "område").
    """

    # The variable whose values name the series (STRAF: the offence group)…
    series: str = ""
    # …or, for a table of one figure (FOLK1A), that series' labels.
    series_label: str = ""
    series_label_en: str = ""
    # Codes of the series variable with their Danish and English labels, for a download made
    # with valuePresentation "Code", whose cells hold codes only.
    series_codes: tuple = ()
    # Variables that may be in the download when they were selected; only the rows with their
    # total ("I alt", "Total", code TOT/IALT) count, the others are skipped.
    totals: tuple = ()
    # A variable of which only one value counts (STRAF22's ANMSIGT: reported, not charged):
    # (variable, its code, texts that start the value's label in Danish or English).
    only: tuple = ()
    # The figures are the population itself, stored as the population every table's rates use.
    population: bool = False

    @property
    def required(self):
        return ["område", *([self.series] if self.series else []), "tid", "indhold"]

    @property
    def optional(self):
        return [*self.totals, *([self.only[0]] if self.only else [])]


# OVERTRÆD's codes in STRAF11 and STRAF22 for the groups the STRAF11 file holds, as StatBank's
# metadata gives them (TOT all, 1 penal code, 11–14 its four groups, 3 special acts). A code
# not listed here is imported only from a download that names it ("Value" or "CodeAndValue").
OFFENCE_GROUPS = (
    ("TOT", "Overtrædelsens art i alt", "Type of offence, total"),
    ("1", "Straffelov i alt", "Criminal code, total"),
    ("11", "Seksualforbrydelser i alt", "Sexual offences"),
    ("12", "Voldsforbrydelser i alt", "Crimes of violence"),
    ("13", "Ejendomsforbrydelser i alt", "Offences against property"),
    ("14", "Andre forbrydelser i alt", "Other offences"),
    ("3", "Særlove i alt", "Special acts"),
)

API_TABLES = {
    "STRAF11": ApiTable(
        code="STRAF11",
        title=TABLES["STRAF11"].title,
        title_en=TABLES["STRAF11"].title_en,
        source_url="https://www.statbank.dk/STRAF11",
        unit="Antal",
        series="overtræd",
        series_codes=OFFENCE_GROUPS,
    ),
    # StatBank publishes STRAF22 per year, with reported offences and charges (ANMSIGT); its
    # rows import when they are quarters, and a year is refused with a pointer to STRAF11.
    "STRAF22": ApiTable(
        code="STRAF22",
        title="Anmeldte forbrydelser og sigtelser efter område, overtrædelsens art, "
        "anmeldte og sigtede",
        title_en="Reported criminal offences and charges by region, type of offence, "
        "reported and charged",
        source_url="https://www.statbank.dk/STRAF22",
        unit="Antal",
        series="overtræd",
        series_codes=OFFENCE_GROUPS,
        only=("anmsigt", "ANM", ("anmeld", "reported")),
    ),
    "FOLK1A": ApiTable(
        code="FOLK1A",
        title="Befolkningen den 1. i kvartalet efter område, køn, alder og civilstand",
        title_en="Population on the first day of the quarter by region, sex, age and "
        "marital status",
        source_url="https://www.statbank.dk/FOLK1A",
        unit="Antal",
        series_label="Befolkningen den 1. i kvartalet",
        series_label_en="Population on the first day of the quarter",
        totals=("køn", "alder", "civilstand"),
        population=True,
    ),
}

# Every table the import knows, in either layout.
KNOWN_TABLES = tuple(sorted(set(TABLES) | set(API_TABLES)))
# The population table whose figures give the other tables' rows their population.
POPULATION_TABLE = "FOLK1A"

# ASCII digits only (\d would take "٢٠٢٣" too), and no year 0, which no date can hold.
PERIOD = re.compile(r"^([12][0-9]{3})K([1-4])$")
# StatBank's mark for a figure it does not publish (not available, or confidential).
NOT_AVAILABLE = ".."
# The longest count a table holds is ten digits; longer text is not turned into a number.
MAX_DIGITS = 10


def table_from_filename(name):
    """The known table a downloaded file's name mentions, or None: "…straf11…", "FOLK1A.csv",
    or StatBank's own "20241015123456789STRAF11.csv" (digits before the code). A code must not
    run on into letters or digits, so "folk1am.csv" (a monthly table) names no known table."""
    name = name.lower()
    found = [
        code for code in KNOWN_TABLES if re.search(rf"(?<![a-z]){code.lower()}(?![a-z0-9])", name)
    ]
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
    notes: list = field(default_factory=list)  # (line number, message): lines not rows
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # The file was imported before, byte for byte, so it was not read again.
    same_file: bool = False
    # Values of other tables that took their population from this FOLK1A file.
    populations_filled: int = 0

    @property
    def ok(self):
        return not self.errors

    def add(self, line, message):
        self.errors.append((line, message))


class _RowError(Exception):
    pass


def _is_utf16(data):
    """A UTF-16 file (Excel's "Unicode text"): a UTF-16 byte order mark, or the NUL bytes
    every other byte that ASCII text in UTF-16 has. Read as Windows-1252 it would give a
    header of NULs and no column found, so it is refused by name."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    start = data[:200]
    return len(start) >= 4 and start.count(b"\x00") * 3 >= len(start)


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


def _delimiter(line):
    return ";" if line.count(";") > line.count(",") else ","


def _reader(lines, start):
    """A CSV reader from line `start` (0-based) on, its delimiter taken from that line."""
    first_line = lines[start] if start < len(lines) else ""
    return csv.reader(
        io.StringIO("".join(lines[start:]), newline=""),
        delimiter=_delimiter(first_line),
        strict=True,
    )


def _header(lines, start, fmt, result):
    reader = _reader(lines, start)
    try:
        header = next(reader, None)
    except csv.Error as error:
        result.add(start + 1, _("the header cannot be read: %(reason)s") % {"reason": error})
        return None, None
    columns = [cell.strip().lower() for cell in header or []]
    for name in fmt.required:
        if name not in columns:
            result.add(
                start + 1,
                _("the column %(name)s is missing; %(table)s needs the columns %(columns)s.")
                % {"name": name, "table": fmt.code, "columns": ", ".join(fmt.required)},
            )
    for name in set(columns):
        if name and columns.count(name) > 1:
            result.add(start + 1, _("the column %(name)s appears twice.") % {"name": name})
    if result.errors:
        return None, None
    return reader, columns


# How far down a header is looked for: StatBank's web download puts a title (and sometimes a
# blank line) above it.
HEADER_SEARCH_LINES = 10


def _header_names(line):
    try:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=_delimiter(line)), [])
    except csv.Error:
        return [], []
    return cells, [_api_name(cell) for cell in cells]


def _find_header(lines, known):
    """The 0-based index of the first line naming a known column, or None."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if set(_header_names(line)[1]) & known:
            return index
    return None


def _records(reader, columns, offset, result, progress, total_lines):
    """(line, {column: cell}) for each record below the header, either layout; a blank line
    is passed over, a line of the wrong width reported. `offset`: the lines above the header's
    (a title), which the reader does not see."""
    line_end = reader.line_num + offset
    while True:
        line = line_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.add(
                reader.line_num + offset,
                _("the line cannot be read: %(reason)s") % {"reason": error},
            )
            return
        line_end = reader.line_num + offset
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
        yield line, dict(zip(columns, cells, strict=True))


def _not_a_municipality(result, line, shown):
    result.skipped.append(
        (
            line,
            _("“%(code)s” is not a municipality of the reference data; row skipped.")
            % {"code": shown},
        )
    )


def _repeated(result, first_line, key, line, shown):
    """Whether the figure `key` (municipality, year, quarter, series) came on an earlier
    line, which is reported; `shown`: the municipality as the file writes it."""
    _municipality, year, quarter, label = key
    if key not in first_line:
        first_line[key] = line
        return False
    result.add(
        line,
        _("%(code)s %(period)s “%(series)s” appears again; it was already on line %(first)s.")
        % {
            "code": shown,
            "period": f"{year}K{quarter}",
            "series": label,
            "first": first_line[key],
        },
    )
    return True


def parse(data, table_code, result, progress=None):
    """Check the whole file; return its rows, the series labels and the layout's format (a
    `TableFormat` or an `ApiTable`), or None on errors.

    `table_code` is the table's code; the header tells which layout the file has (the STRAF11 file's
    named columns, or the StatBank API's variables and INDHOLD)."""
    if not data.strip():
        result.add(None, _("The file is empty."))
        return None
    if _is_utf16(data):
        result.add(
            None,
            _(
                "The file is UTF-16 text (as Excel saves “Unicode text”), which this import "
                "does not read; save it as UTF-8 (“CSV UTF-8”) or download it again from "
                "StatBank."
            ),
        )
        return None
    text = _decode(data)
    if text is None:
        result.add(None, _("The file is neither UTF-8 nor Windows-1252 text."))
        return None
    if not text.strip():
        # Blank but for a byte-order mark or a non-breaking space, which bytes keep.
        result.add(None, _("The file is empty."))
        return None
    lines = io.StringIO(text, newline="").readlines()
    file_fmt, api_fmt = TABLES.get(table_code), API_TABLES[table_code]
    known = {"indhold", "tid", "område"}
    if file_fmt:
        known |= {*file_fmt.required, *file_fmt.optional}
    start = _find_header(lines, known)
    if start is None:
        first = next((line for line in lines[:HEADER_SEARCH_LINES] if line.strip()), None)
        if first is None:
            result.add(
                None,
                _("The first %(count)s lines are blank; a table's header comes first.")
                % {"count": HEADER_SEARCH_LINES},
            )
            return None
        if len([c for c in _header_names(first)[0] if c.strip()]) <= 1:
            # One cell: a title, as StatBank's web download writes above its table.
            result.add(
                lines.index(first) + 1,
                _(
                    "the file starts with a title (“%(title)s”) and no header with the "
                    "table's columns follows it; this is StatBank's web table layout, which "
                    "cannot be read: download the table from the StatBank API "
                    "(api.statbank.dk, format CSV or BULK) instead."
                )
                % {"title": first.strip().strip('"')[:80]},
            )
            return None
        start = 0  # read as a header, so that the missing columns are named
    for index in range(start):
        if lines[index].strip():
            title = lines[index].strip().strip('"')[:80]
            result.notes.append(
                (
                    index + 1,
                    _("a title above the header, “%(title)s”; line skipped.") % {"title": title},
                )
            )
    is_api = "indhold" in _header_names(lines[start])[1]
    if is_api or not file_fmt:
        return _parse_api(lines, start, api_fmt, result, progress)
    fmt = file_fmt
    reader, columns = _header(lines, start, fmt, result)
    if reader is None:
        return None
    offset = start
    total_lines = max(text.count("\n"), 1)
    municipalities = dict(Municipality.objects.values_list("code", "pk"))
    series = {}  # Danish label -> English label
    rows = []
    first_line = {}
    population_seen = {}
    for line, values in _records(reader, columns, offset, result, progress, total_lines):
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
            _not_a_municipality(result, line, f"{code} {name}".strip())
            continue
        if _repeated(result, first_line, (municipality_id, year, quarter, label), line, code):
            continue
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
    return None if result.errors else (rows, series, fmt)


# The StatBank API ----------------------------------------------------------------------------
#
# What the reader assumes of a file saved from https://api.statbank.dk/v1/data (POST JSON with
# "table", "format": "CSV" or "BULK", "lang": "da" or "en", optionally "valuePresentation"):
# - UTF-8, usually with a byte order mark; cells separated by semicolons; one observation per
#   line; the header is the table's variable ids in upper case, the time variable TID, then
#   INDHOLD (the figure), e.g. OMRÅDE;OVERTRÆD;TID;INDHOLD or OMRÅDE;KØN;ALDER;CIVILSTAND;TID;
#   INDHOLD. The ids are the same in both languages; the order of the columns does not matter,
#   and ASCII spellings (OMRAADE, KOEN, OVERTRAED) are read as well.
# - A variable not selected in the request has no column; a selected one has a column even
#   when only one of its values was selected.
# - Cells hold, by valuePresentation, the value's text ("Value", the default: "København",
#   "Hele landet", "Region Hovedstaden", "Voldsforbrydelser i alt"; English with lang "en":
#   "Copenhagen", "All Denmark"), its code ("Code": "101", "000", "084", "12") or the code,
#   one space and the text ("CodeAndValue": "101 København").
# - TID is a quarter written 2023K1 (STRAF11, FOLK1A); STRAF22 is published per year ("2023"),
#   which the quarterly figures of this platform cannot hold.
# - ".." stands where no figure is published; figures are whole numbers without separators.

# ASCII spellings of the variable ids that some tools write.
API_NAMES = {"omraade": "område", "omrade": "område", "overtraed": "overtræd", "koen": "køn"}
AREA_CELL = re.compile(r"([0-9]+)(?: (.+))?")
SERIES_CELL = re.compile(r"(TOT|[0-9]+)(?: (.+))?")
TOTAL_CODES = {"TOT", "IALT"}
# Area names the reference data writes otherwise, beyond case, hyphens and spaces
# ("Høje-Taastrup" is the reference data's "Høje Taastrup" without an entry here).
MUNICIPALITY_ALIASES = {"copenhagen": "0101", "århus": "0751"}


class _Skip(Exception):
    """A row that is not a fault of the file but does not count (reported, not imported)."""


def _api_name(cell):
    name = cell.strip().strip("\ufeff").casefold()
    return API_NAMES.get(name, name)


def _name_key(name):
    name = " ".join(name.replace("-", " ").split()).casefold()
    return name.removesuffix(" kommune")


def _split(cell, pattern):
    """(code, text) of a cell written as a text ("København"), a code ("101") or both
    ("101 København"); the code is "" for a text."""
    cell = " ".join(cell.split())
    match = pattern.fullmatch(cell)
    if match:
        return match[1], match[2] or ""
    return "", cell


def _is_total(cell):
    """The total of a variable: code TOT or IALT, or a text "I alt", "Alder i alt", "Total",
    "Age, total"."""
    words = cell.split()
    if not words:
        return False
    if words[0].upper() in TOTAL_CODES:
        return True
    text = " ".join(words).casefold()
    return text in ("i alt", "total") or text.endswith((" i alt", " total"))


def _api_header(cells, fmt, result, line):
    columns = [_api_name(cell) for cell in cells]
    for name in fmt.required:
        if name not in columns:
            result.add(
                line,
                _("the column %(name)s is missing; %(table)s needs the columns %(columns)s.")
                % {
                    "name": name.upper(),
                    "table": fmt.code,
                    "columns": ", ".join(n.upper() for n in fmt.required),
                },
            )
    allowed = {*fmt.required, *fmt.optional}
    for name in dict.fromkeys(columns):
        if name and name not in allowed:
            result.add(
                line,
                _(
                    "the column %(name)s is not a variable of %(table)s that this import "
                    "reads; it reads %(columns)s."
                )
                % {
                    "name": name.upper(),
                    "table": fmt.code,
                    "columns": ", ".join(n.upper() for n in [*fmt.required, *fmt.optional]),
                },
            )
        elif name and columns.count(name) > 1:
            result.add(line, _("the column %(name)s appears twice.") % {"name": name.upper()})
    return None if result.errors else columns


def _known_series(fmt):
    """{code: (label, English label)} and {folded Danish or English label: (label, English
    label)} from the table's codes and the series stored before."""
    by_code = {code: (label, label_en) for code, label, label_en in fmt.series_codes}
    by_text = {}
    for label, label_en in [
        *by_code.values(),
        *StatSeries.objects.filter(table__code=fmt.code).values_list("label", "label_en"),
    ]:
        by_text.setdefault(label.casefold(), (label, label_en))
        if label_en:
            by_text.setdefault(label_en.casefold(), (label, label_en))
    return by_code, by_text


def _api_series(cell, fmt, known):
    by_code, by_text = known
    name = fmt.series.upper()
    code, text = _split(cell, SERIES_CELL)
    if text:
        label = _label(text, name=name)
        if label.casefold() in by_text:
            return by_text[label.casefold()]
        if code in by_code:
            return by_code[code]
        return label, ""
    if not code:
        raise _RowError(_("%(column)s is empty.") % {"column": name})
    if code in by_code:
        return by_code[code]
    raise _Skip(
        _(
            "%(column)s “%(code)s” is a code without its text; download the table with "
            "valuePresentation “CodeAndValue” to import it; row skipped."
        )
        % {"column": name, "code": code}
    )


def _api_period(cell, fmt):
    text = cell.strip()
    if re.fullmatch(r"[12][0-9]{3}", text):
        message = _(
            "TID “%(value)s” is a year; the platform keeps quarterly figures (written as "
            "2023K1), so the file must hold quarters."
        ) % {"value": text}
        if fmt.code == "STRAF22":
            message += " " + _(
                "StatBank publishes STRAF22 per year; STRAF11 has the reported offences per "
                "quarter."
            )
        raise _RowError(message)
    return _period(text, name="TID")


def _not_counted(values, fmt):
    """Why a row does not count (a breakdown that is not the total, a charge that is not a
    report), or None."""
    for name in fmt.totals:
        if name in values and not _is_total(values[name]):
            return _(
                "%(column)s is “%(value)s”, not the total; only the total rows count; row skipped."
            ) % {"column": name.upper(), "value": values[name].strip()}
    if fmt.only and fmt.only[0] in values:
        name, code, starts = fmt.only
        cell = values[name].strip()
        words = cell.split()
        if not (words and (words[0] == code or cell.casefold().startswith(starts))):
            return _(
                "%(column)s is “%(value)s”: only the reported offences are imported; row skipped."
            ) % {"column": name.upper(), "value": cell}
    return None


def _municipality_lookup():
    by_code, by_name = {}, {}
    for pk, code, name in Municipality.objects.values_list("pk", "code", "name"):
        by_code[code] = pk
        by_name[_name_key(name)] = pk
    for alias, code in MUNICIPALITY_ALIASES.items():
        if code in by_code:
            by_name.setdefault(alias, by_code[code])
    return by_code, by_name


def _parse_api(lines, start, fmt, result, progress):
    reader = _reader(lines, start)
    try:
        header = next(reader, None) or []
    except csv.Error as error:
        result.add(start + 1, _("the header cannot be read: %(reason)s") % {"reason": error})
        return None
    columns = _api_header(header, fmt, result, start + 1)
    if columns is None:
        return None
    total_lines = max(len(lines), 1)
    by_code, by_name = _municipality_lookup()
    known = _known_series(fmt) if fmt.series else None
    series = {}  # label -> English label
    rows = []
    first_line = {}
    for line, values in _records(reader, columns, start, result, progress, total_lines):
        reason = _not_counted(values, fmt)
        if reason:
            result.skipped.append((line, reason))
            continue
        area = " ".join(values["område"].split())
        try:
            year, quarter = _api_period(values["tid"], fmt)
            if fmt.series:
                label, label_en = _api_series(values[fmt.series], fmt, known)
            else:
                label, label_en = fmt.series_label, fmt.series_label_en
            if values["indhold"].strip() == NOT_AVAILABLE:
                raise _Skip(
                    _("%(column)s is “..”: Danmarks Statistik gives no figure; row skipped.")
                    % {"column": "INDHOLD"}
                )
            value = _count(values["indhold"], name="INDHOLD")
            if not area:
                raise _RowError(_("%(column)s is empty.") % {"column": "OMRÅDE"})
        except _RowError as error:
            result.add(line, str(error))
            continue
        except _Skip as skip:
            result.skipped.append((line, str(skip)))
            continue
        code, name = _split(area, AREA_CELL)
        if code:
            municipality_id = by_code.get(code.zfill(4)) if len(code) <= 4 else None
        else:
            municipality_id = by_name.get(_name_key(name))
        if municipality_id is None:
            # "Hele landet", regions, "Uoplyst" (998) and municipalities merged away.
            _not_a_municipality(result, line, area)
            continue
        if _repeated(result, first_line, (municipality_id, year, quarter, label), line, area):
            continue
        series.setdefault(label, label_en)
        population = value if fmt.population else None
        rows.append(Row(line, municipality_id, year, quarter, label, value, population))
    if progress:
        progress(total_lines, total_lines, stage=_("reading"))
    if not rows and not result.errors:
        result.add(None, _("The file has no rows with municipalities below its header."))
    result.rows = len(rows)
    return None if result.errors else (rows, series, fmt)


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def import_table(data, table_code, *, progress=None, force=False):
    """Check the file and, only when every line is valid, apply it in one transaction.

    `progress(done, total, stage=…)` is called while the file is read and while it is written.
    """
    if table_code not in KNOWN_TABLES:
        raise KeyError(table_code)
    # The table's title and source; both layouts of STRAF11 describe the same table.
    fmt = TABLES.get(table_code) or API_TABLES[table_code]
    result = ImportResult(table=fmt.code)
    digest = checksum(data)
    existing = StatTable.objects.filter(code=fmt.code).first()
    if not force and existing and existing.source_checksum == digest:
        result.same_file = True
        result.rows = result.unchanged = existing.values.count()
        return result
    parsed = parse(data, table_code, result, progress=progress)
    if parsed is None:
        return result
    rows, series_labels, fmt = parsed
    _write(fmt, rows, series_labels, digest, result, progress)
    return result


def _stored_populations(municipality_ids):
    """{(municipality id, year, quarter): population} of FOLK1A as stored."""
    return {
        (m, y, q): v
        for m, y, q, v in StatValue.objects.filter(
            table__code=POPULATION_TABLE, municipality__in=municipality_ids
        ).values_list("municipality_id", "year", "quarter", "value")
    }


def _fill_populations(table, rows, previous, result):
    """Give the other tables' values of the file's municipalities and quarters the population
    FOLK1A now gives: where they had none, or had the one FOLK1A gave before this file (a
    corrected figure). A population a table's own file gave (STRAF11's folketal) is kept."""
    population = {(r.municipality_id, r.year, r.quarter): r.value for r in rows}
    candidates = (
        StatValue.objects.exclude(table=table)
        .filter(
            municipality__in={r.municipality_id for r in rows},
            year__in={r.year for r in rows},
        )
        .values_list("pk", "municipality_id", "year", "quarter", "population")
    )
    changed = []
    for pk, m, y, q, current in candidates.iterator(chunk_size=BATCH_SIZE):
        new = population.get((m, y, q))
        if new is None or current == new:
            continue
        if current is None or current == previous.get((m, y, q)):
            changed.append(StatValue(pk=pk, population=new))
    for start in range(0, len(changed), BATCH_SIZE):
        StatValue.objects.bulk_update(changed[start : start + BATCH_SIZE], ["population"])
    result.populations_filled = len(changed)


@transaction.atomic
def _write(fmt, rows, series_labels, digest, result, progress):
    """Apply the checked rows. A table from the StatBank API other than FOLK1A has no
    population of its own, and a STRAF11 file may leave it out: a value without one takes
    FOLK1A's for the same municipality and quarter when that is stored. Importing FOLK1A
    gives its population to the other tables' values (`_fill_populations`)."""
    is_api = isinstance(fmt, ApiTable)
    is_population = is_api and fmt.population
    takes_population = is_api and not fmt.population
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
    municipality_ids = {row.municipality_id for row in rows}
    known_population = {} if is_population else _stored_populations(municipality_ids)
    previous = (
        {(m, y, q): v for (m, y, q, _s), (_pk, v, _p) in stored.items()} if is_population else {}
    )
    new, changed = [], []
    for row in rows:
        series_id = series[row.series].pk
        current = stored.get((row.municipality_id, row.year, row.quarter, series_id))
        if takes_population:
            # A population stored before stays (the STRAF11 file's own, or FOLK1A's, which a
            # corrected FOLK1A file updates itself); a value without one takes FOLK1A's.
            kept = current[2] if current else None
            row.population = (
                kept
                if kept is not None
                else known_population.get((row.municipality_id, row.year, row.quarter))
            )
        elif row.population is None:
            # A file without the figure (no such column, an empty cell, or StatBank's "..")
            # keeps the one stored, as values missing from a file are kept; a value without
            # one takes FOLK1A's, as the API's tables do.
            kept = current[2] if current else None
            row.population = (
                kept
                if kept is not None
                else known_population.get((row.municipality_id, row.year, row.quarter))
            )
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
    if is_population:
        _fill_populations(table, rows, previous, result)
    if total or table.source_checksum != digest:
        table.source_checksum = digest
        table.imported_at = timezone.now()
        table.save(update_fields=["source_checksum", "imported_at"])
    return table
