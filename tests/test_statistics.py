"""Official statistics: importing StatBank files, and the trends and rates computed from them."""

import datetime
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


def test_a_file_without_the_population_keeps_the_one_stored(reference, tmp_path):
    run(write(tmp_path / "straf11.csv", ROWS))
    # The same figures again, the population given as StatBank's ".." or not at all.
    again = [[*ROWS[0][:6], ".."], [*ROWS[2][:6], ""]]
    out, _ = run(write(tmp_path / "straf11-uden-folketal.csv", again))
    assert "2 rows read; 0 created, 0 updated, 2 unchanged" in out
    populations = dict(StatValue.objects.values_list("quarter", "population").filter(
        municipality__code="0259", series__label="Voldsforbrydelser i alt"
    ))  # fmt: skip
    assert populations == {1: 60675, 2: 60710}


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


# Files saved from the StatBank API (https://api.statbank.dk/v1/data) -----------------------
#
# Small, realistic downloads: semicolons, UTF-8 with a byte order mark, the header of variable
# ids and INDHOLD, as the API writes them for each valuePresentation. The figures are made up
# in the range of the real ones.

STRAF11_API_VALUE = """\ufeffOMRÅDE;OVERTRÆD;TID;INDHOLD
Hele landet;Voldsforbrydelser i alt;2023K1;11482
Region Sjælland;Voldsforbrydelser i alt;2023K1;1803
Køge;Voldsforbrydelser i alt;2023K1;61
Køge;Voldsforbrydelser i alt;2023K2;58
Køge;Ejendomsforbrydelser i alt;2023K1;512
Greve;Voldsforbrydelser i alt;2023K1;35
Høje-Taastrup;Voldsforbrydelser i alt;2023K1;97
Greve;Voldsforbrydelser i alt;2023K2;..
"""
# The same figures with valuePresentation "Code", and one offence code without its text.
STRAF11_API_CODE = """\ufeffOMRÅDE;OVERTRÆD;TID;INDHOLD
000;12;2023K1;11482
085;12;2023K1;1803
259;12;2023K1;61
259;12;2023K2;58
259;13;2023K1;512
253;12;2023K1;35
169;12;2023K1;97
253;12;2023K2;..
259;1110;2023K1;3
"""
# …and with "CodeAndValue".
STRAF11_API_CODE_AND_VALUE = """\ufeffOMRÅDE;OVERTRÆD;TID;INDHOLD
000 Hele landet;12 Voldsforbrydelser i alt;2023K1;11482
259 Køge;12 Voldsforbrydelser i alt;2023K1;61
259 Køge;12 Voldsforbrydelser i alt;2023K2;58
259 Køge;13 Ejendomsforbrydelser i alt;2023K1;512
253 Greve;12 Voldsforbrydelser i alt;2023K1;35
169 Høje-Taastrup;12 Voldsforbrydelser i alt;2023K1;97
"""
# FOLK1A with sex, age and marital status selected: only the rows with every total count.
FOLK1A_API = """\ufeffOMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD
Hele landet;I alt;Alder i alt;I alt;2023K1;5932654
Køge;I alt;Alder i alt;I alt;2023K1;61273
Køge;Mænd;Alder i alt;I alt;2023K1;30412
Køge;I alt;Alder i alt;I alt;2023K2;61350
Greve;I alt;Alder i alt;I alt;2023K1;50912
Greve;I alt;Alder i alt;Ugift;2023K1;24000
Høje-Taastrup;I alt;Alder i alt;I alt;2023K1;52181
"""


def api_file(path, text, encoding="utf-8"):
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def test_a_straf11_api_download_imports_by_municipality_name(reference, tmp_path):
    out, err = run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))

    assert "STRAF11: 5 rows read; 5 created, 0 updated, 0 unchanged, 3 skipped" in out
    assert "line 2: “Hele landet” is not a municipality of the reference data" in err
    assert "line 3: “Region Sjælland” is not a municipality" in err
    assert "line 9: INDHOLD is “..”" in err
    violence = stored("0259", 2023, 1, "Voldsforbrydelser i alt")
    assert (violence.value, violence.population) == (61, None)  # no FOLK1A yet
    assert violence.series.label_en == "Crimes of violence"
    assert violence.table.code == "STRAF11"
    # StatBank's "Høje-Taastrup" is the reference data's "Høje Taastrup".
    assert stored("0169", 2023, 1, "Voldsforbrydelser i alt").value == 97
    assert stored("0259", 2023, 1, "Ejendomsforbrydelser i alt").value == 512


def test_the_api_download_continues_the_straf11_file(reference, tmp_path):
    # The older file and the API download are one table with the same series.
    import_file(write(tmp_path / "straf11.csv", ROWS))
    run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))

    assert StatTable.objects.get().code == "STRAF11"
    assert StatSeries.objects.filter(label="Voldsforbrydelser i alt").count() == 1
    assert StatValue.objects.count() == 4 + 5
    assert stored("0259", 2019, 1, "Voldsforbrydelser i alt").population == 60675  # kept


def test_code_and_code_and_value_downloads_store_the_same_figures(reference, tmp_path):
    run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))
    before = list(StatValue.objects.order_by("pk").values_list("pk", "value", "series"))

    out, err = run(api_file(tmp_path / "straf11-code.csv", STRAF11_API_CODE))
    assert "5 rows read; 0 created, 0 updated, 5 unchanged, 4 skipped" in out
    assert "line 3: “085” is not a municipality" in err
    assert "line 10: OVERTRÆD “1110” is a code without its text" in err
    out, _ = run(api_file(tmp_path / "straf11-both.csv", STRAF11_API_CODE_AND_VALUE))
    assert "5 rows read; 0 created, 0 updated, 5 unchanged, 1 skipped" in out

    after = list(StatValue.objects.order_by("pk").values_list("pk", "value", "series"))
    assert after == before
    assert StatSeries.objects.count() == 2


def test_folk1a_gives_the_population_and_the_rates_per_1000(reference, tmp_path):
    run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))
    out, err = run(api_file(tmp_path / "FOLK1A.csv", FOLK1A_API))

    assert "FOLK1A: 4 rows read; 4 created, 0 updated, 0 unchanged, 3 skipped" in out
    # The five STRAF11 values of Køge, Greve and Høje-Taastrup in 2023K1/K2.
    assert "5 values of other tables took their population" in out
    assert "line 4: KØN is “Mænd”, not the total" in err
    assert "line 7: CIVILSTAND is “Ugift”, not the total" in err
    population = StatValue.objects.get(table__code="FOLK1A", municipality__code="0259", quarter=1)
    assert (population.value, population.population) == (61273, 61273)
    assert population.series.label == "Befolkningen den 1. i kvartalet"

    koege = Municipality.objects.get(code="0259")
    violence = StatSeries.objects.get(label="Voldsforbrydelser i alt")
    values = StatValue.objects.of_table("STRAF11").in_series(violence)
    quarters = {p.period: p for p in numbers.quarterly_trend(values)[(koege.pk, violence.pk)]}
    # 61 / 61,273 × 1000 = 0.9955…; 58 / 61,350 × 1000 = 0.9454…
    assert quarters["2023K1"].rate == Decimal("1.0")
    assert quarters["2023K2"].rate == Decimal("0.9")
    # 2023 so far: 119 offences over a mean population of (61,273 + 61,350) / 2 = 61,311.5,
    # 119 / 61,311.5 × 1000 = 1.9409…
    year = numbers.yearly_trend(values)[(koege.pk, violence.pk)][0]
    assert (year.value, year.mean_population, year.rate) == (
        119,
        Decimal("61311.5"),
        Decimal("1.9"),
    )
    assert year.quarters == 2 and not year.complete
    greve = Municipality.objects.get(code="0253")
    # 35 / 50,912 × 1000 = 0.6874…
    assert numbers.quarterly_trend(values.filter(municipality=greve))[(greve.pk, violence.pk)][
        0
    ].rate == Decimal("0.7")

    # The dashboard's rates of incidents read the populations of the official statistics.
    from tryghed.incidents.numbers import populations

    assert populations([koege.pk])[koege.pk][-1] == (datetime.date(2023, 4, 1), 61350)


def test_folk1a_first_then_the_offences_take_its_population(reference, tmp_path):
    run(api_file(tmp_path / "FOLK1A.csv", FOLK1A_API))
    out, _ = run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))

    assert "5 created" in out
    assert stored("0259", 2023, 1, "Ejendomsforbrydelser i alt").population == 61273
    assert stored("0169", 2023, 1, "Voldsforbrydelser i alt").population == 52181
    # Re-read: nothing changes, populations included.
    out, _ = run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE), "--force")
    assert "0 created, 0 updated, 5 unchanged" in out


def test_reimporting_and_correcting_folk1a(reference, tmp_path):
    # The STRAF11 file's own population stays; one it lacks ("..") comes from FOLK1A.
    import_file(write(tmp_path / "straf11.csv", [ROWS[0], [*ROWS[2][:6], ".."]]))
    run(api_file(tmp_path / "STRAF11.csv", STRAF11_API_VALUE))
    folk1a = (
        FOLK1A_API
        + "Køge;I alt;Alder i alt;I alt;2019K1;60680\nKøge;I alt;Alder i alt;I alt;2019K2;60710\n"
    )
    run(api_file(tmp_path / "FOLK1A.csv", folk1a))
    assert stored("0259", 2019, 1, "Voldsforbrydelser i alt").population == 60675
    assert stored("0259", 2019, 2, "Voldsforbrydelser i alt").population == 60710

    out, _ = run(api_file(tmp_path / "FOLK1A.csv", folk1a), "--force")
    assert "0 created, 0 updated, 6 unchanged" in out
    assert "took their population" not in out

    corrected = folk1a.replace("2023K1;61273", "2023K1;61280")
    out, _ = run(api_file(tmp_path / "FOLK1A.csv", corrected))
    assert "0 created, 1 updated, 5 unchanged" in out
    # Køge's two STRAF11 values of 2023K1 had FOLK1A's former figure, and take the new one.
    assert "2 values of other tables took their population" in out
    assert stored("0259", 2023, 1, "Voldsforbrydelser i alt").population == 61280
    assert stored("0259", 2019, 1, "Voldsforbrydelser i alt").population == 60675


def test_an_english_download_reads_the_english_names(reference, tmp_path):
    text = """\ufeffOMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD
All Denmark;Total;Age, total;Total;2023K1;5932654
Copenhagen;Total;Age, total;Total;2023K1;653664
Copenhagen;Men;Age, total;Total;2023K1;322114
Capital Region of Denmark;Total;Age, total;Total;2023K1;1873232
"""
    out, err = run(api_file(tmp_path / "FOLK1A.csv", text))

    assert "1 rows read; 1 created, 0 updated, 0 unchanged, 3 skipped" in out
    assert "“Capital Region of Denmark” is not a municipality" in err
    assert StatValue.objects.get(municipality__code="0101").value == 653664


def test_bad_lines_of_an_api_download_are_reported_and_nothing_is_written(reference, tmp_path):
    text = """OMRÅDE;OVERTRÆD;TID;INDHOLD
Køge;Voldsforbrydelser i alt;2023K1;61
Køge;Voldsforbrydelser i alt;2023Q2;58
Køge;Ejendomsforbrydelser i alt;2023K1;mange
Greve;Voldsforbrydelser i alt;2023K1;-3
;Voldsforbrydelser i alt;2023K2;4
Køge;Voldsforbrydelser i alt;2023K1;61
Køge;2023K3;5
"""
    with pytest.raises(CommandError) as error:
        run(api_file(tmp_path / "STRAF11.csv", text))

    message = str(error.value)
    assert "line 3: TID “2023Q2” is not a quarter" in message
    assert "line 4: INDHOLD “mange” is not a whole number" in message
    assert "line 5: INDHOLD “-3” is negative" in message
    assert "line 6: OMRÅDE is empty" in message
    assert (
        "line 7: Køge 2023K1 “Voldsforbrydelser i alt” appears again; it was already on line 2"
        in message
    )
    assert "line 8: expected 4 fields, found 3" in message
    assert not StatTable.objects.exists() and not StatValue.objects.exists()


def test_straf22_is_published_per_year_and_says_so(reference, tmp_path):
    text = """\ufeffOMRÅDE;OVERTRÆD;ANMSIGT;TID;INDHOLD
Køge;Voldsforbrydelser i alt;Anmeldte;2023;241
Køge;Voldsforbrydelser i alt;Sigtelser;2023;198
"""
    with pytest.raises(CommandError) as error:
        run(api_file(tmp_path / "STRAF22.csv", text))

    assert "line 2: TID “2023” is a year" in str(error.value)
    assert "STRAF11 has the reported offences per quarter" in str(error.value)
    assert not StatValue.objects.exists()


def test_straf22_counts_the_reported_offences_not_the_charges(reference, tmp_path):
    # Should STRAF22 come per quarter: only ANMSIGT's reported offences count.
    text = """OMRÅDE;OVERTRÆD;ANMSIGT;TID;INDHOLD
259 Køge;12 Voldsforbrydelser i alt;ANM Anmeldte;2023K1;61
259 Køge;12 Voldsforbrydelser i alt;SIG Sigtelser;2023K1;50
"""
    out, err = run(api_file(tmp_path / "straf22.csv", text))

    assert "STRAF22: 1 rows read; 1 created" in out
    assert "line 3: ANMSIGT is “SIG Sigtelser”: only the reported offences" in err
    assert StatValue.objects.get().value == 61


def test_the_table_comes_from_statbank_file_names():
    assert statbank.table_from_filename("STRAF11.csv") == "STRAF11"
    assert statbank.table_from_filename("20231015112233445FOLK1A.csv") == "FOLK1A"
    assert statbank.table_from_filename("straf22_2023.csv") == "STRAF22"
    assert statbank.table_from_filename("folk1am.csv") is None  # the monthly table
    assert statbank.table_from_filename("CSV") is None  # a GET …/data/FOLK1A/CSV saved as is


def test_the_wrong_table_for_a_file_is_named_in_the_message(reference, tmp_path):
    path = api_file(tmp_path / "download.csv", FOLK1A_API)
    with pytest.raises(CommandError, match="name it with --table"):
        run(path)
    with pytest.raises(CommandError, match="the column OVERTRÆD is missing"):
        run(path, "--table", "STRAF11")
    with pytest.raises(CommandError, match="OVERTRÆD is not a variable of FOLK1A"):
        run(api_file(tmp_path / "download.csv", STRAF11_API_VALUE), "--table", "folk1a")
    assert not StatValue.objects.exists()


def test_a_utf16_file_is_refused_by_its_encoding(reference, tmp_path):
    with pytest.raises(CommandError, match="The file is UTF-16 text"):
        run(api_file(tmp_path / "FOLK1A.csv", FOLK1A_API, encoding="utf-16"))


def test_a_title_above_the_header_is_skipped(reference, tmp_path):
    text = """"Befolkningen den 1. i kvartalet efter område, køn, alder, civilstand og tid"

OMRÅDE;TID;INDHOLD
Køge;2023K1;61273
Greve;2023K5;50912
"""
    with pytest.raises(CommandError, match="line 5: TID “2023K5” is not a quarter"):
        run(api_file(tmp_path / "FOLK1A.csv", text))

    out, err = run(api_file(tmp_path / "FOLK1A.csv", text.replace("2023K5", "2023K1")))
    assert "2 rows read; 2 created" in out
    assert "line 1: a title above the header, “Befolkningen den 1. i kvartalet" in err


def test_statbanks_web_table_layout_is_explained(reference, tmp_path):
    text = """"Befolkningen den 1. i kvartalet efter område og tid"
;2023K1;2023K2
Køge;61273;61350
"""
    with pytest.raises(CommandError, match="StatBank's web table layout"):
        run(api_file(tmp_path / "FOLK1A.csv", text))


@pytest.mark.parametrize(
    "data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n\r\n", b"\xa0", b" \xa0\n"], ids=repr
)
def test_a_file_blank_but_for_a_byte_order_mark_or_a_space_is_empty(reference, tmp_path, data):
    (tmp_path / "straf11.csv").write_bytes(data)
    with pytest.raises(CommandError, match="The file is empty"):
        run(tmp_path / "straf11.csv")
    assert not StatValue.objects.exists()


def test_a_header_after_many_blank_lines_is_reported(reference, tmp_path):
    path = tmp_path / "straf11.csv"
    path.write_bytes(
        b"\r\n" * 12 + ",".join(HEADER).encode() + b"\r\n" + ",".join(ROWS[0]).encode()
    )
    with pytest.raises(CommandError, match="The first 10 lines are blank"):
        run(path)
    assert not StatValue.objects.exists()


def test_folk1a_first_then_a_straf11_file_without_the_population_takes_it(reference, tmp_path):
    """The order of the imports made no difference for the API's tables, but a STRAF11
    file without its population column had none, and so no rate per 1,000."""
    run(api_file(tmp_path / "FOLK1A.csv", FOLK1A_API))
    rows = [[*ROWS[0][:6]], ["2023K1", "0259", "Køge", "Voldsforbrydelser i alt", "Violence", "50"]]
    run(write(tmp_path / "straf11.csv", rows, header=HEADER[:6]))
    assert stored("0259", 2023, 1, "Voldsforbrydelser i alt").population == 61273
    assert stored("0259", 2019, 1, "Voldsforbrydelser i alt").population is None
