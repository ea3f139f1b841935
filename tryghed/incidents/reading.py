"""Reading an incident file into rows of text, before anything is checked against the data.

Three layouts are read: CSV with the import's own columns (comma or semicolon separated, as
Danish Excel writes it), the same fields as JSON Lines, and the døgnrapport extract as it is
scraped from politi.dk (dato, type, titel_eller_kategori, sted, klokkeslaet, tekst, kilde_url).
Every row keeps the line it starts on, so that each problem can be reported where it is.
Rows are produced one at a time, and the file decoded as they are read, so that the importer
holds only a chunk of them at once.
"""

import codecs
import csv
import hashlib
import io
import itertools
import json
import operator
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

FIELDS = [
    "external_id",
    "occurred_at",
    "reported_at",
    "category",
    "title",
    "place",
    "municipality_code",
    "lat",
    "lon",
    "summary",
    "responded_at",
]
REQUIRED = ["external_id", "occurred_at", "category"]
DOEGNRAPPORT_COLUMNS = ["dato", "type", "titel_eller_kategori", "sted", "klokkeslaet", "tekst"]
DOEGNRAPPORT_COLUMNS += ["kilde_url"]
DOEGNRAPPORT_REQUIRED = ["dato", "titel_eller_kategori"]
_CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")
_LEADING_SPACE = re.compile(rb"\s*")
_BLOCK = 1 << 20  # bytes decoded at a time to find the encoding


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""


@dataclass
class Row:
    line: int
    values: dict  # field name -> text; fields the file lacks are absent
    # The døgnrapport's news items carry a free headline where reports carry a heading: a
    # headline that is no known heading is an "other" incident, not an error.
    headline: bool = False
    error: str = ""  # set when the row could not even be read


def show(text, limit=40):
    """A value as quoted in a message, cut short: a bad cell may be very long."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def encoding_of(data):
    """The file's encoding: UTF-8 (with or without a byte order mark) or else Windows-1252,
    the two encodings Danish spreadsheets save in. Found by decoding the file block by block,
    without keeping the text: a file of millions of rows is then read as it is checked."""
    if not data:
        raise ImportFileError(_("The file is empty."))
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        blank = True
        try:
            for start in range(0, len(data), _BLOCK):
                block = decoder.decode(
                    data[start : start + _BLOCK], final=start + _BLOCK >= len(data)
                )
                if "\x00" in block:
                    raise ImportFileError(_("The file is not a text file."))
                blank = blank and not block.strip()
        except UnicodeDecodeError as error:
            if encoding == "utf-8-sig":
                continue
            line = data[: start + error.start].count(b"\n") + 1
            raise ImportFileError(
                _("line %(line)s: the file is neither UTF-8 nor Windows-1252 text.")
                % {"line": line}
            ) from error
        if blank:
            raise ImportFileError(_("The file is empty."))
        return encoding
    raise AssertionError("cp1252 decodes or raises")  # pragma: no cover


def _text_of(data, encoding, *, newline):
    """The file as text, decoded as it is read (the bytes are not copied)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=newline)


def read_rows(data, *, lengths=None):
    """The rows of a file (bytes), whatever its layout, as an iterator; raises ImportFileError
    at once when the header is unusable or no row follows it.

    With `lengths` (the longest text of each limited field), a CSV line of the usual shape
    (see `usual_line`) comes as a pair of its line number and its cells in the order of
    FIELDS, a tuple: a file of millions of rows is nearly all such lines, and the importer
    takes them without looking at each cell apart."""
    encoding = encoding_of(data)
    first = _first_line(_text_of(data, encoding, newline=""))
    if first.lstrip().startswith("{"):
        rows = _read_json_lines(_text_of(data, encoding, newline="\n"))
    else:
        rows = _read_csv(_text_of(data, encoding, newline=""), first, lengths=lengths)
    head = next(rows, None)
    if head is None:
        raise ImportFileError(_("The file has no rows below its header."))
    return itertools.chain([head], rows)


def estimated_rows(data):
    """About how many rows a file holds, for a progress bar: its lines, less a CSV file's
    header (exact unless cells span lines or lines are blank)."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    start = _LEADING_SPACE.match(data, 3 if data.startswith(codecs.BOM_UTF8) else 0).end()
    header = 0 if data[start : start + 1] == b"{" else 1
    return max(lines - header, 0)


def _first_line(lines):
    """The first line that is not blank, whatever ends it (a file may end its lines with a
    carriage return alone): `lines` splits on every line end."""
    line = next(line for line in lines if line.strip())
    return next(part for part in line.splitlines() if part.strip())


def _read_json_lines(lines):
    """`lines` split on line feeds only: splitting also on other line ends would break inside
    a string that holds a Unicode line separator, which JSON allows unescaped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield Row(number, {}, error=_("not valid JSON: %(reason)s") % {"reason": error})
            continue
        if not isinstance(record, dict):
            yield Row(number, {}, error=_("the line is not a JSON object."))
            continue
        values, problem = {}, ""
        for key, value in record.items():
            if key not in FIELDS:
                problem = _("unknown field “%(name)s”; the fields are %(known)s.") % {
                    "name": show(key),
                    "known": ", ".join(FIELDS),
                }
                break
            if value is None:
                value = ""
            elif isinstance(value, bool) or not isinstance(value, str | int | float):
                problem = _("the field %(name)s must be text or a number.") % {"name": key}
                break
            values[key] = str(value)
        yield Row(number, values, error=problem)


# The usual way of writing a time, a municipality code and a coordinate: what `usual_line`
# lets through, and what the importer then need not look at again.
_TIME = (
    r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[T ]"
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
)
_SHAPES = {
    "occurred_at": _TIME,
    "reported_at": _TIME,
    "responded_at": _TIME,
    "municipality_code": r"[0-9]{1,4}",
    "lat": r"-?[0-9]{1,3}(?:[MARKS][0-9]{1,6})?",
    "lon": r"-?[0-9]{1,3}(?:[MARKS][0-9]{1,6})?",
}


def _trimmed(excluded, longest):
    """Text that has no white space at either end, none of the `excluded` characters, no
    line break, tab or backslash (so that it can be written to PostgreSQL's COPY as it is),
    and at most `longest` characters (any number when None)."""
    edge, middle = f"[^\\s{excluded}\\\\]", f"[^{excluded}\\r\\n\\t\\\\]"
    repeat = "*" if longest is None else f"{{0,{longest - 2}}}"
    return f"{edge}(?:{middle}{repeat}{edge})?"


def usual_line(columns, delimiter, lengths):
    """How to take a line of the usual shape: a function that gives its cells in the order
    of FIELDS (a field the file lacks as ""), or None for a line of any other shape.

    Quoted or not, a cell of the usual shape holds no quotation mark, line break, tab or
    backslash, text has no white space at either end and stays within `lengths`, a time,
    municipality code or coordinate is written the plain way, and the required fields are
    not empty. Such a line splits into the same cells as the csv module splits it into; any
    other line is left to the csv module."""
    d = re.escape(delimiter)
    cells = []
    for number, name in enumerate(columns):
        shape = _SHAPES.get(name)
        if shape is not None:
            # Inside quotes a decimal comma is no separator.
            quoted = shape.replace("MARKS", ".,")
            bare = shape.replace("MARKS", "." if delimiter == "," else ".,")
        else:
            quoted, bare = _trimmed('"', lengths.get(name)), _trimmed(f'"{d}', lengths.get(name))
        optional = "" if name in REQUIRED else "?"
        cells.append(
            f'(")?((?({2 * number + 1})(?:{quoted}){optional}|(?:{bare}){optional}))'
            f'(?({2 * number + 1})")'
        )
    # The last group is always empty: it stands for the fields the file lacks.
    pattern = re.compile(d.join(cells) + r"(?:\r\n|\n|\r)?()")
    empty = 2 * len(columns)
    positions = [2 * columns.index(n) + 1 if n in columns else empty for n in FIELDS]
    pick = operator.itemgetter(*positions)
    match = pattern.fullmatch

    def usual(line):
        found = match(line)
        return None if found is None else pick(found.groups())

    return usual


class _Lines:
    """The file's lines for the csv module, a line put back first."""

    def __init__(self, lines):
        self.lines = lines
        self.back = None

    def __iter__(self):
        return self

    def __next__(self):
        if self.back is not None:
            line, self.back = self.back, None
            return line
        return next(self.lines)


def _read_csv(lines, header_line, *, lengths=None):
    # Danish Excel separates with semicolons, because the comma is the decimal mark.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    lines = _Lines(lines)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("line 1: the header cannot be read: %(reason)s") % {"reason": error}
        ) from error
    columns = [cell.strip().lower() for cell in header]
    doegnrapport = "titel_eller_kategori" in columns or "dato" in columns
    known, required = (
        (DOEGNRAPPORT_COLUMNS, DOEGNRAPPORT_REQUIRED) if doegnrapport else (FIELDS, REQUIRED)
    )
    seen = set()
    for name in columns:
        if name not in known:
            raise ImportFileError(
                _("line 1: unknown column “%(name)s”; the columns are %(known)s.")
                % {"name": show(name), "known": ", ".join(known)}
            )
        if name in seen:
            raise ImportFileError(
                _("line 1: the column “%(name)s” appears twice.") % {"name": name}
            )
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise ImportFileError(
            _("line 1: the column %(missing)s is missing; a file needs the columns %(required)s.")
            % {"missing": ", ".join(missing), "required": ", ".join(required)}
        )

    usual = None
    if lengths is not None and not doegnrapport:
        usual = usual_line(columns, delimiter, lengths)
    line_end = reader.line_num
    for text in lines.lines:
        line = line_end + 1
        if usual is not None and (cells := usual(text)) is not None:
            line_end = line
            yield line, cells
            continue
        lines.back = text
        started = reader.line_num
        try:
            cells = next(reader)
        except csv.Error as error:
            yield Row(line, {}, error=_("the line cannot be read: %(reason)s") % {"reason": error})
            break
        line_end += reader.line_num - started
        if not "".join(cells).strip():
            continue
        if len(cells) != len(columns):
            yield Row(
                line,
                {},
                error=_("expected %(expected)s fields, found %(found)s.")
                % {"expected": len(columns), "found": len(cells)},
            )
            continue
        values = dict(zip(columns, cells, strict=True))
        yield _from_doegnrapport(line, values) if doegnrapport else Row(line, values)


def _from_doegnrapport(line, cells):
    """A døgnrapport extract row in the import's own fields."""
    text = cells.get("tekst", "").strip()
    cells = {name: " ".join(value.split()) for name, value in cells.items()}
    date, clock = cells.get("dato", ""), cells.get("klokkeslaet", "")
    occurred = date
    if clock:
        match = _CLOCK.match(clock)
        if not match:
            return Row(
                line,
                {},
                error=_("klokkeslaet “%(value)s” is not a time such as 17.25.")
                % {"value": show(clock)},
            )
        occurred = f"{date}T{int(match[1]):02d}:{match[2]}"
    heading = cells.get("titel_eller_kategori", "")
    # The extract has no id of its own. The entry is identified by the page it was published
    # on and what it is (when, what, where), not by its text, so a corrected text updates the
    # incident instead of adding a second one.
    identity = "\x1f".join(
        cells.get(name, "") for name in ("kilde_url", "dato", "klokkeslaet", "sted")
    )
    identity += "\x1f" + heading
    digest = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    values = {
        "external_id": f"doegnrapport-{show(date, 20)}-{digest}",
        "occurred_at": occurred,
        "category": heading,
        "title": heading,
        "place": cells.get("sted", ""),
        "summary": text,
    }
    return Row(line, values, headline=cells.get("type", "").casefold() == "haendelse")
