"""The importer's two ways of reading a CSV line agree.

A line of the usual shape is taken from its raw text (reading.usual_line, importer._usual);
any other line goes through the csv module and the full check of each cell. Whichever way a
line goes, the import must come out the same: the same incidents, the same rejections with
the same reasons, the same summary.
"""

import csv
import datetime
import io
import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.incidents import importer, reading
from tryghed.incidents.bulk import FIELDS as WRITTEN
from tryghed.incidents.importer import import_incidents
from tryghed.incidents.models import Category, Incident, IncidentSource
from tryghed.incidents.reading import FIELDS, REQUIRED, read_rows

_sources = itertools.count()
_LENGTHS = {"external_id": 100, "title": 300, "place": 300}
# What an import writes, the municipality by its code.
COMPARED = [name.replace("municipality_id", "municipality__code") for name in WRITTEN]


def _local_times():
    """Times written the plain way, on days the shape cannot judge: those that do not
    exist, around 2000 (the first year kept), in spring's missing hour and autumn's double
    one, and around now."""
    today = timezone.localdate()
    near_now = st.integers(-3, 3).map(lambda days: today + datetime.timedelta(days=days))
    dates = st.one_of(
        st.dates(datetime.date(1999, 12, 30), datetime.date(2000, 1, 2)),
        st.dates(datetime.date(2020, 1, 1), datetime.date(2025, 12, 31)),
        near_now,
        st.sampled_from([datetime.date(2023, 3, 26), datetime.date(2023, 10, 29)]),
    ).map(str)
    clock = st.tuples(st.integers(0, 23), st.integers(0, 59), st.none() | st.integers(0, 59))
    written = st.builds(
        lambda date, sep, c: (
            f"{date}{sep}{c[0]:02d}:{c[1]:02d}" + ("" if c[2] is None else f":{c[2]:02d}")
        ),
        dates,
        st.sampled_from(["T", " "]),
        clock,
    )
    impossible = st.sampled_from(["2023-02-29T10:00", "2024-02-30 10:00", "2024-04-31T08:15"])
    return st.one_of(written, impossible)


_time = _local_times()
_coordinate = st.one_of(
    st.decimals(min_value=54, max_value=58, places=6).map(str),
    st.decimals(min_value=-181, max_value=181, places=6).map(str),
    st.decimals(min_value=54, max_value=58, places=2).map(lambda d: str(d).replace(".", ",")),
    st.sampled_from(["90", "90.000001", "-90.0", "180.000000", "-180.000001", "55"]),
)
_long = {
    n: st.integers(n - 1, n + 1).map(lambda size: "a" + "b" * (size - 2) + "c") for n in (100, 300)
}
# Cells of the usual shape: each line of them is taken as it is, whether it imports or not.
USUAL = {
    "external_id": st.one_of(st.sampled_from(["A", "B", "C", "Ø-1"]), _long[100]),
    "occurred_at": _time,
    "reported_at": st.one_of(st.just(""), _time),
    "responded_at": st.one_of(st.just(""), _time),
    "category": st.sampled_from(
        [*Category.values, "Vold", "Tyveri fra køretøjer – Cykler", "vold", "Måneran"]
    ),
    "title": st.one_of(st.sampled_from(["Indbrud", "a,b", "a;b", ""]), _long[300]),
    "place": st.sampled_from(["Torvet, Greve", "Køge", "", "Møllevej, Karlslunde (Greve)"]),
    "municipality_code": st.sampled_from(["", "0253", "253", "0259", "9999", "0101"]),
    "lat": st.one_of(st.just(""), _coordinate),
    "lon": st.one_of(st.just(""), st.decimals(min_value=8, max_value=13, places=6).map(str)),
    "summary": st.sampled_from(["", "Vold på Torvet.", "Tre, fire; fem"]),
}
# What may stand at either end of a cell (the shape takes a cell only without it); any text
# besides.
_edge = st.sampled_from([" ", "\xa0", "\t", "\u2003", "\x1c", "\x85", "\n"])
_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)
_odd_time = st.sampled_from(
    ["2024-01-01T24:00", "2024-01-01T10:00+01:00", "2024-01-01", "20240101T1000", "2024-1-1"]
)
_odd_number = st.sampled_from(["55.1234567", "55.", ".5", "+55.5", "1e1", "0055.1", "nan", "٥٥.٥"])


def _odd(name):
    """A cell off the usual shape, for the csv module and the full check."""
    usual = USUAL[name]
    padded = st.one_of(st.tuples(_edge, usual).map("".join), st.tuples(usual, _edge).map("".join))
    extra = {"occurred_at": _odd_time, "reported_at": _odd_time, "lat": _odd_number}
    extra |= {"lon": _odd_number, "municipality_code": st.just("０２５３")}
    return st.one_of(padded, _text, st.just('say "hi"'), extra.get(name, _text))


ODD = {name: _odd(name) for name in USUAL}


@st.composite
def csv_files(draw):
    """A CSV file whose lines are mostly of the usual shape, some with a cell or two off it."""
    optional = [name for name in FIELDS if name not in REQUIRED]
    columns = draw(st.permutations([*REQUIRED, *draw(st.sets(st.sampled_from(optional)))]))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        odd = draw(st.sets(st.sampled_from(columns), max_size=2)) if draw(st.booleans()) else ()
        rows.append([draw(ODD[name] if name in odd else USUAL[name]) for name in columns])
    out = io.StringIO(newline="")
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
    )
    writer.writerow(columns)
    writer.writerows(rows)
    if not rows:
        out.write("\n")  # a file with no rows is a file error either way
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


def _imported(data, district):
    """What importing the file does: the summary and the incidents, or the file's error."""
    source = IncidentSource.objects.create(name=f"usual-{next(_sources)}", district=district)
    try:
        report = import_incidents(data, source=source)
    except reading.ImportFileError as error:
        return str(error), []
    stored = list(source.incidents.order_by("external_id").values_list(*COMPARED))
    return vars(report), stored


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=csv_files())
def test_a_line_imports_the_same_whether_taken_as_it_is_or_cell_by_cell(
    district, greve, koege, monkeypatch, data
):
    usual = _imported(data, district)
    with monkeypatch.context() as patched:
        patched.setattr(importer, "_rows", read_rows)  # every line through the csv module
        cell_by_cell = _imported(data, district)
    assert usual == cell_by_cell


@hypothesis_settings(max_examples=100, deadline=None)
@given(data=csv_files())
def test_a_line_of_the_usual_shape_has_the_cells_the_csv_module_finds(data):
    try:
        plain = list(read_rows(data))
    except reading.ImportFileError:
        return
    usual = list(read_rows(data, lengths=_LENGTHS))
    assert len(usual) == len(plain)
    for taken, row in zip(usual, plain, strict=True):
        if type(taken) is tuple:
            line, cells = taken
            assert line == row.line and not row.error
            assert dict(zip(FIELDS, cells, strict=True)) == {
                name: row.values.get(name, "") for name in FIELDS
            }
        else:
            assert taken == row


def test_the_usual_lines_are_taken_as_they_are_and_the_others_cell_by_cell():
    header = "external_id;occurred_at;category;place;lat;lon;municipality_code;summary\r\n"
    lines = [
        "A-1;2024-03-05T12:00;burglary_home;Torvet, Greve;55,589;12.27;0253;Indbrud.\r\n",
        'A-2;"2024-03-05 12:00:30";"Vold";"Køge";;;259;"Vold; to ramt"\r\n',
        "A-3; 2024-03-05T12:00;burglary_home;;;;;\r\n",  # a space before the time
        'A-4;2024-03-05T12:00;burglary_home;"two\nlines";;;;\r\n',  # a line break in a cell
        "A-5;2024-03-05T12:00;burglary_home;;55.1234567;12.1;;\r\n",  # seven decimals
        "A-6;2024-03-05T12:00;burglary_home;;;;;\r\n",
    ]
    taken = list(read_rows((header + "".join(lines)).encode(), lengths=_LENGTHS))
    assert [(type(t) is tuple, t[0] if type(t) is tuple else t.line) for t in taken] == [
        (True, 2),
        (True, 3),
        (False, 4),
        (False, 5),
        (False, 7),
        (True, 8),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "A-1,2024-02-30T10:00,burglary_home,,,,",  # a day the month does not have
        "A-1,2024-03-05T12:00,burglary_home,,95.5,12.1,",  # north of the pole
        "A-1,2024-03-05T12:00,burglary_home,,55.5,,",  # lat without lon
        "A-1,2024-03-05T12:00,tyveri af måner,,,,",  # an unknown category
        "A-1,2024-03-05T12:00,burglary_home,,,,9999",  # an unknown municipality
        "A-1,1999-12-31T23:00,burglary_home,,,,",  # too early
        "A-1,2024-03-05T12:00,burglary_home,2024-03-05T11:59,,,",  # reported before it occurred
        "A-1,2023-03-26T02:30,burglary_home,2023-03-26T03:00,,,",  # the same, in spring's gap
    ],
)
def test_a_usual_line_the_shape_cannot_judge_is_rejected_for_the_reason_the_full_check_gives(
    district, line, monkeypatch
):
    header = "external_id,occurred_at,category,reported_at,lat,lon,municipality_code\n"
    data = (header + line + "\n").encode()
    assert type(next(read_rows(data, lengths=_LENGTHS))) is tuple
    usual = _imported(data, district)
    monkeypatch.setattr(importer, "_rows", read_rows)
    assert usual == _imported(data, district)
    report, stored = usual
    assert report["rejected"] and report["rejected"][0][0] == 2 and stored == []


def test_a_usual_line_imports_like_the_same_line_cell_by_cell(district, greve):
    data = (
        b"external_id,occurred_at,category,place,municipality_code,lat,lon,reported_at\n"
        b'G-1,2024-03-05T12:00,burglary_home,"Torvet, Greve",253,55.589,12.27,2024-03-05 12:10\n'
    )
    report, stored = _imported(data, district)
    assert report["created"] == 1 and not report["rejected"], report
    incident = Incident.objects.get(external_id="G-1", source__name__startswith="usual-")
    assert incident.municipality == greve
    assert incident.occurred_at == datetime.datetime(2024, 3, 5, 11, 0, tzinfo=datetime.UTC)
    assert incident.reported_at == datetime.datetime(2024, 3, 5, 11, 10, tzinfo=datetime.UTC)
    assert stored[0][-4:] == ("0253", incident.lat, incident.lon, "")


# A file as a spreadsheet writes it holds any text in a quoted cell, line breaks and
# quotation marks included, and text that looks like a record of its own.
_ANY_CELL = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
    st.sampled_from(["R-9,2026-07-20T10:00,vold,Titel", '"', '""', "\n", "\r\n", ";", ","]),
    st.lists(st.sampled_from(["R-9", "2026-07-20", "vold", "\n", '"', ",", ";", " "])).map("".join),
)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(_ANY_CELL, min_size=4, max_size=4), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    usual=st.booleans(),
)
def test_a_valid_file_is_read_record_for_record_whatever_its_cells_hold(
    rows, delimiter, quoting, usual
):
    header = ["external_id", "occurred_at", "category", "title"]
    # Each row has its required cells, so no row is taken for a blank one.
    rows = [[f"R-{n}", "2026-07-20T10:00", "vold" + a, b + c + d] for n, (a, b, c, d) in
            enumerate(rows)]  # fmt: skip
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting, lineterminator="\r\n")
    writer.writerows([header, *rows])
    data = out.getvalue().encode("utf-8", "surrogatepass")

    read = []
    for row in read_rows(data, lengths=_LENGTHS if usual else None):
        if type(row) is tuple:
            line, cells = row
            read.append([cells[FIELDS.index(name)] for name in header])
        else:
            # A cell holding what looks like a record may be noted, but is read as written.
            assert not row.error, row
            read.append([row.values[name] for name in header])
    assert read == rows
