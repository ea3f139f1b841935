"""Reading an incident file into rows of text, before anything is checked against the data.

Three layouts are read: CSV with the import's own columns (comma or semicolon separated, as
Danish Excel writes it), the same fields as JSON Lines, and the døgnrapport extract as it is
scraped from politi.dk (dato, type, titel_eller_kategori, sted, klokkeslaet, tekst, kilde_url).
Every row keeps the line it starts on, so that each problem can be reported where it is,
and a line that cannot be read is rejected without losing the lines after it.
Rows are produced one at a time, and the file decoded as they are read, so that the importer
holds only a chunk of them at once.
"""

import codecs
import collections
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
# A letter of Latin-1 (æ, ø, å, é …) in UTF-8: two bytes that Windows-1252 reads as "Ã" and a
# sign ("KÃ¸"), which Danish text written in Windows-1252 never holds.
_UTF8_LETTER = re.compile(rb"\xc3[\x80-\xbf]")


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
    note: str = ""  # something to check, though the row could be read


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
    # Looked for in the bytes (a NUL is the same byte in both encodings), before decoding: a
    # spreadsheet, zip or PDF file holds bytes Windows-1252 does not have, often before its
    # first NUL, and is then no text file rather than text in an unknown encoding.
    if b"\x00" in data:
        raise ImportFileError(_("The file is not a text file."))
    not_utf8 = None  # where UTF-8 fails
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        blank = True
        try:
            for start in range(0, len(data), _BLOCK):
                block = decoder.decode(
                    data[start : start + _BLOCK], final=start + _BLOCK >= len(data)
                )
                blank = blank and not block.strip()
        except UnicodeDecodeError as error:
            if encoding == "utf-8-sig" and error.reason == "unexpected end of data":
                # UTF-8 up to a letter whose last bytes are missing: read as Windows-1252,
                # the last line would be stored garbled ("KÃ").
                raise ImportFileError(
                    _(
                        "line %(line)s: the file ends in the middle of a letter, so it has "
                        "been cut off. Save or copy the whole file again."
                    )
                    % {"line": _line_of(data, len(data))}
                ) from error
            if encoding == "utf-8-sig":
                not_utf8 = start + error.start
                continue
            line = _line_of(data, start + error.start)
            raise ImportFileError(
                _("line %(line)s: the file is neither UTF-8 nor Windows-1252 text.")
                % {"line": line}
            ) from error
        if blank:
            raise ImportFileError(_("The file is empty."))
        if not_utf8 is not None:
            _one_encoding(data, not_utf8)
        return encoding
    raise AssertionError("cp1252 decodes or raises")  # pragma: no cover


def _one_encoding(data, not_utf8):
    """Refuse a file that is not UTF-8 but holds letters written in UTF-8: lines pasted
    together from two sources. Read as Windows-1252, its UTF-8 lines would be stored garbled
    ("KÃ¸"), and no single encoding reads all of it right."""
    letter = _UTF8_LETTER.search(data)
    if data.startswith(codecs.BOM_UTF8):  # the mark that says UTF-8, on line 1
        utf8 = 0
    elif letter is not None:
        utf8 = letter.start()
    else:
        return
    raise ImportFileError(
        _(
            "The file mixes two encodings: line %(utf8)s is written in UTF-8, line %(other)s "
            "in another (such as Windows-1252), so letters such as æ, ø and å would be stored "
            "wrongly. Save the whole file as UTF-8 and import it again."
        )
        % {
            "utf8": _line_of(data, utf8),
            "other": _line_of(data, not_utf8),
        }
    )


def _line_end(data):
    """What ends the lines of a file (bytes): a line feed, or in a file without any (as old
    Mac spreadsheets save) a carriage return."""
    return b"\n" if b"\n" in data else b"\r"


def _line_of(data, position):
    """The number of the line of a file (bytes) that holds the byte at `position`."""
    return data.count(_line_end(data), 0, position) + 1


def _text_of(data, encoding, *, newline):
    """The file as text, decoded as it is read (the bytes are not copied)."""
    # BytesIO would copy any other buffer whole, such as a mapped file (mapped.py).
    binary = io.BytesIO(data) if isinstance(data, bytes) else io.BufferedReader(_Blocks(data))
    return io.TextIOWrapper(binary, encoding=encoding, newline=newline)


class _Blocks(io.RawIOBase):
    """A buffer read as a binary file, a copy of a block at a time."""

    def __init__(self, data):
        self.data = data
        self.at = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        block = self.data[self.at : self.at + len(buffer)]
        buffer[: len(block)] = block
        self.at += len(block)
        return len(block)


def read_rows(data, *, lengths=None):
    """The rows of a file (bytes), whatever its layout, as an iterator; raises ImportFileError
    at once when the header is unusable or no row follows it.

    With `lengths` (the longest text of each limited field), a CSV line of the usual shape
    (see `usual_line`) comes as a pair of its line number and its cells in the order of
    FIELDS, a tuple: a file of millions of rows is nearly all such lines, and the importer
    takes them without looking at each cell apart."""
    encoding = encoding_of(data)
    first = _first_line(_text_of(data, encoding, newline=""))
    if first.lstrip().startswith("["):
        raise ImportFileError(
            _("The file is a JSON array; write one JSON object per line (JSON Lines).")
        )
    if first.lstrip().startswith("{"):
        # Split on line feeds only (see _read_json_lines), or, in a file without any, on the
        # carriage returns that end its lines: JSON escapes both inside a string.
        end = _line_end(data).decode()
        rows = _read_json_lines(_text_of(data, encoding, newline=end))
    else:
        rows = _read_csv(_text_of(data, encoding, newline=""), first, lengths=lengths)
    head = next(rows, None)
    if head is None:
        raise ImportFileError(_("The file has no rows below its header."))
    return itertools.chain([head], rows)


def estimated_rows(data):
    """About how many rows a file holds, for a progress bar: its lines, less a CSV file's
    header (exact unless cells span lines or lines are blank)."""
    end = _line_end(data)
    lines = data.count(end) + (0 if data.endswith(end) else 1)
    start = _LEADING_SPACE.match(data, 3 if data.startswith(codecs.BOM_UTF8) else 0).end()
    header = 0 if data[start : start + 1] == b"{" else 1
    return max(lines - header, 0)


def _first_line(lines):
    """The first line that is not blank, nor separators only (as Excel saves an empty row),
    whatever ends it (a file may end its lines with a carriage return alone): `lines` splits
    on every line end. The header's line, which tells the separator."""
    line = next(line for line in lines if _filled(line))
    return next(part for part in line.splitlines() if _filled(part))


def _filled(line):
    return bool(line.strip().strip(",;").strip())


def _read_json_lines(lines):
    """`lines` split on line feeds only: splitting also on other line ends would break inside
    a string that holds a Unicode line separator, which JSON allows unescaped."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Row(number, {}, error=_json_problem(line, error))
            continue
        except RecursionError:
            yield Row(number, {}, error=_("the line is not valid JSON: it is nested too deeply."))
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


def _json_problem(line, error):
    """What is wrong with a line that is not JSON, and where in the line, in words for the
    person who wrote it rather than the parser's."""
    try:
        # Without its line feed, a text left open is said to be so, not to hold a line feed.
        json.loads(line.rstrip("\r\n"))
    except json.JSONDecodeError as without_line_end:
        error = without_line_end
    message = error.msg
    if message.startswith("Expecting property name") and line[error.pos : error.pos + 1] == "}":
        problem = _("a comma is followed by no field; remove the comma before the “}”")
    elif message.startswith("Expecting property name"):
        problem = _("a field name must be written in double quotation marks")
    elif message == "Expecting value":
        problem = _("a value is missing, or is not written the JSON way")
    elif message == "Expecting ',' delimiter":
        problem = _("a comma or a closing bracket is missing")
    elif message == "Expecting ':' delimiter":
        problem = _("a colon is missing after a field name")
    elif message.startswith("Unterminated string"):
        problem = _("a text is not closed by a double quotation mark")
    elif message.startswith("Invalid control character"):
        problem = _("a text holds a tab or another control character that must be escaped")
    elif message.startswith("Invalid \\"):
        problem = _("a backslash starts an escape that JSON does not have")
    elif message == "Extra data":
        problem = _("more follows the end of the object")
    else:
        problem = _("the text is not written the JSON way")
    return _("not valid JSON at character %(position)s: %(problem)s.") % {
        "position": error.colno,
        "problem": problem,
    }


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
    and at most `longest` characters."""
    edge, middle = f"[^\\s{excluded}\\\\]", f"[^{excluded}\\r\\n\\t\\\\]"
    return f"{edge}(?:{middle}{{0,{longest - 2}}}{edge})?"


def usual_line(columns, delimiter, lengths):
    """How to take a line of the usual shape: a function that gives its cells in the order
    of FIELDS (a field the file lacks as ""), or None for a line of any other shape.

    Quoted or not, a cell of the usual shape holds no quotation mark, line break, tab or
    backslash, text has no white space at either end and stays within `lengths`, a time,
    municipality code or coordinate is written the plain way, and the required fields are
    not empty. Such a line splits into the same cells as the csv module splits it into; any
    other line is left to the csv module."""
    d = re.escape(delimiter)
    # A longer cell is one the csv module refuses, and the line is rejected either way.
    limit = csv.field_size_limit()
    cells = []
    for number, name in enumerate(columns):
        shape = _SHAPES.get(name)
        if shape is not None:
            # Inside quotes a decimal comma is no separator.
            quoted = shape.replace("MARKS", ".,")
            bare = shape.replace("MARKS", "." if delimiter == "," else ".,")
        else:
            longest = lengths.get(name, limit)
            quoted, bare = _trimmed('"', longest), _trimmed(f'"{d}', longest)
            if not name:  # a column without a heading: only an empty cell
                quoted = bare = ""
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
    """The file's lines, for the loop in `_read_csv` and the csv module alike. The lines the
    csv module takes for a record are kept until the next one, to tell where it ends; lines
    may be put back to be read again."""

    def __init__(self, lines):
        self.file = self.source = lines
        self.back = collections.deque()  # lines put back, read before the file's next ones
        self.first = None  # the line the record starts with
        self.taken = []  # the lines of the record being read
        self.ended = False  # whether the file ended within it
        self.alone = False  # whether the record may take only its first line
        self.cut = False  # whether it wanted more

    def __iter__(self):
        return self

    def __next__(self):
        if self.first is not None:
            line, self.first = self.first, None
        elif self.alone:
            self.cut = True
            raise StopIteration
        else:
            line = next(self.source, None)
            if line is None:
                self.ended = True
                raise StopIteration
        self.taken.append(line)
        return line

    def record(self, line, *, alone=False):
        """Start the csv module's next record at `line`; `alone`: a record of that line only."""
        self.first, self.taken, self.ended = line, [], False
        self.alone, self.cut = alone, False

    def put_back(self, lines):
        # One deque and one chain whatever was put back before: chains of chains would nest
        # as deep as the lines were put back.
        self.back.extendleft(reversed(lines))
        self.source = itertools.chain(_drained(self.back), self.file)


def _drained(lines):
    while lines:
        yield lines.popleft()


def _csv_problem(error):
    """What a csv.Error says, in words for the person who wrote the file."""
    if str(error).startswith("field larger than field limit"):
        return _("a cell is longer than %(limit)s characters.") % {"limit": csv.field_size_limit()}
    return _("the line is not valid CSV.")


def _read_csv(lines, header_line, *, lengths=None):
    # Danish Excel separates with semicolons, because the comma is the decimal mark.
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    lines = _Lines(lines)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
        while not _filled("".join(header)):
            header = next(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("line %(line)s: the header cannot be read: %(reason)s")
            % {"line": reader.line_num, "reason": _csv_problem(error)}
        ) from error
    # Blank lines may come before it.
    at = reader.line_num
    columns = [cell.strip().lower() for cell in header]
    doegnrapport = "titel_eller_kategori" in columns or "dato" in columns
    known, required = (
        (DOEGNRAPPORT_COLUMNS, DOEGNRAPPORT_REQUIRED) if doegnrapport else (FIELDS, REQUIRED)
    )
    seen = set()
    for name in columns:
        if not name:
            # Excel writes a column that once held something as one with an empty heading;
            # its cells must be empty (see _Records).
            continue
        if name not in known:
            raise ImportFileError(
                _("line %(line)s: unknown column “%(name)s”; the columns are %(known)s.")
                % {"line": at, "name": show(name), "known": ", ".join(known)}
            )
        if name in seen:
            raise ImportFileError(
                _("line %(line)s: the column “%(name)s” appears twice.")
                % {"line": at, "name": name}
            )
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        raise ImportFileError(
            _(
                "line %(line)s: the column %(missing)s is missing; a file needs the columns "
                "%(required)s."
            )
            % {"line": at, "missing": ", ".join(missing), "required": ", ".join(required)}
        )

    usual = None
    if lengths is not None and not doegnrapport:
        usual = usual_line(columns, delimiter, lengths)
    records = _Records(lines, reader, columns, required)
    line_end = reader.line_num
    while True:
        for text in lines.source:
            line = line_end + 1
            if usual is not None and (cells := usual(text)) is not None:
                line_end = line
                yield line, cells
                continue
            row, line_end = records.read(text, line)
            if row is None:
                continue
            if doegnrapport and not row.error:
                note, row = row.note, _from_doegnrapport(line, row.values)
                row.note = row.note or note
            yield row
            if records.put_back:
                # Lines the record took are read again: iterate over them and the rest.
                records.put_back = False
                break
        else:
            return


class _Records:
    """Reading a line that is not of the usual shape with the csv module, as a record that
    may run across lines (a quoted cell may hold line breaks).

    A record is taken as the file writes it, with one exception: when a quoted cell makes a
    record of several lines that cannot be read (its quotation mark never closes, its cell
    grows past the csv module's limit, or the joined lines do not have the header's fields),
    only its first line is rejected, and the lines after it are read again as records of
    their own. Otherwise one stray quotation mark would take the rest of the file with it.
    A line read again that leaves a quotation mark open is rejected by itself (but for the
    last of them, whose record may go on past them). A record that can be read is never
    split, however its lines look."""

    def __init__(self, lines, reader, columns, required):
        self.lines = lines
        self.reader = reader
        self.columns = columns
        self.required = [columns.index(name) for name in required]
        self.unnamed = [number for number, name in enumerate(columns) if not name]
        self.put_back = False  # whether lines were put back to be read again
        self.again_until = 0  # the last line put back

    def read(self, text, line):
        """The row of the record starting at `line` with `text` (None for a blank one), and
        the last line it took."""
        lines = self.lines
        # A line put back that runs on to the next one put back would take all of them, and
        # end as the record that put them back did: read again, each would take the rest,
        # and a file of such lines would be read in time growing as the square of its lines.
        lines.record(text, alone=line < self.again_until)
        try:
            cells = next(self.reader)
        except csv.Error as error:
            cells, problem = None, _csv_problem(error)
        if lines.cut:
            problem = _("a quotation mark on this line is not closed on it.")
            return Row(line, {}, error=problem), line
        taken = lines.taken
        last = line + len(taken) - 1
        if cells is not None and not lines.ended and last == line and not "".join(cells).strip():
            return None, last  # a blank line, or one of separators only (as Excel writes)
        if cells is not None and not lines.ended and len(cells) == len(self.columns):
            if any(cells[i].strip() for i in self.unnamed):
                return Row(line, {}, error=_("a column without a heading holds text.")), last
            values = dict(zip(self.columns, cells, strict=True))
            values.pop("", None)
            return Row(line, values, note=self._joined(taken, line)), last
        if cells is not None and not lines.ended and last == line:
            return Row(line, {}, error=self._fields(cells)), last
        if lines.ended:
            problem = _("a quotation mark in the record starting on this line is never closed.")
        elif cells is None and last > line:
            problem = _(
                "a quoted cell starting on this line runs on past %(limit)s characters: most "
                "likely its quotation mark is never closed."
            ) % {"limit": csv.field_size_limit()}
        elif cells is not None:
            problem = (
                self._fields(cells)
                + " "
                + _("A quoted cell joins lines %(first)s–%(last)s into one record.")
                % {"first": line, "last": last}
            )
        if last > line:
            lines.put_back(taken[1:])
            self.put_back, self.again_until = True, last
            problem += " " + _("The lines after it are read as records of their own.")
        return Row(line, {}, error=problem), line

    def _joined(self, taken, line):
        """A note on a record whose quoted cell joins lines of which one looks like a record
        by itself: most likely a quotation mark is missing, but the file as written says one
        record, and that is what is read."""
        for offset, text in enumerate(taken[1:], start=1):
            try:
                cells = next(csv.reader([text], delimiter=self.reader.dialect.delimiter), [])
            except csv.Error:
                continue
            if len(cells) == len(self.columns) and all(cells[i].strip() for i in self.required):
                return _(
                    "a quoted cell joins lines %(first)s–%(last)s into one record, but line "
                    "%(line)s looks like a record of its own: check whether a quotation mark "
                    "is missing."
                ) % {"first": line, "last": line + len(taken) - 1, "line": line + offset}
        return ""

    def _fields(self, cells):
        return _("expected %(expected)s fields, found %(found)s.") % {
            "expected": len(self.columns),
            "found": len(cells),
        }


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
