"""A small count read beside the other selections of the same month: a council member who
downloads every municipality's and every category's numbers must not work a "<5" out as a
margin less the other counts of its row or column.

"Today" is 18 November 2026: the public reads up to October. In October Greve had 3
burglaries and 8 violence cases, Køge 20 and 17; the other months of 2026 hold violence
only, 8 a month in Greve and 17 in Køge."""

import datetime
import itertools

import pytest
from django.core.cache import cache

from tests.dashboard_helpers import (
    URL,
    add,
    lokalraad_member,
    read,
    today,  # noqa: F401 (a fixture)
)
from tryghed.dashboard import report
from tryghed.incidents import families
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT

OCTOBER = "2026-10"


@pytest.fixture
def october(district, greve, koege):
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    for month in range(1, 11):
        day = datetime.date(2026, month, 5)
        add(source, greve, "violence", day, 8)
        add(source, koege, "violence", day, 17)
    add(source, greve, "burglary_home", datetime.date(2026, 10, 6), 3)
    add(source, koege, "burglary_home", datetime.date(2026, 10, 6), 20)
    return source


def fits(published, value, *, sum_of_months=False):
    """Whether `value` may lie behind a count as `published`. A month read as ".." is
    hidden beside a "<5", never small itself; a sum of months (a year) reads ".." too
    where it holds a month read as "<5" or "..", so it may be anything."""
    if published == SMALL_COUNT:
        return 0 < value < 5
    if published == SECONDARY:
        return sum_of_months or value >= 5 or value == 0
    return int(published) == value


SELECTIONS = [
    (municipality, category)
    for municipality in ("", "0253", "0259")
    for category in ("", "violence", "burglary_home")
]


def downloads(client):
    """Every selection's months and year of 2026, and the municipality table of each
    category, as a council member saves them."""
    saved = {}
    for municipality, category in SELECTIONS:
        query = f"municipality={municipality}&category={category}"
        months = read(client, f"trend.csv?period=month&year=2026&{query}")
        years = read(client, f"trend.csv?period=year&{query}")
        saved[(municipality, category)] = (months.get(OCTOBER, "0"), years.get("2026", "0"))
    tables = {
        category: read(client, f"kommuner.csv?year=2026&category={category}")
        for category in ("", "violence", "burglary_home")
    }
    return saved, tables


def greve_burglaries_that_fit(saved, tables):
    """Every value of Greve's October burglaries that, with Greve's and Køge's October
    counts of both categories as unknowns, fits everything saved (the other months are
    shown, 8 and 17 a month)."""
    found = set()
    earlier = {"0253": 8 * 9, "0259": 17 * 9}
    for gb, gv, kb, kv in itertools.product(range(0, 25), range(0, 25), range(0, 25), range(0, 25)):
        october = {
            ("0253", "burglary_home"): gb,
            ("0253", "violence"): gv,
            ("0259", "burglary_home"): kb,
            ("0259", "violence"): kv,
        }

        def month(municipality, category, october=october):
            places = [municipality] if municipality else ["0253", "0259"]
            kinds = [category] if category else ["burglary_home", "violence"]
            return sum(october[(p, k)] for p in places for k in kinds)

        def year(municipality, category, month=month):
            places = [municipality] if municipality else ["0253", "0259"]
            before = 0 if category == "burglary_home" else sum(earlier[p] for p in places)
            return before + month(municipality, category)

        if not all(
            fits(shown_month, month(*selection))
            and fits(shown_year, year(*selection), sum_of_months=True)
            for selection, (shown_month, shown_year) in saved.items()
        ):
            continue
        if not all(
            fits(table.get(code, "0"), year(code, category), sum_of_months=True)
            for category, table in tables.items()
            for code in ("0253", "0259")
        ):
            continue
        found.add(gb)
    return found


@pytest.mark.usefixtures("today", "october")
def test_a_small_month_is_no_margin_less_the_others(council_member, client_for):
    client = client_for(council_member)
    saved, tables = downloads(client)
    # Greve's burglaries read "<5", and the month of every category beside it is shown.
    assert saved[("0253", "burglary_home")][0] == SMALL_COUNT
    assert saved[("0253", "")][0] == "11"
    # Without more hidden, 11 less Greve's 8 violence cases, or the district's 23
    # burglaries less Køge's 20, would be the 3.
    assert saved[("0253", "violence")][0] == SECONDARY
    assert saved[("0259", "burglary_home")][0] == SECONDARY
    assert len(greve_burglaries_that_fit(saved, tables)) >= 2
    # Greve's year of burglaries reads in the district's table as in its own selection,
    # "..": it holds October's "<5".
    assert saved[("0253", "burglary_home")][1] == SECONDARY
    assert tables["burglary_home"]["0253"] == SECONDARY
    # The district's own months and its year read as they are.
    assert saved[("", "")] == ("48", "273")


@pytest.mark.usefixtures("today", "october")
def test_a_lokalraad_member_reads_the_same_month_protected(client_for, councils, greve):
    member = client_for(
        lokalraad_member(councils["greve"]),
    )
    every = read(member, "trend.csv?period=month&year=2026")
    burglaries = read(member, "trend.csv?period=month&year=2026&category=burglary_home")
    violence = read(member, "trend.csv?period=month&year=2026&category=violence")
    assert burglaries[OCTOBER] == SMALL_COUNT
    assert every[OCTOBER] == "11"
    assert violence[OCTOBER] == SECONDARY
    # The year of violence would give October away (its other months are shown).
    assert read(member, "trend.csv?period=year&category=violence")["2026"] == SECONDARY


@pytest.mark.usefixtures("today", "october")
def test_staff_read_every_count(secretariat, client_for):
    client = client_for(secretariat)
    assert (
        read(client, "trend.csv?period=month&year=2026&municipality=0253&category=violence")[
            OCTOBER
        ]
        == "8"
    )
    assert (
        read(client, "trend.csv?period=month&year=2026&municipality=0253&category=burglary_home")[
            OCTOBER
        ]
        == "3"
    )


@pytest.mark.usefixtures("today")
def test_no_loop_of_months_and_categories_pins_a_small_count(client_for, councils, district, greve):
    """Greve: January 1 burglary and 10 violence cases, February 10 and 4. Each month hides
    its other category beside the "<5"; were the categories' years published (11 and 14),
    February's violence would be 14 less (11 less January's burglary), and with both "<5"
    the one must be 1 and the other 4. A sum that holds a month hidden so is not published."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    add(source, greve, "burglary_home", datetime.date(2026, 1, 7), 1)
    add(source, greve, "violence", datetime.date(2026, 1, 7), 10)
    add(source, greve, "burglary_home", datetime.date(2026, 2, 11), 10)
    add(source, greve, "violence", datetime.date(2026, 2, 11), 4)
    member = client_for(lokalraad_member(councils["greve"]))
    every = read(member, "trend.csv?period=month&year=2026")
    burglary = read(member, "trend.csv?period=month&year=2026&category=burglary_home")
    violence = read(member, "trend.csv?period=month&year=2026&category=violence")
    assert (every["2026-01"], every["2026-02"]) == ("11", "14")
    assert (burglary["2026-01"], burglary["2026-02"]) == (SMALL_COUNT, SECONDARY)
    assert (violence["2026-01"], violence["2026-02"]) == (SECONDARY, SMALL_COUNT)
    for category in ("burglary_home", "violence"):
        assert read(member, f"trend.csv?period=year&category={category}")["2026"] == SECONDARY
        table = read(member, f"kommuner.csv?year=2026&category={category}")
        assert table["0253"] == SECONDARY
    # The year of every category holds no hidden month and reads as it is.
    assert read(member, "trend.csv?period=year")["2026"] == "25"


@pytest.mark.usefixtures("today", "october")
def test_council_members_read_the_weeks_of_the_whole_area(council_member, client_for, councils):
    """Each selection hides weeks of its own to protect its months: a week Greve's burglaries
    hide would be the area's week less the others'. So the public reads the weeks of all
    municipalities and categories together; a lokalråd's one municipality is its area."""
    client = client_for(council_member)
    assert client.get(URL + "trend.csv?period=week&year=2026").status_code == 200
    for query in ("&municipality=0253", "&category=violence"):
        response = client.get(URL + "trend.csv?period=week&year=2026" + query)
        assert response.status_code == 400
        assert "Grupp" in response.content.decode() and "måned" in response.content.decode()
        page = client.get(URL + "?period=week&year=2026" + query)
        assert page.status_code == 200 and 'id="chart-trend"' not in page.content.decode()
    member = client_for(lokalraad_member(councils["greve"]))
    assert member.get(URL + "trend.csv?period=week&municipality=0253").status_code == 200
    assert member.get(URL + "trend.csv?period=week&category=violence").status_code == 400


@pytest.mark.usefixtures("today", "october")
def test_staff_read_the_weeks_of_any_selection(secretariat, client_for):
    client = client_for(secretariat)
    response = client.get(URL + "trend.csv?period=week&municipality=0253&category=violence")
    assert response.status_code == 200


def test_a_week_reads_the_same_in_every_later_month(
    monkeypatch, council_member, client_for, district, greve
):
    """Greve in 2026, each week from 1 June on its Wednesday: 10, but week 25's 3, week
    30's 6, week 44's 0 and week 46's 5. The weeks are protected beside the months anew
    each month; a week hidden in November beside the "<5" and shown in December, beside
    weeks shown in November, would give the 3 away. Read on the 18th of every month from
    July to January, each week reads as it did the first time."""
    source = IncidentSource.objects.create(name="doegnrapport-test", district=district)
    counts = dict.fromkeys(range(23, 49), 10)
    counts[25], counts[30], counts[44], counts[46] = 3, 6, 0, 5
    for week, n in counts.items():
        add(source, greve, "violence", datetime.date.fromisocalendar(2026, week, 3), n)
    client = client_for(council_member)
    first_read = {}
    hidden = set()
    for month in (7, 8, 9, 10, 11, 12, 13):
        day = datetime.date(2026 + month // 13, (month - 1) % 12 + 1, 18)
        monkeypatch.setattr(report, "local_today", lambda day=day: day)
        weeks = read(client, "trend.csv?period=week&year=2026")
        for week, shown in weeks.items():
            assert first_read.setdefault(week, shown) == shown, (day, week)
            if shown == SECONDARY:
                hidden.add(week)
    assert first_read["2026-W25"] == SMALL_COUNT
    assert hidden  # the 3 beside its months takes a week with it


@pytest.mark.usefixtures("today", "october")
def test_the_sweep_chooses_before_the_first_reader(monkeypatch, council_member, client_for):
    """Choosing a district's hidden months takes seconds for years of counts: the sweep
    does it, and the first council member reads the choice from the cache."""
    from tryghed.incidents import families, sweeps

    sweeps.sweep(now=datetime.datetime(2026, 11, 18, 9, tzinfo=datetime.UTC))

    def chosen_again(*args):
        raise AssertionError("chosen again")

    monkeypatch.setattr(families, "hidden_periods", chosen_again)
    client = client_for(council_member)
    assert read(client, "trend.csv?period=month&year=2026&municipality=0253")[OCTOBER] == "11"


@pytest.mark.usefixtures("today")
def test_the_choice_follows_a_correction_between_two_counts(
    october, council_member, client_for, greve
):
    # The choice is kept under the mark of the district's counts; a correction that moves
    # incidents from one count to another keeps the number of count rows and of incidents.
    client = client_for(council_member)
    path = "trend.csv?period=month&year=2026&municipality=0253&category="
    assert read(client, path + "violence")[OCTOBER] == SECONDARY
    moved = Incident.objects.filter(
        source=october, municipality=greve, category="violence", occurred_at__month=10
    ).values_list("pk", flat=True)[:3]
    Incident.objects.filter(pk__in=list(moved)).update(category="burglary_home")
    # October holds no small count any more: nothing is hidden beside one.
    assert read(client, path + "violence")[OCTOBER] == "5"
    assert read(client, path + "burglary_home")[OCTOBER] == "6"


def test_a_choice_made_while_the_counts_change_is_not_kept(october, greve):
    # Another writer's incidents land while a choice is made: it may follow from some of
    # the counts before and some after, so it is not kept under the marks read before it,
    # which a reader who read them at the same time would take for theirs.
    sources = IncidentSource.objects.filter(pk=october.pk)
    before = families.versions(sources)

    def meanwhile():
        add(october, greve, "violence", datetime.date(2026, 9, 20), 2)
        return "made"

    assert families.kept("test", sources, (), meanwhile) == "made"
    assert families.versions(sources) != before
    assert cache.get(families._key("test", before)) is None
    # Made with nothing changing, it is kept.
    assert families.kept("test", sources, (), lambda: "again") == "again"
    assert families.kept("test", sources, (), lambda: "not made") == "again"
