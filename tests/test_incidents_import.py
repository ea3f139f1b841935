"""Importing incidents: the real døgnrapport extract, the import's own CSV and JSON Lines
layouts, bad rows and bad files, and who sees the imported incidents."""

import csv
import datetime
import io
import itertools
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import Deadline
from tryghed.incidents import reading
from tryghed.incidents.importer import import_incidents
from tryghed.incidents.models import Category, Incident, IncidentSource
from tryghed.incidents.reading import FIELDS, estimated_rows, read_rows
from tryghed.organisation.models import PoliceDistrict

DOEGNRAPPORT = Path(settings.BASE_DIR) / "data" / "incidents"
DOEGNRAPPORT /= "doegnrapport_mvsj_greve_uddrag_2026-07.csv"
UTC = datetime.UTC
HEADER = "external_id,occurred_at,category,title,place,municipality_code,lat,lon\n"
# Points well inside Greve, Køge and Copenhagen (another district).
GREVE = ("55.5890", "12.2700")
KOEGE = ("55.4580", "12.1820")
COPENHAGEN = ("55.6761", "12.5683")

pytestmark = pytest.mark.usefixtures("reference")


def run(path, *args):
    """The command's summary (in English) and its progress output."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_incidents", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, encoding="utf-8", name="incidents.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def source(district):
    return IncidentSource.objects.create(name="test-source", district=district)


def test_the_real_doegnrapport_extract_imports(greve):
    out, err = run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj")

    assert "Created: 9" in out and "Rejected: 0" in out and "Unlocated: 0" in out
    assert "9/9" in err and "[" + "#" * 30 + "]" in err
    incidents = Incident.objects.filter(source__name="doegnrapport-mvsj")
    assert incidents.count() == 9
    assert Counter(incidents.values_list("category", flat=True)) == {
        Category.THEFT_FROM_VEHICLE: 2,
        Category.MOPED_NUISANCE: 1,
        Category.BURGLARY_HOLIDAY_HOME: 1,
        Category.OTHER: 5,
    }
    assert set(incidents.values_list("municipality", flat=True)) == {greve.pk}
    assert IncidentSource.objects.get(name="doegnrapport-mvsj").district.number == 8
    # 17.25 on a July evening in Denmark is 15.25 UTC (summer time).
    moped = incidents.get(category=Category.MOPED_NUISANCE)
    assert moped.occurred_at == datetime.datetime(2026, 7, 20, 15, 25, tzinfo=UTC)
    assert moped.place == "Lærkehegnet, Greve"
    assert moped.title == "Hærværk og ulovlig knallertkørsel"
    assert moped.summary.startswith("Kl 17.25 fik politiet anmeldelse")
    # A report without a time of day is dated at the start of its Danish day.
    holiday_home = incidents.get(category=Category.BURGLARY_HOLIDAY_HOME)
    assert holiday_home.occurred_at == datetime.datetime(2026, 7, 21, 22, 0, tzinfo=UTC)


def test_a_reimport_changes_nothing_and_a_corrected_text_updates_in_place(tmp_path):
    run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj")
    before = {i.external_id: (i.pk, i.updated_at) for i in Incident.objects.all()}

    out, _ = run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj")
    assert "Created: 0" in out and "Updated: 0" in out and "Unchanged: 9" in out
    assert {i.external_id: (i.pk, i.updated_at) for i in Incident.objects.all()} == before

    corrected = DOEGNRAPPORT.read_text(encoding="utf-8").replace(
        "Tre drenge på 9, 6 og 15 år", "Tre drenge på 9, 12 og 15 år"
    )
    out, _ = run(write(tmp_path, corrected), "--source", "doegnrapport-mvsj")
    assert "Created: 0" in out and "Updated: 1" in out and "Unchanged: 8" in out
    changed = Incident.objects.get(summary__contains="9, 12 og 15 år")
    assert changed.pk == before[changed.external_id][0]
    assert Incident.objects.count() == 9


def test_a_corrected_row_updates_the_incident_in_place(tmp_path, greve, koege):
    first = HEADER + 'A-1,2026-07-20T10:00,vold,Slagsmål,"Torvet, Greve",,,\n'
    first += "A-2,2026-07-20,Hærværk,,,0259,,\n"
    run(write(tmp_path, first), "--source", "test-source")
    original = Incident.objects.get(external_id="A-1")

    corrected = HEADER + "A-1,2026-07-20T11:00,Vold og trusler,Slagsmål på torvet,Torvet,0253,,\n"
    corrected += "A-2,2026-07-20,Hærværk,,,0259,,\n"
    out, _ = run(write(tmp_path, corrected), "--source", "test-source")

    assert "Updated: 1" in out and "Unchanged: 1" in out and "Created: 0" in out
    updated = Incident.objects.get(external_id="A-1")
    assert updated.pk == original.pk
    assert updated.title == "Slagsmål på torvet"
    assert updated.occurred_at == datetime.datetime(2026, 7, 20, 9, 0, tzinfo=UTC)
    assert updated.municipality == greve
    assert Incident.objects.get(external_id="A-2").municipality == koege


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_encodings_and_separators(tmp_path, encoding, delimiter, koege):
    rows = [
        ["external_id", "occurred_at", "category", "title", "place", "lat", "lon"],
        ["K-1", "2026-07-01 23:30", "Hærværk", "Ødelagt busskur", "Køge Torv", *KOEGE],
    ]
    if delimiter == ";":
        rows[1][-2:] = [value.replace(".", ",") for value in KOEGE]  # Danish decimal commas
    text = "\n".join(delimiter.join(row) for row in rows) + "\n"
    out, _ = run(write(tmp_path, text, encoding), "--source", "test-source")

    assert "Created: 1" in out, out
    incident = Incident.objects.get()
    assert (incident.title, incident.place) == ("Ødelagt busskur", "Køge Torv")
    assert incident.category == Category.VANDALISM
    assert incident.municipality == koege
    assert incident.lat == Decimal(KOEGE[0])
    assert incident.occurred_at == datetime.datetime(2026, 7, 1, 21, 30, tzinfo=UTC)


def test_json_lines_locate_points_and_count_unlocated_and_other_districts(tmp_path, greve):
    lines = [
        {"external_id": "J-1", "occurred_at": "2026-07-20T08:00:00Z", "category": "violence",
         "lat": float(GREVE[0]), "lon": float(GREVE[1]), "reported_at": "2026-07-20T08:05:00Z",
         "responded_at": "2026-07-20T08:14:00Z"},
        {"external_id": "J-2", "occurred_at": "2026-07-20", "category": "Narkotika",
         "lat": COPENHAGEN[0], "lon": COPENHAGEN[1]},
        {"external_id": "J-3", "occurred_at": "2026-07-20", "category": "other", "place": None},
    ]  # fmt: skip
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    out, _ = run(write(tmp_path, text, name="incidents.jsonl"), "--source", "test-source")

    assert "Created: 3" in out and "Unlocated: 1" in out
    assert "Outside the source's district: 1" in out
    j1 = Incident.objects.get(external_id="J-1")
    assert j1.municipality == greve
    assert j1.responded_at - j1.reported_at == datetime.timedelta(minutes=9)
    assert Incident.objects.get(external_id="J-2").municipality.code == "0101"
    assert Incident.objects.get(external_id="J-3").municipality is None


BAD_ROWS = [
    (",2026-07-20,vold", "external_id is empty"),
    ("B-2,,vold", "occurred_at is empty"),
    ("B-2,20-07-2026,vold", "occurred_at “20-07-2026” is not a date or time"),
    ("B-2,2999-01-01,vold", "occurred_at 2999-01-01 is not a plausible time"),
    ("B-2,1900-01-01T12:00,vold", "occurred_at 1900-01-01T12:00 is before 2000, the first"),
    # Late on New Year's Eve 1999 in Denmark, though 2000 where it was written.
    ("B-2,2000-01-01T00:30+02:00,vold", "occurred_at 2000-01-01T00:30+02:00 is before 2000"),
    ("B-2,2026-07-20,Syrebomber på boldbane", "unknown category “Syrebomber på boldbane”"),
    ("B-2,2026-07-20,vold,,,,55.5", "lat and lon must be given together"),
    ("B-2,2026-07-20,vold,,,,95,12", "lat “95” is not a number between -90 and 90"),
    ("B-2,2026-07-20,vold,,,,abc,12", "lat “abc” is not a number"),
    ("B-2,2026-07-20,vold,,,,0,0", "the point 0.000000, 0.000000 is not in Denmark"),
    ("B-2,2026-07-20,vold,,,9999", "municipality_code “9999” is not a Danish municipality code"),
    ("B-2,2026-07-20,vold," + "x" * 301, "title is longer than 300 characters"),
    ("B-2,2026-07-20,vold,,,,,,extra", "expected 8 fields, found 9"),
    ("B-1,2026-07-20,vold", "B-1 appears again; it was already on line 2"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS, ids=[r for _, r in BAD_ROWS])
def test_a_bad_row_is_rejected_with_its_line_and_reason_and_the_others_import(
    tmp_path, row, reason
):
    cells = row.split(",")
    row = ",".join(cells + [""] * (8 - len(cells)))
    text = HEADER + "B-1,2026-07-20,vold,,,,,\n" + row + "\nB-3,2026-07-21,vold,,,,,\n"
    out, _ = run(write(tmp_path, text), "--source", "test-source")

    assert "Created: 2" in out and "Rejected: 1" in out
    assert f"line 3: {reason}" in out
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"B-1", "B-3"}


def test_a_time_ahead_of_the_clock_is_rejected_beyond_a_few_minutes(tmp_path):
    """Both the usual lines (taken from their text) and the others (cell by cell): the
    second file's JSON Lines go the careful way."""
    now = timezone.localtime()
    ahead = {
        "B-1": now + datetime.timedelta(minutes=5),
        "B-2": now + datetime.timedelta(hours=2),
        "B-3": now + datetime.timedelta(days=1),
    }
    text = HEADER + "".join(f"{key},{at:%Y-%m-%dT%H:%M},vold,,,,,\n" for key, at in ahead.items())
    lines = "".join(
        json.dumps({"external_id": "J" + key, "occurred_at": at.isoformat(), "category": "vold"})
        + "\n"
        for key, at in ahead.items()
    )
    for path, prefix in (
        (write(tmp_path, text), ""),
        (write(tmp_path, lines, name="incidents.jsonl"), "J"),
    ):
        out, _ = run(path, "--source", f"test-{prefix or 'csv'}")
        assert "Created: 1" in out and "Rejected: 2" in out, out
        first = 2 if prefix else 3  # JSON Lines have no header line
        for line in (first, first + 1):
            assert re.search(rf"line {line}: occurred_at \S+ is in the future", out), out
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"B-1", "JB-1"}


LONG = "x" * 300_000  # beyond what the csv module reads into one cell (131,072 characters)
NEVER_CLOSED = "a quotation mark in the record starting on this line is never closed."
READ_ON = " The lines after it are read as records of their own."
BROKEN_LINES = [
    ("B-2,2026-07-20,vold," + LONG, {3: "a cell is longer than 131072 characters."}),
    # Of the usual shape but for its length: the same reason whichever way the line is read.
    (
        "B-2,2026-07-20T10:00,vold,,,,,," + LONG + ",,",
        {3: "a cell is longer than 131072 characters."},
    ),
    # The cell is past the limit on its first line: the lines it would have gone on to are
    # read as records, and rejected as such.
    (
        f'B-2,2026-07-20,vold,"{LONG}\nstill the title\nand ""quoted"", still",,,,,,',
        {
            3: "a cell is longer than 131072 characters.",
            4: "expected 11 fields, found 1.",
            5: "expected 11 fields, found 8.",
        },
    ),
    ('B-2,2026-07-20,vold,"never closed', {3: NEVER_CLOSED + READ_ON}),
    (
        'B-2,2026-07-20,vold,"never closed\nmore of the title\n',
        {3: NEVER_CLOSED + READ_ON, 4: "expected 11 fields, found 1."},
    ),
    (
        'B-2,2026-07-20,vold,"a title\nwhose quotation mark closes","here",,',
        {
            3: "expected 11 fields, found 7. A quoted cell joins lines 3–4 into one record."
            + READ_ON,
            4: "expected 11 fields, found 4.",
        },
    ),
    (
        'B-2,2026-07-20,vold,"' + "x" * 1000 + "\n" + ("y" * 1000 + "\n") * 140,
        {
            3: "a quoted cell starting on this line runs on past 131072 characters: most "
            "likely its quotation mark is never closed." + READ_ON,
            **dict.fromkeys(range(4, 144), "expected 11 fields, found 1."),
        },
    ),
]


@pytest.mark.parametrize(("broken", "reasons"), BROKEN_LINES, ids=range(len(BROKEN_LINES)))
def test_a_line_that_cannot_be_read_is_rejected_and_the_lines_after_it_are_imported(
    tmp_path, broken, reasons
):
    header = HEADER.rstrip("\n") + ",summary,reported_at,responded_at\n"
    rows = [f"B-{n},2026-07-2{n}T10:00,vold,Titel {n},,,,,,," for n in (1, 3, 4)]
    text = header + rows[0] + "\n" + broken + "\n" + "\n".join(rows[1:]) + "\n"
    out, _ = run(write(tmp_path, text), "--source", "test-source")

    assert "Created: 3" in out and f"Rejected: {len(reasons)}" in out
    for line, reason in reasons.items():
        assert f"line {line}: {reason}\n" in out
    titles = dict(Incident.objects.values_list("external_id", "title"))
    assert titles == {"B-1": "Titel 1", "B-3": "Titel 3", "B-4": "Titel 4"}


def test_a_cell_longer_than_the_csv_module_reads_is_not_taken_as_a_usual_line():
    header = "external_id,occurred_at,category,summary\n"

    def first_row(summary):
        data = f"{header}S-1,2026-07-20T10:00,vold,{summary}\n".encode()
        with translation.override("en"):
            return next(read_rows(data, lengths={"external_id": 100}))

    assert type(first_row("x" * 131_072)) is tuple  # (line, cells): taken as it is
    assert first_row("x" * 131_073).error == "a cell is longer than 131072 characters."


# What breaks a line, and how many lines are then rejected: a cell that is past the limit on
# its first line leaves its other lines to be read, and rejected, as records of their own.
BREAKAGES = {
    "never closed": ('"never closed', 1),
    "too long": (LONG, 1),
    "too long, quoted across lines": (f'"{LONG}\nthe same cell, ""quoted"", closed",', 2),
}


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    titles=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\n"), max_size=20),
        min_size=1,
        max_size=6,
    ),
    broken_at=st.integers(0, 6),
    breakage=st.sampled_from(sorted(BREAKAGES)),
    delimiter=st.sampled_from([",", ";"]),
)
def test_a_broken_line_is_the_only_one_lost_wherever_it_is(
    district, titles, broken_at, breakage, delimiter
):
    broken_at = min(broken_at, len(titles))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["external_id", "occurred_at", "category", "title"])
    rows = [[f"H-{n}", "2026-07-20T10:00", "vold", title] for n, title in enumerate(titles)]
    writer.writerows(rows[:broken_at])
    broken, lost = BREAKAGES[breakage]
    out.write(delimiter.join(["H-x", "2026-07-20T10:00", "vold", broken]) + "\n")
    writer.writerows(rows[broken_at:])
    source = IncidentSource.objects.create(name=f"broken-{next(_sources)}", district=district)

    report = import_incidents(out.getvalue().encode(), source=source)

    if report.notes:
        # A quotation mark in a later title closed the one left open: the file then says the
        # lines between are one record, and the report says which line to check.
        assert breakage == "never closed"
        assert [line for line, _ in report.notes] == [broken_at + 2]
        assert not report.rejected
        return
    assert [line for line, _ in report.rejected] == [broken_at + 2 + n for n in range(lost)]
    assert report.created == len(titles)
    stored = dict(source.incidents.values_list("external_id", "title"))
    assert stored == {external_id: title.strip() for external_id, *_, title in rows}


def test_a_quotation_mark_never_closed_rejects_its_line_and_the_rest_is_read_on(tmp_path):
    text = HEADER + "U-1,2026-01-05T10:00,vandalism,Knust rude,,,,\n"
    text += 'U-2,2026-01-05T10:00,vandalism,"Knust\nU-3,2026-01-05T10:00,vandalism,rude,,,,\n'
    out, _ = run(write(tmp_path, text), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 1" in out
    assert f"line 3: {NEVER_CLOSED}{READ_ON}\n" in out
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"U-1", "U-3"}

    # On the last line, it takes nothing but its own line.
    out, _ = run(write(tmp_path, HEADER + 'U-4,2026-01-05,vandalism,"Knust'), "--source", "s")
    assert "Rejected: 1" in out
    assert f"line 2: {NEVER_CLOSED}\n" in out


# Each line closes the quotation mark left open before it (at x"y) and opens another ("z).
OPEN_AGAIN = 'O-{n},2026-01-05,x"y,"z\n'


def test_lines_that_each_leave_a_quotation_mark_open_are_rejected_one_by_one(tmp_path):
    text = "external_id,occurred_at,category\n" + "".join(OPEN_AGAIN.format(n=n) for n in (1, 2, 3))
    out, _ = run(write(tmp_path, text + "O-4,2026-01-05,vold\n"), "--source", "test-source")
    assert "Created: 1" in out and "Rejected: 3" in out
    assert f"line 2: {NEVER_CLOSED}{READ_ON}\n" in out
    assert "line 3: a quotation mark on this line is not closed on it.\n" in out
    assert "line 4: a quotation mark on this line is not closed on it.\n" in out


@pytest.mark.parametrize("end", ["", 'end"\n'])  # never closed, or closed at the end
def test_lines_that_each_leave_a_quotation_mark_open_are_read_in_linear_time(monkeypatch, end):
    lines = 2000
    text = "external_id,occurred_at,category\n"
    text += "".join(OPEN_AGAIN.format(n=n) for n in range(lines)) + end
    taken = Counter()
    next_line = reading._Lines.__next__

    def counted(self):
        taken["lines"] += 1
        return next_line(self)

    monkeypatch.setattr(reading._Lines, "__next__", counted)
    with translation.override("en"):
        rows = list(read_rows(text.encode()))
    assert len(rows) == lines + (1 if end else 0)
    assert all(row.error for row in rows)
    assert taken["lines"] < 4 * lines  # read again once, not once for every line before


def test_a_record_with_the_wrong_fields_says_which_lines_a_quoted_cell_joined(tmp_path):
    text = 'external_id,occurred_at,category,title\nQ-1,2026-01-05,vold,"Titel\nmed",linjeskift\n'
    out, _ = run(write(tmp_path, text), "--source", "test-source")
    assert (
        "line 2: expected 4 fields, found 5. A quoted cell joins lines 2–3 into one record."
        + READ_ON
        in out
    )


def test_a_quoted_cell_that_joins_what_looks_like_records_is_read_and_noted(tmp_path):
    # The quotation mark opened on line 2 is closed on line 4: as the file is written, lines
    # 2–4 are one record. It is read so, since a valid file may hold such a cell.
    text = HEADER + 'N-1,2026-01-05,vold,"Titel\nN-2,2026-01-05,vold,Titel,,,,\nslut",,,,\n'
    out, _ = run(write(tmp_path, text), "--source", "test-source")
    assert "Created: 1" in out and "Rejected: 0" in out
    assert "To check: 1\n" in out
    assert (
        "line 2: a quoted cell joins lines 2–4 into one record, but line 3 looks like a record "
        "of its own: check whether a quotation mark is missing.\n" in out
    )
    assert Incident.objects.get().title == "Titel\nN-2,2026-01-05,vold,Titel,,,,\nslut"


def test_a_note_on_a_joined_record_is_kept_when_the_record_is_rejected(tmp_path):
    # Line 4 closes the quotation mark opened on line 2, and gives the record its coordinates.
    text = HEADER + 'N-1,2026-01-05,vold,"Titel\nN-2,2026-01-05,vold,Titel,,,,\nslut",,,nord,12\n'
    out, _ = run(write(tmp_path, text), "--source", "test-source")
    assert "Rejected: 1" in out and "To check: 1\n" in out
    assert "line 2: a quoted cell joins lines 2–4 into one record, but line 3 looks" in out


def test_excel_columns_without_a_heading_and_rows_of_separators_only(tmp_path):
    # Danish Excel writes a column that once held something with an empty heading and
    # empty cells, and a cleared row as separators only.
    text = "external_id;occurred_at;category;;\r\nE-1;2026-01-05T10:00;vold;;\r\n;;;;\r\n"
    text += 'E-2;2026-01-05;vold;"";\r\n;;;;\r\nE-3;2026-01-05;vold;;note\r\n'
    out, _ = run(write(tmp_path, text, "cp1252"), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 1\n" in out
    assert "line 6: a column without a heading holds text.\n" in out
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"E-1", "E-2"}


def test_the_rows_of_a_file_are_estimated_whatever_ends_its_lines():
    for end in ("\n", "\r\n", "\r"):
        data = end.join(["external_id;occurred_at;category", "A;2026-01-05;vold", "B;x;y"])
        assert estimated_rows(data.encode()) == 2
        assert estimated_rows((data + end).encode()) == 2


def test_a_row_of_separators_only_is_skipped_like_a_blank_line(tmp_path):
    text = "external_id;occurred_at;category\r\nS-1;2026-01-05;vold\r\n;;\r\n ; ;\r\n"
    out, _ = run(write(tmp_path, text + "S-2;2026-01-05;vold\r\n"), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 0" in out


def test_a_quoted_cell_with_line_breaks_still_imports(tmp_path):
    text = HEADER + 'Q-1,2026-01-05,vold,"Titel, første linje\n2026-01-05 anden linje",,,,\n'
    text += "Q-2,2026-01-05,vold,Titel,,,,\n"
    out, _ = run(write(tmp_path, text), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 0" in out
    title = Incident.objects.get(external_id="Q-1").title
    assert title == "Titel, første linje\n2026-01-05 anden linje"


def test_json_lines_ended_by_carriage_returns_alone_are_read_line_by_line(tmp_path):
    good = '{"external_id": "J-%s", "occurred_at": "2026-07-20", "category": "vold"}\r'
    text = good % 1 + "{not json}\r" + good % 3
    out, _ = run(write(tmp_path, text, name="i.jsonl"), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 1" in out
    assert "line 2: not valid JSON at character 2" in out


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{external_id: "J-2"}',
         "not valid JSON at character 2: a field name must be written in double quotation marks."),
        ('{"external_id": "J-2", "category": }',
         "not valid JSON at character 36: a value is missing, or is not written the JSON way."),
        ('{"external_id": "J-2" "category": "vold"}',
         "not valid JSON at character 23: a comma or a closing bracket is missing."),
        ('{"title": "a\tb"}', "not valid JSON at character 13: a text holds a tab or another "
         "control character that must be escaped."),
        ('{"external_id": "J-2', "not valid JSON at character 17: a text is not closed by a double "
         "quotation mark."),
        ('{"title": "a\\qb"}',
         "not valid JSON at character 13: a backslash starts an escape that JSON does not have."),
        ('{"external_id": "J-2"} {}', "not valid JSON at character 24: more follows the end of "
         "the object."),
        ('{"external_id": "J-2", }', "not valid JSON at character 24: a comma is followed by no "
         "field; remove the comma before the “}”."),
        ("[" * 100_000, "the line is not valid JSON: it is nested too deeply."),
    ],
)  # fmt: skip
def test_a_json_line_that_is_not_json_is_rejected_in_plain_words(tmp_path, line, reason):
    good = '{"external_id": "J-%s", "occurred_at": "2026-07-20", "category": "vold"}\n'
    text = good % 1 + line + "\n" + good % 3
    out, _ = run(write(tmp_path, text, name="i.jsonl"), "--source", "test-source")
    assert "Created: 2" in out and "Rejected: 1" in out
    assert f"line 2: {reason}\n" in out


def test_a_municipality_code_that_contradicts_the_coordinates_is_rejected(tmp_path):
    text = HEADER + f"C-1,2026-07-20,vold,,,0259,{GREVE[0]},{GREVE[1]}\n"
    out, _ = run(write(tmp_path, text), "--source", "test-source")

    assert (
        "line 2: municipality_code 0259 (Køge) contradicts the coordinates, "
        "which lie in 0253 Greve." in out
    )
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\n\n", "The file is empty."),
        (b"external_id,occurred_at,category\n", "The file has no rows below its header."),
        (b"external_id,occurred_at,category,colour\nX,2026-07-20,vold,red\n",
         "line 1: unknown column “colour”"),
        (b"external_id,category\nX,vold\n", "line 1: the column occurred_at is missing"),
        # Blank lines above the header: its own line is named.
        (b"\n;;\nexternal_id,category\nX,vold\n", "line 3: the column occurred_at is missing"),
        (b"external_id,occurred_at,category\nX,2026-07-20,\x81\x8d\n",
         "line 2: the file is neither UTF-8 nor Windows-1252 text."),
        (b"e\x00x\x00t\x00", "The file is not a text file."),
        # "Kø" written in UTF-8 on one line and in Windows-1252 on the other, either way round.
        ("external_id,occurred_at,category,place\nX-1,2026-07-20,vold,Kø\n".encode()
         + "X-2,2026-07-20,vold,Kø\n".encode("cp1252"),
         "The file mixes two encodings: line 2 is written in UTF-8, line 3 in another"),
        ("external_id,occurred_at,category,place\nX-1,2026-07-20,vold,Kø\n".encode("cp1252")
         + "X-2,2026-07-20,vold,Kø\n".encode(),
         "The file mixes two encodings: line 3 is written in UTF-8, line 2 in another"),
        # Saved as UTF-8 with its mark, then a line added in Windows-1252.
        (b"\xef\xbb\xbf" + "external_id,occurred_at,category,place\nX-1,2026-07-20,vold,Kø\n"
         .encode("cp1252"),
         "The file mixes two encodings: line 1 is written in UTF-8, line 2 in another"),
        # A workbook or zip file renamed .csv: bytes Windows-1252 lacks before its first NUL.
        (b"PK\x03\x04\x81\x8d\n\x14\x00\x00\x00", "The file is not a text file."),
        (b'[{"external_id": "X", "occurred_at": "2026-07-20", "category": "vold"}]\n',
         "The file is a JSON array; write one JSON object per line"),
        # UTF-8 cut off inside "ø", with and without other UTF-8 letters before it.
        ("external_id,occurred_at,category,place\nX-1,2026-07-20,vold,Kø\n".encode()[:-2],
         "line 2: the file ends in the middle of a letter, so it has been cut off."),
        ("external_id,occurred_at,category,place\nX-1,2026-07-20,vold,Ø\nX-2,2026-07-20,vold,Kø"
         .encode()[:-1],
         "line 3: the file ends in the middle of a letter, so it has been cut off."),
        # Lines ended by carriage returns alone, as old Mac spreadsheets save them.
        ("external_id;occurred_at;category;place\rX-1;2026-07-20;vold;Kø\r".encode("cp1252")
         + "X-2;2026-07-20;vold;Kø\r".encode(),
         "The file mixes two encodings: line 3 is written in UTF-8, line 2 in another"),
    ],
)  # fmt: skip
def test_a_bad_file_is_a_command_error_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path, "--source", "new-source")
    assert not IncidentSource.objects.exists() and not Incident.objects.exists()


def test_a_missing_file_or_a_bad_source_is_a_command_error(tmp_path, source):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv", "--source", "test-source")
    with pytest.raises(CommandError, match="may hold only the letters a-z"):
        run(DOEGNRAPPORT, "--source", "døgn rapport")
    with pytest.raises(CommandError, match="belongs to district 8, not 1"):
        run(DOEGNRAPPORT, "--source", "test-source", "--district", "1")
    with pytest.raises(CommandError, match="no police district number 99"):
        run(DOEGNRAPPORT, "--source", "other", "--district", "99")
    assert not Incident.objects.exists()


def test_a_dry_run_reports_and_writes_nothing(tmp_path):
    out, _ = run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj", "--dry-run")
    assert "Dry run: nothing was written." in out and "Created: 9" in out
    assert not IncidentSource.objects.exists() and not Incident.objects.exists()

    run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj")
    corrected = DOEGNRAPPORT.read_text(encoding="utf-8").replace("Syrebomber", "Syrebombe")
    out, _ = run(write(tmp_path, corrected), "--source", "doegnrapport-mvsj", "--dry-run")
    assert "Created: 1" in out and "Unchanged: 8" in out
    assert Incident.objects.count() == 9
    assert not Incident.objects.filter(title__startswith="Syrebombe ").exists()


def test_the_summary_speaks_danish_by_default():
    out = io.StringIO()
    call_command(
        "import_incidents", str(DOEGNRAPPORT), "--source", "d", stdout=out, stderr=io.StringIO()
    )
    assert "Oprettet: 9" in out.getvalue()


def test_incidents_are_visible_to_their_district_and_municipality_only(tmp_path, personas, greve):
    run(DOEGNRAPPORT, "--source", "doegnrapport-mvsj")
    run(write(tmp_path, HEADER + "K-1,2026-07-20,vold,,,0259,,\n"), "--source", "doegnrapport-mvsj")
    foreign = IncidentSource.objects.create(
        name="nordjylland", district=PoliceDistrict.objects.get(number=1)
    )
    Incident.objects.create(
        source=foreign,
        external_id="N-1",
        occurred_at=datetime.datetime(2026, 7, 20, tzinfo=UTC),
        category=Category.VIOLENCE,
    )

    def seen(persona):
        return set(
            Incident.objects.visible_to(personas[persona]).values_list("external_id", flat=True)
        )

    mvsj = set(
        Incident.objects.filter(source__name="doegnrapport-mvsj").values_list(
            "external_id", flat=True
        )
    )
    greve_ids = set(
        Incident.objects.filter(municipality=greve).values_list("external_id", flat=True)
    )
    assert len(greve_ids) == 9
    assert seen("outsider") == set()
    assert seen("council_member") == set()
    assert seen("greve_staff") == greve_ids
    assert seen("koege_officer") == {"K-1"}
    assert seen("district_staff") == seen("secretariat") == mvsj
    assert seen("foreign_secretariat") == {"N-1"}
    assert list(IncidentSource.objects.visible_to(personas["outsider"])) == []
    assert list(IncidentSource.objects.visible_to(personas["foreign_secretariat"])) == [foreign]


# Values a person or a spreadsheet might put in each field, good and bad alike.
_text = st.text(max_size=60)
_when = st.one_of(
    st.datetimes(
        min_value=datetime.datetime(1890, 1, 1), max_value=datetime.datetime(2030, 1, 1)
    ).map(lambda d: d.isoformat()),
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2026, 1, 1)).map(str),
    _text,
)
_coordinate = st.one_of(
    st.just(""),
    st.decimals(min_value=54, max_value=58, places=6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    _text,
)
ROW = st.fixed_dictionaries(
    {
        "external_id": st.one_of(st.sampled_from(["A", "B", "C", ""]), _text),
        "occurred_at": _when,
        "reported_at": st.one_of(st.just(""), _when),
        "category": st.one_of(
            st.sampled_from([*Category.values, "Vold", "Tyveri fra køretøjer – Cykler"]), _text
        ),
        "title": st.one_of(_text, st.text(min_size=290, max_size=310)),
        "place": st.one_of(st.sampled_from(["Torvet, Greve", "Køge", ""]), _text),
        "municipality_code": st.sampled_from(["", "0253", "253", "0259", "9999", "x"]),
        "lat": _coordinate,
        "lon": st.one_of(st.decimals(min_value=8, max_value=13, places=6).map(str), _coordinate),
        "summary": _text,
        "responded_at": st.one_of(st.just(""), _when),
    }
)
_sources = itertools.count()


def _as_file(rows, layout):
    if layout == "jsonl":
        return "".join(json.dumps(row) + "\n" for row in rows).encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=layout)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@hypothesis_settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(ROW, min_size=1, max_size=6), layout=st.sampled_from(["jsonl", ",", ";"]))
def test_any_row_imports_or_is_rejected_with_a_reason_and_reimporting_is_idempotent(
    district, rows, layout
):
    if layout != "jsonl":
        # A NUL makes the whole file binary, which is a file error rather than a row's.
        rows = [{k: v.replace("\x00", "") for k, v in row.items()} for row in rows]
    data = _as_file(rows, layout)
    source = IncidentSource.objects.create(name=f"fuzz-{next(_sources)}", district=district)

    first = import_incidents(data, source=source)
    assert first.imported + len(first.rejected) == len(rows)
    assert all(line >= 1 and reason for line, reason in first.rejected)
    assert source.incidents.count() == first.created == first.imported

    again = import_incidents(data, source=source)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.imported
    assert again.rejected == first.rejected


def test_a_statistics_only_correction_opens_no_deadline(source):
    load_guarantees()
    header = "external_id,occurred_at,reported_at,category,municipality_code\n"
    burglary = header + "A,2026-07-20T10:00,2026-07-20T10:05,burglary_home,0259\n"
    import_incidents(burglary.encode(), source=source)
    before = set(Deadline.objects.values_list("pk", flat=True))
    assert before
    violence = header + "A,2026-07-20T10:00,2026-07-20T10:05,vold,0259\n"
    report = import_incidents(violence.encode(), source=source, statistics_only=True)
    assert report.updated == 1
    assert set(Deadline.objects.values_list("pk", flat=True)) == before
    assert set(Deadline.objects.values_list("outcome", flat=True)) == {Deadline.Outcome.VOID}
