"""Importing a file of millions of rows in little memory: repeated external ids are found
from a few bytes a row (seen.py) with the same report as from the ids themselves, and the
command maps the file instead of reading it (mapped.py), which reads as the bytes do."""

import io
import mmap
import random

import pytest
from django.core.management import call_command
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tryghed.incidents import importer, mapped
from tryghed.incidents.importer import import_incidents
from tryghed.incidents.management.commands import import_incidents as command
from tryghed.incidents.mapped import MappedFile, file_bytes
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.incidents.reading import ImportFileError, estimated_rows, read_rows
from tryghed.incidents.seen import FirstLines

HEADER = "external_id,occurred_at,category,lat,lon\n"
# Line by line from line 2, with what the import says of each (None: imported).
ROWS = [
    ("A,2026-07-20T10:00,vold,,", None),
    ("B,2026-07-20T10:00,vold,,", None),
    ("C,2026-07-20T10:00,vold,,", None),
    ("A,2026-07-20T11:00,vold,,", "A appears again; it was already on line 2."),
    ("D,2026-07-20T10:00,vold,,", None),
    ("D,2026-07-20T10:00,vold,,", "D appears again; it was already on line 6."),
    ("G,20-07-2026,vold,,", "occurred_at “20-07-2026” is not a date or time"),
    # Its first row was rejected before its id was looked at: this one is the first.
    ("G,2026-07-20T10:00,vold,,", None),
    ("H,2026-07-20T10:00,vold,0,0", "the point 0.000000, 0.000000 is not in Denmark."),
    # Its first row was rejected for where it is: this one is the first, as above.
    ("H,2026-07-20T10:00,vold,,", None),
    ("H,2026-07-20T11:00,vold,,", "H appears again; it was already on line 11."),
    ("A,2026-07-20T12:00,vold,,", "A appears again; it was already on line 2."),
    ("B,2026-07-20T10:00,vold,,", "B appears again; it was already on line 3."),
    ("A,2026-07-20T13:00,vold,,", "A appears again; it was already on line 2."),
]


def run(path, *args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_incidents", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.usefixtures("reference")
@pytest.mark.parametrize("chunk_rows", [1, 3, 4, importer.CHUNK_ROWS])
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_repeated_id_is_rejected_with_its_first_line_within_and_across_chunks(
    tmp_path, monkeypatch, chunk_rows, dry_run
):
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + "".join(row + "\n" for row, _ in ROWS))

    out = run(path, "--source", "repeats", *(["--dry-run"] if dry_run else []))

    said = [line.strip() for line in out.splitlines() if line.startswith("  line ")]
    expected = [f"line {n}: {reason}" for n, (_, reason) in enumerate(ROWS, start=2) if reason]
    assert len(said) == len(expected)
    assert all(s.startswith(e) for s, e in zip(said, expected, strict=True)), said
    assert "Created: 6" in out and "Rejected: 8" in out
    if not dry_run:
        assert sorted(Incident.objects.values_list("external_id", flat=True)) == list("ABCDGH")
        # The first of each is the one kept.
        assert Incident.objects.get(external_id="A").occurred_at.hour == 8  # 10:00 in summer


def expected_repeats(ids, valid):
    """(line, first line) of each repeated id, from a plain dict, as the import had it."""
    first, repeats = {}, []
    for line, (external_id, ok) in enumerate(zip(ids, valid, strict=True), start=2):
        if not ok:
            continue
        if external_id in first:
            repeats.append((line, first[external_id]))
        else:
            first[external_id] = line
    return repeats


@pytest.mark.usefixtures("reference")
@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D", "Æ", "A "]),
            st.sampled_from(["valid", "no category", "not in Denmark"]),
        ),
        min_size=1,
        max_size=30,
    ),
    chunk_rows=st.integers(1, 7),
)
def test_the_repeats_are_those_a_dict_of_the_ids_finds(monkeypatch, district, rows, chunk_rows):
    monkeypatch.setattr(importer, "CHUNK_ROWS", chunk_rows)
    ids = [external_id for external_id, _ in rows]
    valid = [fault == "valid" for _, fault in rows]
    # Refused by the checks of a row alone, or by where it is, which is found per chunk.
    cells = {"valid": "vold,,", "no category": ",,", "not in Denmark": "vold,0,0"}
    lines = [f"{i},2026-07-20T10:00,{cells[fault]}" for i, fault in rows]
    data = (HEADER + "\n".join(lines) + "\n").encode()

    source = IncidentSource(name="fuzz", district=district)
    with translation.override("en"):
        report = import_incidents(data, source=source, dry_run=True)

    # "A " is "A" once stripped, as the import stores it.
    stripped = [i.strip() for i in ids]
    repeats = expected_repeats(stripped, valid)
    said = [(line, reason) for line, reason in report.rejected if "appears again" in reason]
    assert [line for line, _ in said] == [line for line, _ in repeats]
    for (_, reason), (line, first) in zip(said, repeats, strict=True):
        assert reason == f"{stripped[line - 2]} appears again; it was already on line {first}."
    assert report.created == len({i for i, ok in zip(stripped, valid, strict=True) if ok})
    assert [line for line, _ in report.rejected] == sorted(line for line, _ in report.rejected)


# The structure itself, with keys made up as (hash, check) pairs: ids whose hashes agree
# cannot be made on purpose.


def test_a_key_is_seen_only_when_both_its_hash_and_its_check_agree():
    seen = FirstLines()
    assert seen.see([7, 7, 8], [1, 2, 1], [2, 3, 4]) == [2, 3, 4]
    # (7, 3) and (8, 2) share a hash with a key seen, not its check: they are new.
    assert seen.see([7, 7, 8, 8, 9], [2, 3, 1, 2, 1], [5, 6, 7, 8, 9]) == [3, 6, 4, 8, 9]
    assert seen.see([8, 7], [2, 3], [10, 11]) == [8, 6]
    assert len(seen) == 6


def test_keys_that_share_a_hash_in_one_chunk_each_keep_their_first_line():
    seen = FirstLines()
    assert seen.see([5, 5, 5, 5, 5], [1, 2, 1, 2, 3], [10, 11, 12, 13, 14]) == [10, 11, 10, 11, 14]
    assert seen.see([5, 5, 5], [3, 2, 4], [15, 16, 17]) == [14, 11, 17]


def test_keys_that_share_a_hash_are_found_in_merged_runs():
    seen = FirstLines()
    for check in range(100):  # one key a chunk: the runs merge over and over
        assert seen.see([42, check * 1000], [check, 0], [2 * check + 2, 2 * check + 3]) == [
            2 * check + 2,
            2 * check + 3,
        ]
    checks = list(reversed(range(100)))
    assert seen.see([42] * 100, checks, range(1000, 1100)) == [2 * c + 2 for c in checks]
    assert seen.see([42], [100], [2000]) == [2000]


def test_the_extreme_hashes_and_lines_past_four_billion():
    seen = FirstLines()
    low, high = -(2**63), 2**63 - 1
    assert seen.see([low, high, 0], [0, 2**32 - 1, 0], [2, 3, 4]) == [2, 3, 4]
    far = 2**32 + 10
    # A run of large lines merged into one of small lines.
    found = seen.see([1, low, 2, 3], [1, 0, 1, 1], [far, far + 1, far + 2, far + 3])
    assert found == [far, 2, far + 2, far + 3]
    found = seen.see([1, 2, high, 0, 3], [1, 1, 2**32 - 1, 0, 1], [far + 4] * 5)
    assert found == [far, far + 2, 3, 4, far + 3]


def test_nothing_to_see():
    seen = FirstLines()
    assert seen.see([], [], []) == []
    assert seen.first_lines_of([], []) == []
    assert len(seen) == 0


KEYS = st.tuples(st.integers(-3, 3), st.integers(0, 3))  # few: hashes shared often


@hypothesis_settings(max_examples=200, deadline=None)
@given(chunks=st.lists(st.lists(KEYS, max_size=12), max_size=12))
def test_first_lines_agree_with_a_dict(chunks):
    seen, first = FirstLines(), {}
    line = 1
    for chunk in chunks:
        lines = list(range(line, line + len(chunk)))
        line += len(chunk)
        expected = [first.setdefault(key, n) for key, n in zip(chunk, lines, strict=True)]
        found = seen.see([h for h, _ in chunk], [c for _, c in chunk], lines)
        assert found == expected
    assert len(seen) == len(first)


@hypothesis_settings(max_examples=100, deadline=None)
@given(
    ids=st.lists(st.text(max_size=4), max_size=60),
    sizes=st.lists(st.integers(1, 9), min_size=1),
)
def test_first_lines_of_text_ids_agree_with_a_dict(ids, sizes):
    seen, first = FirstLines(), {}
    at, sizes = 0, iter(sizes * 60)
    while at < len(ids):
        chunk = ids[at : at + next(sizes)]
        lines = range(at + 2, at + 2 + len(chunk))
        expected = [first.setdefault(i, n) for i, n in zip(chunk, lines, strict=True)]
        assert seen.first_lines_of(chunk, lines) == expected
        at += len(chunk)


def test_a_key_costs_some_eighteen_bytes():
    seen = FirstLines()
    for start in range(0, 200_000, 20_000):
        ids = [f"B{n:09d}" for n in range(start, start + 20_000)]
        seen.first_lines_of(ids, range(start + 2, start + 20_002))
    assert len(seen) == 200_000
    assert seen.nbytes / len(seen) <= 18
    # All are found again, at their own lines.
    ids = [f"B{n:09d}" for n in random.Random(1).sample(range(200_000), 1000)]
    assert seen.first_lines_of(ids, range(300_000, 301_000)) == [int(i[1:]) + 2 for i in ids]


# The mapped file.

CONTENTS = {
    "lines": b"external_id,occurred_at,category\n" + b"X-1,2026-07-20,vold\n" * 2000,
    "crlf, no last line end": b"external_id;occurred_at;category\r\n"
    + b"X-1;2026-07-20;vold\r\n" * 2000
    + b"X-2;2026-07-20;vold",
    "carriage returns": b"external_id,occurred_at,category,place\r"
    + "X-1,2026-07-20,vold,Kø\r".encode("cp1252") * 2000,
    "json lines": b'{"external_id": "X", "occurred_at": "2026-07-20", "category": "vold"}\n' * 1000,
    "byte order mark": b"\xef\xbb\xbf"
    + b"external_id,occurred_at,category,place\n"
    + "X-1,2026-07-20,vold,Kø\n".encode() * 2000,
    "mixed encodings": b"external_id,occurred_at,category,place\n"
    + "X-1,2026-07-20,vold,Kø\n".encode("cp1252") * 1000
    + "X-2,2026-07-20,vold,Kø\n".encode(),
    "cut off": (
        "external_id,occurred_at,category,place\n" + "X-1,2026-07-20,vold,Kø\n" * 1000
    ).encode()[:-2],
    "not text": b"external_id,occurred_at,category\n" * 1000 + b"\x00",
    "blank": b"\n" * 10_000,
    "empty": b"",
}


def read(data):
    """What reading a file gives: its rows and estimated count, or the reason it fails."""
    try:
        return list(read_rows(data, lengths={"external_id": 100})), estimated_rows(data)
    except ImportFileError as error:
        return str(error)


@pytest.mark.parametrize("name", sorted(CONTENTS))
def test_a_mapped_file_reads_as_its_bytes(tmp_path, monkeypatch, name):
    # Small blocks, so that the file is read across many of them.
    monkeypatch.setattr(mapped, "_BLOCK", mmap.PAGESIZE)
    content = CONTENTS[name]
    path = tmp_path / "incidents.csv"
    path.write_bytes(content)

    data = file_bytes(path)

    assert isinstance(data, MappedFile) == bool(content)
    assert read(data) == read(content)
    assert read(data) == read(content)  # and again, from its start


@pytest.mark.parametrize("block", [mmap.PAGESIZE, 1 << 20])
def test_a_mapped_file_has_the_bytes_methods_that_reading_uses(tmp_path, monkeypatch, block):
    monkeypatch.setattr(mapped, "_BLOCK", block)
    page = mmap.PAGESIZE
    content = b"x" * (page - 1) + b"\r\n" + b"y" * (2 * page) + b"\x00\n" + b"z" * 10
    path = tmp_path / "data"
    path.write_bytes(content)
    data = file_bytes(path)

    for part in [b"\n", b"\r\n", b"\x00", b"x\r", b"\ny", b"zz", b"q", content, content + b"z"]:
        assert (part in data) == (part in content)
        assert data.startswith(part) == content.startswith(part)
        assert data.endswith(part) == content.endswith(part)
        for start, end in [(0, None), (page, None), (0, page), (page - 1, page + 1), (5, 2)]:
            assert data.count(part, start, end) == content.count(part, start, end)
    assert data[page - 2 : page + 3] == content[page - 2 : page + 3]
    assert data[:] == content


@pytest.mark.usefixtures("reference")
def test_the_command_imports_from_the_mapped_file(tmp_path, monkeypatch):
    given = []

    def imported(data, **kwargs):
        given.append(data)
        return import_incidents(data, **kwargs)

    monkeypatch.setattr(command, "import_incidents", imported)
    path = tmp_path / "incidents.csv"
    path.write_text(HEADER + "".join(row + "\n" for row, _ in ROWS))

    assert "Created: 6" in run(path, "--source", "mapped")
    assert [type(data) for data in given] == [MappedFile]
