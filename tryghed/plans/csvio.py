"""CSV export and import of a plan's initiatives, keyed by their external id.

The file is UTF-8 with a byte order mark (so Excel shows æ, ø and å) and comma-separated.
An import is checked as a whole before anything is written: one bad line and nothing is
applied, and every problem is reported with its line number.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tryghed.plans import actions
from tryghed.plans.models import Initiative

EXPORT_COLUMNS = [
    "external_id",
    "parent_external_id",
    "focus_area",
    "title",
    "status",
    "progress",
    "weight",
    "start_date",
    "end_date",
]
# Columns an import may change; the others of the export are there to be read and are ignored.
IMPORT_COLUMNS = ["status", "progress", "weight", "start_date", "end_date", "title"]
IGNORED_COLUMNS = ["parent_external_id", "focus_area"]
MAX_BYTES = 2 * 1024 * 1024
MAX_REPORTED_ERRORS = 200
DELIMITER = ","
BOM = "\ufeff"
TITLE_MAX_LENGTH = Initiative._meta.get_field("title").max_length


def export_rows(plan):
    initiatives = plan.initiatives.select_related("parent", "focus_area").order_by(
        "focus_area__order", "focus_area__pk", "order", "pk"
    )
    parent_ids = set(
        plan.initiatives.filter(parent__isnull=False).values_list("parent_id", flat=True)
    )
    for initiative in initiatives:
        yield {
            "external_id": initiative.external_id,
            "parent_external_id": initiative.parent.external_id if initiative.parent else "",
            "focus_area": initiative.focus_area.title,
            "title": initiative.title,
            "status": initiative.status,
            # A parent's progress is computed from its parts, so the file leaves it empty: a
            # number there on import would be an attempt to set it.
            "progress": "" if initiative.pk in parent_ids else f"{initiative.progress:.2f}",
            "weight": f"{initiative.weight:.2f}",
            "start_date": initiative.start_date.isoformat() if initiative.start_date else "",
            "end_date": initiative.end_date.isoformat() if initiative.end_date else "",
        }


def export_csv(plan):
    """The plan's initiatives as CSV text, byte order mark included."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, delimiter=DELIMITER)
    writer.writeheader()
    writer.writerows(export_rows(plan))
    return out.getvalue()


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)  # (line number or None, message)
    updated: int = 0
    unchanged: int = 0
    more_errors: int = 0

    @property
    def ok(self):
        return not self.errors

    def messages(self):
        """Each error as the user reads it, with its line number where it has one."""
        shown = [
            _("line %(line)s: %(message)s") % {"line": line, "message": message}
            if line
            else message
            for line, message in self.errors
        ]
        if self.more_errors:
            shown.append(_("… and %(count)s more errors.") % {"count": self.more_errors})
        return shown

    def add(self, line, message):
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, message))
        else:
            self.more_errors += 1


class _RowError(Exception):
    pass


def _show(text, limit=40):
    """A cell as quoted in a message, cut short: a bad cell may be very long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decimal(text, *, low, high, places, name):
    # Danish Excel writes decimal commas ("37,5"); inside a quoted cell they are harmless.
    try:
        value = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise _RowError(
            _("%(column)s “%(value)s” is not a number.") % {"column": name, "value": _show(text)}
        )
    if not low <= value <= high:
        raise _RowError(
            _("%(column)s must be between %(low)s and %(high)s, not %(value)s.")
            % {"column": name, "low": low, "high": high, "value": _show(text)}
        )
    if value.as_tuple().exponent < -places:
        raise _RowError(
            _("%(column)s “%(value)s” has more than %(places)s decimals.")
            % {"column": name, "value": _show(text), "places": places}
        )
    return value.quantize(Decimal(1).scaleb(-places))


DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


def _date(text, *, name):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _RowError(
        _("%(column)s “%(value)s” is not a date; write it as 2024-03-31.")
        % {"column": name, "value": _show(text)}
    )


def _status(text):
    wanted = text.strip().lower()
    for value, label in Initiative.Status.choices:
        if wanted in (value, str(label).lower()):
            return value
    raise _RowError(
        _("unknown status “%(value)s”; use one of %(allowed)s.")
        % {"value": _show(text), "allowed": ", ".join(Initiative.Status.values)}
    )


def _decode(data, result):
    if not data:
        result.add(None, _("The file is empty."))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.add(
            line,
            _("the file is not UTF-8 text. Save it from Excel as “CSV UTF-8 (comma delimited)”."),
        )
        return None
    if "\x00" in text:
        result.add(text[: text.index("\x00")].count("\n") + 1, _("the file is not a text file."))
        return None
    if not text.strip():
        result.add(None, _("The file is empty."))
        return None
    return text


def _read_header(reader, result):
    try:
        header = next(reader, None)
    except csv.Error as error:
        result.add(1, _("the header cannot be read: %(reason)s") % {"reason": error})
        return None
    if not header or not any(cell.strip() for cell in header):
        result.add(1, _("the first line must name the columns, starting with external_id."))
        return None
    columns = [cell.strip().lower() for cell in header]
    if len(columns) == 1 and ";" in columns[0]:
        result.add(
            1,
            _("the columns are separated by “;”; this import reads comma-separated files (“,”)."),
        )
        return None
    known = {"external_id", *IMPORT_COLUMNS, *IGNORED_COLUMNS}
    seen = set()
    for name in columns:
        if name not in known:
            result.add(
                1,
                _("unknown column “%(name)s”; the columns are %(known)s.")
                % {"name": _show(name), "known": ", ".join(EXPORT_COLUMNS)},
            )
        elif name in seen:
            result.add(1, _("the column “%(name)s” appears twice.") % {"name": _show(name)})
        seen.add(name)
    if "external_id" not in seen:
        result.add(1, _("the column external_id is missing."))
    elif not seen & set(IMPORT_COLUMNS):
        result.add(
            1,
            _("there is nothing to import; add one or more of the columns %(columns)s.")
            % {"columns": ", ".join(IMPORT_COLUMNS)},
        )
    return None if result.errors else columns


def _check_row(values, initiative, has_parts):
    """The changes one row asks for, as (fields, progress); raises _RowError."""
    fields = {}
    new_progress = None
    new_status = None
    if values.get("title"):
        title = values["title"].strip()
        if len(title) > TITLE_MAX_LENGTH:
            raise _RowError(
                _("the title is longer than %(max)s characters.") % {"max": TITLE_MAX_LENGTH}
            )
        if title != initiative.title:
            fields["title"] = title
    if values.get("weight"):
        weight = _decimal(values["weight"], low=0, high=Decimal("9999.99"), places=2, name="weight")
        if weight != initiative.weight:
            fields["weight"] = weight
    start, end = initiative.start_date, initiative.end_date
    if values.get("start_date"):
        start = _date(values["start_date"], name="start_date")
        if start != initiative.start_date:
            fields["start_date"] = start
    if values.get("end_date"):
        end = _date(values["end_date"], name="end_date")
        if end != initiative.end_date:
            fields["end_date"] = end
    if start and end and end < start:
        raise _RowError(
            _("the end date %(end)s is before the start date %(start)s.")
            % {"end": end.isoformat(), "start": start.isoformat()}
        )
    if values.get("status"):
        new_status = _status(values["status"])
    if values.get("progress"):
        new_progress = _decimal(values["progress"], low=0, high=100, places=2, name="progress")
        if has_parts:
            raise _RowError(
                _(
                    "%(id)s has parts, so its progress is computed from theirs; "
                    "leave its progress empty."
                )
                % {"id": initiative.external_id}
            )
    progress = None
    if has_parts:
        if new_status and new_status != initiative.status:
            fields["status"] = new_status
    elif (new_progress is not None and new_progress != initiative.progress) or (
        new_status and new_status != initiative.status
    ):
        progress = (
            new_progress if new_progress is not None else initiative.progress,
            new_status or initiative.status,
        )
    return fields, progress


def parse_import(plan, data):
    """Check a whole file against the plan; return the result and the changes it asks for."""
    result = ImportResult()
    if len(data) > MAX_BYTES:
        result.add(None, _("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // 2**20})
        return result, []
    text = _decode(data, result)
    if text is None:
        return result, []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, strict=True)
    columns = _read_header(reader, result)
    if columns is None:
        return result, []

    initiatives = {i.external_id: i for i in plan.initiatives.all()}
    with_parts = set(
        plan.initiatives.filter(parent__isnull=False).values_list("parent_id", flat=True)
    )
    first_line = {}
    changes = []
    line_end = reader.line_num
    while True:
        line = line_end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.add(
                reader.line_num, _("the line cannot be read: %(reason)s") % {"reason": error}
            )
            break
        line_end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            result.add(
                line,
                _("expected %(expected)s fields, found %(found)s.")
                % {"expected": len(columns), "found": len(row)},
            )
            continue
        values = {name: cell.strip() for name, cell in zip(columns, row, strict=True)}
        external_id = values["external_id"]
        if not external_id:
            result.add(line, _("the external_id is empty."))
            continue
        if external_id in first_line:
            result.add(
                line,
                _("%(id)s appears again; it was already on line %(first)s.")
                % {"id": _show(external_id), "first": first_line[external_id]},
            )
            continue
        first_line[external_id] = line
        initiative = initiatives.get(external_id)
        if initiative is None:
            result.add(
                line,
                _("there is no initiative with the external id “%(id)s” in this plan.")
                % {"id": _show(external_id)},
            )
            continue
        try:
            fields, progress = _check_row(values, initiative, initiative.pk in with_parts)
        except _RowError as error:
            result.add(line, str(error))
            continue
        if fields or progress is not None:
            changes.append((initiative, fields, progress))
        else:
            result.unchanged += 1
    if not first_line and not result.errors:
        result.add(None, _("The file has no rows below its header."))
    return result, changes


def import_csv(plan, data, *, by, source=""):
    """Check the file and, only when every line is valid, apply it in one transaction."""
    result, changes = parse_import(plan, data)
    if result.ok and changes:
        try:
            actions.import_initiatives(plan, changes, by=by, source=source)
        except actions.PlanError as error:
            result.add(None, str(error))
            return result
        result.updated = len(changes)
    return result
