"""CSV files for staff to open in a spreadsheet: what citizens typed in them must not run."""

import re

# Excel set up for Danish, which staff use, splits a double-clicked .csv at semicolons
# and takes it as UTF-8 only after a byte order mark; commas would put each row in one cell.
SEPARATOR = ";"
# A leading + or - is harmless when only digits follow, as in a phone number.
PLAIN_NUMBER = re.compile(r"[+-][0-9 ().-]*\Z")
# A reader that ignores the quotes (or, as Excel does, a line break inside them) starts a
# cell after every separator and line break: each such piece may start a formula.
PIECES = re.compile(rf"(?<=[{SEPARATOR}\r\n])")


def _piece(text):
    # Spaces in front do not keep every spreadsheet from reading a formula.
    start = text.lstrip(" ")
    first = start[:1]
    if first in ("=", "@", "\t", "\r") or (
        first in ("+", "-") and not PLAIN_NUMBER.match(start.rstrip(SEPARATOR + "\r\n"))
    ):
        return "'" + text
    return text


def cell(value):
    """A spreadsheet must not run what a citizen typed: text that would start a formula is
    quoted (OWASP CSV injection), wherever a spreadsheet may start a cell."""
    text = "" if value is None else str(value)
    return "".join(_piece(piece) for piece in PIECES.split(text))
