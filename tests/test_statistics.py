"""Official statistics: importing StatBank files, and the trends and rates computed from them."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from tryghed.organisation.models import Municipality
from tryghed.statistics import numbers, statbank
from tryghed.statistics.management.commands.import_statistics import Command
from tryghed.statistics.models import StatSeries, StatTable, StatValue

STRAF11_FILE = (
    Path(settings.BASE_DIR)
    / "data"
    / "statistics"
    / "dst_straf11_kommune_kvartal_hovedgrupper_2008K1_2022K2.csv"
)
HEADER = [
    "kvartal",
    "kommunekode",
    "kommunenavn",
    "overtraedelse_gruppe_da",
    "overtraedelse_gruppe_en",
    "anmeldte_forbrydelser",
    "folketal_kvartalsstart",
]
ROWS = [
    ["2019K1", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "46", "60675"],
    ["2019K1", "0259", "Køge", "Særlove i alt", "Special acts", "264", "60675"],
    ["2019K2", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "51", "60710"],
    ["2019K1", "0253", "Greve", "Voldsforbrydelser i alt", "Crimes of violence", "30", "50000"],
]


def write(path, rows, *, header=HEADER, delimiter=",", encoding="utf-8"):
    text = "\r\n".join(delimiter.join(cells) for cells in [header, *rows]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *args):
    """Run the command in English; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_statistics", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_file(path, **kwargs):
    with translation.override("en"):
        return statbank.import_table(path.read_bytes(), "STRAF11", **kwargs)


def stored(code, year, quarter, label):
    return StatValue.objects.get(
        municipality__code=code, year=year, quarter=quarter, series__label=label
    )


def test_the_straf11_file_imports_as_it_is_and_gives_rates_per_1000(reference):
    out, err = run(STRAF11_FILE)

    assert StatValue.objects.count() == 28_710
    assert "28710 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert "100%" in err  # the progress bar ran to its end
    table = StatTable.objects.get(code="STRAF11")
    assert table.imported_at is not None and table.source_checksum
    assert table.series.count() == 5
    # 2019K1,0259,Køge,Ejendomsforbrydelser i alt,Offences against property,599,60675
    property_crime = stored("0259", 2019, 1, "Ejendomsforbrydelser i alt")
    assert (property_crime.value, property_crime.population) == (599, 60675)
    assert property_crime.period == "2019K1"
    assert property_crime.series.label_en == "Offences against property"
    assert str(property_crime.period_start) == "2019-01-01"
    # Christiansø (0411) is a municipality of the reference data, so its rows are kept.
    assert StatValue.objects.filter(municipality__code="0411").count() == 290

    koege = Municipality.objects.get(code="0259")
    series = StatSeries.objects.get(label="Ejendomsforbrydelser i alt")
    values = StatValue.objects.of_table("STRAF11").in_municipality(koege).in_series(series)
    quarters = {p.period: p for p in numbers.quarterly_trend(values)[(koege.pk, series.pk)]}
    assert len(quarters) == 58
    # 599 / 60,675 × 1000 = 9.8722…
    assert quarters["2019K1"].rate == Decimal("9.9")
    years = {p.period: p for p in numbers.yearly_trend(values)[(koege.pk, series.pk)]}
    # 2019: 599 + 548 + 544 + 652 = 2,343 offences over a mean population of
    # (60,675 + 60,710 + 60,725 + 60,836) / 4 = 60,736.5, so 2,343 / 60,736.5 × 1000 = 38.576…
    assert years["2019"].value == 2343
    assert years["2019"].mean_population == Decimal("60736.5")
    assert years["2019"].rate == Decimal("38.6")
    assert years["2019"].complete
    assert years["2022"].quarters == 2 and not years["2022"].complete
    assert list(years) == [str(year) for year in range(2008, 2023)]
    rows = numbers.yearly_rows(values).filter(year=2019)
    assert rows.get()["rate"] == pytest.approx(38.5764, abs=1e-4)

    # Run again as `make setup` does: the same file is recognised and nothing is read.
    before = list(StatValue.objects.order_by("pk").values_list("pk", "value", "population"))
    out, _ = run(STRAF11_FILE)
    assert "the same file was imported before; 28710 values unchanged" in out
    # Read it all the same: every row is compared and none changes.
    out, _ = run(STRAF11_FILE, "--force")
    assert "0 created, 0 updated, 28710 unchanged" in out
    after = list(StatValue.objects.order_by("pk").values_list("pk", "value", "population"))
    assert after == before
    assert StatTable.objects.get().imported_at == table.imported_at


def test_a_corrected_file_updates_values_in_place(reference, tmp_path):
    result = import_file(write(tmp_path / "straf11.csv", ROWS))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    violence = stored("0259", 2019, 1, "Voldsforbrydelser i alt")

    corrected = [row[:] for row in ROWS]
    corrected[0][5] = "47"
    corrected[2][6] = "60711"
    result = import_file(write(tmp_path / "straf11.csv", corrected))

    assert (result.created, result.updated, result.unchanged) == (0, 2, 2)
    violence.refresh_from_db()
    assert violence.value == 47  # the same row, corrected
    assert stored("0259", 2019, 2, "Voldsforbrydelser i alt").population == 60711
    assert StatValue.objects.count() == 4


def test_the_same_data_again_changes_nothing(reference, tmp_path):
    path = write(tmp_path / "straf11.csv", ROWS)
    import_file(path)
    imported_at = StatTable.objects.get().imported_at

    same_file = import_file(path)
    assert same_file.same_file and same_file.unchanged == 4
    reread = import_file(path, force=True)
    assert (reread.created, reread.updated, reread.unchanged) == (0, 0, 4)
    assert StatTable.objects.get().imported_at == imported_at


def test_a_semicolon_separated_windows_1252_file_reads_like_the_original(reference, tmp_path):
    import_file(write(tmp_path / "straf11.csv", ROWS))
    # Danish Excel: semicolons, Windows-1252, and the leading zero of 0259 dropped.
    excel_rows = [[row[0], row[1].lstrip("0"), *row[2:]] for row in ROWS]
    path = write(tmp_path / "excel.csv", excel_rows, delimiter=";", encoding="cp1252")
    assert "Særlove".encode("cp1252") in path.read_bytes()

    result = import_file(path)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert StatSeries.objects.filter(label="Særlove i alt").exists()


def test_bad_rows_are_reported_by_line_and_nothing_is_written(reference, tmp_path):
    rows = [
        ROWS[0],
        ["2019K1", "0259", "Køge", "Særlove i alt", "Special acts", "mange", "60675"],
        ["2008Q1", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "5", "1"],
        ["2019K3", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "-3", "1"],
        ["2019K1", "0999", "Ukendt", "Voldsforbrydelser i alt", "Crimes of violence", "1", "1"],
        ["2019K2", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "4", "1"],
        ["2019K2", "0259", "Køge", "Voldsforbrydelser i alt", "Crimes of violence", "4", "1"],
    ]
    result = import_file(write(tmp_path / "straf11.csv", rows))

    errors = dict(result.errors)
    assert sorted(errors) == [3, 4, 5, 8]
    assert "“mange” is not a whole number" in errors[3]
    assert "“2008Q1” is not a quarter" in errors[4]
    assert "negative" in errors[5]
    assert "already on line 7" in errors[8]
    assert result.skipped == [
        (6, "“0999 Ukendt” is not a municipality of the reference data; row skipped.")
    ]
    assert not StatTable.objects.exists() and not StatValue.objects.exists()


def test_rows_outside_the_municipalities_are_skipped_and_the_rest_imported(reference, tmp_path):
    rows = [
        ["2019K1", "000", "Hele landet", "Voldsforbrydelser i alt", "Crimes of violence", "9", ""],
        *ROWS,
        ["2019K1", "085", "Region Sjælland", "Voldsforbrydelser i alt", "Crimes", "9", ""],
    ]
    out, err = run(write(tmp_path / "straf11.csv", rows))

    assert StatValue.objects.count() == 4
    assert "4 created, 0 updated, 0 unchanged, 2 skipped" in out
    assert "line 2: “0000 Hele landet” is not a municipality" in err
    assert "line 7: “0085 Region Sjælland” is not a municipality" in err


def test_a_missing_column_is_reported_on_the_header_line(reference, tmp_path):
    header = [name for name in HEADER if name != "anmeldte_forbrydelser"]
    rows = [row[:5] + row[6:] for row in ROWS]
    result = import_file(write(tmp_path / "straf11.csv", rows, header=header))

    assert [line for line, _ in result.errors] == [1]
    assert "anmeldte_forbrydelser is missing" in result.errors[0][1]
    assert not StatValue.objects.exists()


def test_the_command_refuses_a_bad_file_with_a_clear_message(reference, tmp_path):
    rows = [ROWS[0], ["2019K5", *ROWS[1][1:]]]
    with pytest.raises(CommandError) as error:
        run(write(tmp_path / "straf11.csv", rows))

    assert "was not imported; nothing was changed" in str(error.value)
    assert "line 3: kvartal “2019K5” is not a quarter" in str(error.value)
    assert not StatValue.objects.exists()


def test_the_command_exits_non_zero_on_a_bad_file(reference, tmp_path, monkeypatch, capsys):
    path = write(tmp_path / "straf11.csv", [["2019K1", "0259", "Køge", "Vold", "", "x", "1"]])
    # The command closes the database connections when it ends, which would close the
    # test's own connection to its test database.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    with translation.override("en"), pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "import_statistics", str(path)])

    assert exit_.value.code != 0
    assert "line 2: anmeldte_forbrydelser “x” is not a whole number" in capsys.readouterr().err
    assert not StatValue.objects.exists()


def test_malformed_values_are_refused_by_line_not_with_a_traceback(reference, tmp_path):
    koege = ROWS[0][1:4]
    rows = [
        # Year 0 is no date; digits other than ASCII are no StatBank period.
        ["0000K1", *koege, "", "1", "1"],
        ["٢٠١٩K2", *koege, "", "1", "1"],
        # More digits than Python turns into a number.
        ["2019K3", *koege, "", "9" * 5000, "1"],
        # Labels that the database cannot store: too long, or with a NUL.
        ["2019K4", "0259", "Køge", "V" * 201, "", "1", "1"],
        ["2020K1", "0259", "Køge", "Vold\x00", "", "1", "1"],
        ["2020K2", *koege, "C" * 201, "1", "1"],
    ]
    with pytest.raises(CommandError) as error:
        run(write(tmp_path / "straf11.csv", rows))

    message = str(error.value)
    assert "line 2: kvartal “0000K1” is not a quarter" in message
    assert "line 3: kvartal “٢٠١٩K2” is not a quarter" in message
    assert f"line 4: anmeldte_forbrydelser “{'9' * 20}…” is too large." in message
    assert "line 5: overtraedelse_gruppe_da is longer than 200 characters." in message
    assert "line 6: overtraedelse_gruppe_da contains a NUL character." in message
    assert "line 7: overtraedelse_gruppe_en is longer than 200 characters." in message
    assert not StatSeries.objects.exists() and not StatValue.objects.exists()


def test_figures_statbank_marks_as_not_available_are_skipped(reference, tmp_path):
    # StatBank writes ".." where it gives no figure (not available, or confidential).
    rows = [
        ROWS[0],
        [*ROWS[1][:5], "..", "60675"],
        [*ROWS[2][:6], ".."],
    ]
    out, err = run(write(tmp_path / "straf11.csv", rows))

    assert "2 rows read; 2 created, 0 updated, 0 unchanged, 1 skipped" in out
    assert "line 3: anmeldte_forbrydelser is “..”" in err
    assert StatValue.objects.get(year=2019, quarter=2).population is None


def test_the_table_comes_from_the_file_name_or_from_table(reference, tmp_path):
    unnamed = write(tmp_path / "download.csv", ROWS)
    with pytest.raises(CommandError, match="name it with --table"):
        run(unnamed)
    with pytest.raises(CommandError, match="Unknown table STRAF99"):
        run(unnamed, "--table", "STRAF99")
    assert not StatValue.objects.exists()

    out, _ = run(unnamed, "--table", "straf11")
    assert "STRAF11: 4 rows read; 4 created" in out
    assert StatTable.objects.get().code == "STRAF11"


def test_the_command_reports_a_missing_or_unreadable_file(reference, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "straf11.csv")
    (tmp_path / "straf11.csv").write_bytes(b"\x81\x8d\x8f" * 10)
    with pytest.raises(CommandError, match="neither UTF-8 nor Windows-1252"):
        run(tmp_path / "straf11.csv")
    (tmp_path / "straf11.csv").write_bytes(b"")
    with pytest.raises(CommandError, match="The file is empty"):
        run(tmp_path / "straf11.csv")


def test_rates_round_half_up_exactly():
    # 1 / 4,000 × 1000 = 0.25 exactly; a float rounded to even would show 0.2.
    assert numbers.rate_per_1000(1, 4000, 1) == Decimal("0.3")
    # A year: 10 offences over a mean population of (999 + 1001) / 2 = 1,000.
    assert numbers.rate_per_1000(10, 2000, 2) == Decimal("10.0")
    assert numbers.rate_per_1000(10, None, 0) is None


def test_official_statistics_are_visible_to_everyone(reference, tmp_path, personas):
    import_file(write(tmp_path / "straf11.csv", ROWS))
    for user in personas.values():
        assert StatValue.objects.visible_to(user).count() == 4
        assert StatTable.objects.visible_to(user).count() == 1


def test_the_admin_shows_the_figures_read_only(reference, tmp_path, admin_client):
    import_file(write(tmp_path / "straf11.csv", ROWS))
    value = stored("0259", 2019, 1, "Særlove i alt")

    listing = admin_client.get(reverse("admin:statistics_statvalue_changelist"))
    assert listing.status_code == 200
    assert "2019K1" in listing.content.decode()
    page = admin_client.get(reverse("admin:statistics_statvalue_change", args=[value.pk]))
    assert page.status_code == 200
    admin_client.post(reverse("admin:statistics_statvalue_change", args=[value.pk]), {"value": "1"})
    value.refresh_from_db()
    assert value.value == 264
