"""Plan indicators: their numbers, the plan pages that show them, the staff pages that edit them."""

import datetime
import re
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.access import StaffView, StaffViewAccess
from tryghed.audit.models import AuditEntry
from tryghed.incidents.models import Incident, IncidentSource
from tryghed.indicators.models import Indicator
from tryghed.indicators.readings import Reading, read
from tryghed.organisation.models import Municipality
from tryghed.plans.models import CooperationPlan, Initiative
from tryghed.statistics.models import StatSeries, StatTable, StatValue, quarter_start

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
MIDSUMMER = datetime.date(2023, 6, 30)
READERS = {"secretariat", "district_staff", "koege_officer", "greve_staff", "council_member"}
SECRETARIAT = {"secretariat"}


def at(*args):
    return datetime.datetime(*args, tzinfo=CPH)


@pytest.fixture
def area(plan):
    return plan.focus_areas.get()


@pytest.fixture
def incidents(district, other_district, koege, greve):
    """Home burglaries in district 8 around the 2022/2023 turn of the year, and decoys."""
    source = IncidentSource.objects.create(name="doegnrapport-mvsj", district=district)
    foreign = IncidentSource.objects.create(name="doegnrapport-nord", district=other_district)
    rows = [
        # 2022 until 30 June: 4, of which 3 in Køge.
        (source, at(2022, 1, 1, 0, 30), "burglary_home", koege),
        (source, at(2022, 3, 1, 12), "burglary_home", koege),
        (source, at(2022, 3, 2, 12), "burglary_home", koege),
        (source, at(2022, 6, 30, 23), "burglary_home", greve),
        # 2022 after 30 June: 3.
        (source, at(2022, 7, 1, 0, 30), "burglary_home", greve),
        (source, at(2022, 9, 1, 12), "burglary_home", greve),
        (source, at(2022, 12, 31, 23, 30), "burglary_home", greve),  # 22:30 UTC
        # 2023: the first at half past midnight local time is still 2022 in UTC.
        (source, at(2023, 1, 1, 0, 30), "burglary_home", koege),
        (source, at(2023, 3, 3, 12), "burglary_home", greve),
        (source, at(2023, 6, 30, 23), "burglary_home", greve),
        (source, at(2023, 7, 1, 0, 10), "burglary_home", greve),  # after "today"
        # Not counted: another category, another district.
        (source, at(2023, 2, 1, 12), "vandalism", koege),
        (foreign, at(2023, 2, 1, 12), "burglary_home", None),
        # Earlier years for the trend.
        (source, at(2020, 5, 5, 12), "burglary_home", koege),
        (source, at(2020, 5, 6, 12), "burglary_home", koege),
    ]
    Incident.objects.bulk_create(
        Incident(source=s, external_id=str(n), occurred_at=when, category=c, municipality=m)
        for n, (s, when, c, m) in enumerate(rows)
    )


def indicator(owner, **fields):
    defaults = {
        "title": "Indbrud i private hjem",
        "title_en": "Burglaries in private homes",
        "kind": Indicator.Kind.INCIDENTS,
        "categories": ["burglary_home"],
        "baseline_year": 2022,
        "target_percent": Decimal("10"),
        "direction": Indicator.Direction.DECREASE,
    }
    key = "initiative" if isinstance(owner, Initiative) else "focus_area"
    return Indicator.objects.create(**{key: owner}, **{**defaults, **fields})


class TestIncidentReadings:
    def test_year_to_date_against_the_same_part_of_the_baseline_year(self, plan, area, incidents):
        reading = read(indicator(area), plan, today=MIDSUMMER)
        assert reading.year_to_date
        assert reading.current_span.start == datetime.date(2023, 1, 1)
        assert reading.current_span.end == MIDSUMMER
        assert reading.baseline_span.end == datetime.date(2022, 6, 30)
        assert (reading.baseline, reading.current) == (4, 3)
        assert reading.change_percent == Decimal("-25.0")
        assert reading.on_track is True
        assert [(p.year, p.value, p.partial) for p in reading.trend] == [
            (2019, None, False),  # before the first recorded incident
            (2020, 2, False),
            (2021, 0, False),
            (2022, 7, False),
            (2023, 3, True),
        ]

    def test_a_finished_year_is_compared_whole(self, plan, area, incidents):
        reading = read(indicator(area), plan, today=datetime.date(2024, 2, 1))
        assert not reading.year_to_date
        assert (reading.baseline, reading.current) == (7, 4)
        # (4 − 7) / 7 = −42.857… %
        assert reading.change_percent == Decimal("-42.9")

    def test_municipality_filter(self, plan, area, incidents, koege):
        reading = read(indicator(area, municipality=koege), plan, today=MIDSUMMER)
        assert (reading.baseline, reading.current) == (3, 1)

    def test_a_baseline_range_is_compared_over_the_shared_length(self, plan, area, incidents):
        item = indicator(
            area,
            baseline_year=None,
            baseline_start=datetime.date(2022, 1, 1),
            baseline_end=datetime.date(2022, 3, 31),
        )
        reading = read(item, plan, today=MIDSUMMER)
        assert reading.baseline_span.days == reading.current_span.days == 90
        assert reading.current_span.end == datetime.date(2023, 3, 31)
        assert (reading.baseline, reading.current) == (3, 2)

    def test_a_year_not_begun_has_no_current_value(self, plan, area, incidents):
        reading = read(indicator(area, current_year=2024), plan, today=MIDSUMMER)
        assert reading.current is None and reading.on_track is None


@pytest.fixture
def straf11(district):
    """Property offences in every municipality of district 8: 10 per quarter per 10,000
    inhabitants in 2021 and, in Køge only, other numbers for a hand-computed rate."""
    table = StatTable.objects.create(code="STRAF11", title="Anmeldte forbrydelser")
    series = StatSeries.objects.create(table=table, label="Ejendomsforbrydelser i alt")
    koege = Municipality.objects.get(code="0259")
    values = []
    for municipality in Municipality.objects.filter(district=district):
        for year, quarter in [(2021, 1), (2021, 2), (2021, 3), (2021, 4), (2022, 1), (2022, 2)]:
            value, population = (10, 10_000) if year == 2021 else (9, 10_000)
            if municipality == koege:
                value, population = {
                    (2021, 1): (100, 60_000),
                    (2021, 2): (110, 60_000),
                    (2021, 3): (500, 60_000),
                    (2021, 4): (500, 60_000),
                    (2022, 1): (80, 61_000),
                    (2022, 2): (90, 61_000),
                }[(year, quarter)]
            values.append(
                StatValue(
                    table=table,
                    series=series,
                    municipality=municipality,
                    year=year,
                    quarter=quarter,
                    period_start=quarter_start(year, quarter),
                    value=value,
                    population=population,
                )
            )
    StatValue.objects.bulk_create(values)
    return series


def statistics_indicator(area, series, **fields):
    return indicator(
        area,
        kind=Indicator.Kind.STATISTICS,
        categories=[],
        series=series,
        baseline_year=2021,
        current_year=2022,
        **fields,
    )


class TestStatisticsReadings:
    def test_count_compares_the_quarters_the_current_year_has(self, plan, area, straf11, koege):
        reading = read(statistics_indicator(area, straf11, municipality=koege), plan)
        assert reading.year_to_date
        assert reading.current_span.end == datetime.date(2022, 6, 30)
        assert (reading.baseline, reading.current) == (210, 170)
        # (170 − 210) / 210 = −19.047… %
        assert reading.change_percent == Decimal("-19.0")
        assert reading.trend[-2].value == 1210 and not reading.trend[-2].partial
        assert reading.trend[-1].value == 170 and reading.trend[-1].partial

    def test_rate_per_1000_over_the_mean_population(self, plan, area, straf11, koege):
        item = statistics_indicator(area, straf11, municipality=koege, measure="rate")
        reading = read(item, plan)
        # 210 over a mean of 60,000 inhabitants; 170 over 61,000.
        assert reading.baseline == Fraction(7, 2)
        assert reading.current == Fraction(170_000, 61_000)
        # (2.7869 − 3.5) / 3.5 = −20.37… %
        assert reading.change_percent == Decimal("-20.4")
        assert reading.on_track is True

    def test_district_rate_uses_the_total_population(self, plan, area, straf11, district):
        item = statistics_indicator(area, straf11, measure="rate")
        reading = read(item, plan)
        # Q1+Q2 2021: 9 × 20 + 210 = 390 offences; mean population 9 × 10,000 + 60,000.
        assert reading.baseline == Fraction(390 * 1000, 150_000)
        assert reading.current == Fraction((9 * 18 + 170) * 1000, 151_000)

    def test_a_quarter_missing_in_a_municipality_is_not_counted(self, plan, area, straf11):
        StatValue.objects.filter(year=2022, quarter=2, municipality__code="0253").delete()
        reading = read(statistics_indicator(area, straf11), plan)
        assert reading.current_span.end == datetime.date(2022, 3, 31)


def on_track(direction, target, baseline, current):
    item = Indicator(direction=direction, target_percent=Decimal(target))
    return Reading(indicator=item, year=2023, baseline=baseline, current=current).on_track


@pytest.mark.parametrize(
    ("direction", "target", "baseline", "current", "expected"),
    [
        ("decrease", "10", Fraction(100), Fraction(90), True),
        ("decrease", "10", Fraction(100), Fraction(91), False),
        ("decrease", "10", Fraction(100), Fraction(120), False),
        ("increase", "5", Fraction(40), Fraction(42), True),
        ("increase", "5", Fraction(40), Fraction(41), False),
        ("increase", "0", Fraction(40), Fraction(40), True),
        ("decrease", "10", Fraction(0), Fraction(3), False),
        ("decrease", "10", None, Fraction(3), None),
        ("increase", "10", Fraction(3), None, None),
    ],
)
def test_on_track(direction, target, baseline, current, expected):
    assert on_track(direction, target, baseline, current) is expected


def cell(html, pk, name):
    row = re.search(rf'data-indicator="{pk}".*?</tr>', html, re.S).group(0)
    return re.search(rf'class="indicator-{name}">(.*?)</td>', row, re.S).group(1).strip()


class TestPlanPages:
    @pytest.fixture
    def small(self, area, incidents, koege):
        # Køge 2023 (whole year): 1, in January; Køge 2022: 3, one in January and two in
        # March → both below five, and each year holds a month the dashboard shows as "<5".
        return indicator(area, municipality=koege)

    def test_public_page_hides_small_counts(self, client, small, area):
        wide = indicator(area, title="Alle indbrud")
        html = client.get("/samarbejdsplan/2023/").content.decode()
        assert "Indbrud i private hjem" in html
        # A year that holds a "<5" month is not published (`families.withheld_sums`): read
        # beside the other selections' years and months, it could pin that month. So Køge's
        # 1 and 3 are "..", and no change is worked out from them.
        assert cell(html, small.pk, "current") == ".."
        assert cell(html, small.pk, "baseline") == ".."
        assert cell(html, small.pk, "change") == "–"
        assert "2021: 0" in html  # a zero is no small count
        # The whole district: 4 in 2023, one in each of four months, and 7 in 2022, six
        # months of 1 or 2: each year holds "<5" months, so each is "..".
        assert cell(html, wide.pk, "current") == ".."
        assert cell(html, wide.pk, "baseline") == ".."
        assert "Ikke nok data" not in html

    def test_staff_see_exact_values(self, client_for, personas, small, plan):
        html = (
            client_for(personas["district_staff"])
            .get(reverse("staff:plans:plan", args=[plan.pk]))
            .content.decode()
        )
        assert cell(html, small.pk, "current") == "1"
        assert cell(html, small.pk, "baseline") == "3"
        assert cell(html, small.pk, "change") == "−66,7 %"
        assert cell(html, small.pk, "target") == "−10,0 %"
        assert "badge-success" in html and "<svg" in html

    def test_the_public_reads_a_running_year_up_to_the_end_of_last_month(
        self, client, client_for, personas, plan, area, district
    ):
        """As the dashboard's key figures: counts up to a day, read day after day, would give
        each day away. Staff read the year up to today."""
        today = timezone.localdate()
        source = IncidentSource.objects.create(name="doegnrapport-lokal", district=district)
        when = [at(today.year, today.month, today.day, 0, 5)] * 6  # this month
        earlier = [] if today.month == 1 else [at(today.year, 1, 1, 12)] * 7
        Incident.objects.bulk_create(
            Incident(
                source=source, external_id=f"R-{n}", occurred_at=moment, category="burglary_home"
            )
            for n, moment in enumerate(when + earlier)
        )
        item = indicator(area, current_year=today.year, baseline_year=today.year - 1)
        staff = client_for(personas["district_staff"]).get(
            reverse("staff:plans:plan", args=[plan.pk])
        )
        assert cell(staff.content.decode(), item.pk, "current") == str(len(when + earlier))
        public = client.get("/samarbejdsplan/2023/").content.decode()
        assert cell(public, item.pk, "current") == (str(len(earlier)) if earlier else "–")

    def test_council_members_see_values_as_the_public_does(self, client_for, personas, small, plan):
        # As on their dashboard: council members are not staff, and a year that holds a
        # "<5" month reads "..".
        html = (
            client_for(personas["council_member"])
            .get(reverse("staff:plans:plan", args=[plan.pk]))
            .content.decode()
        )
        assert cell(html, small.pk, "current") == ".."
        assert cell(html, small.pk, "baseline") == ".."
        assert cell(html, small.pk, "change") == "–"
        assert cell(html, small.pk, "target") == "−10,0 %"
        # Read-only: no way to edit or add.
        assert reverse("staff:plans:indicator_edit", args=[small.pk]) not in html
        assert reverse("staff:plans:indicator_add", args=[plan.pk]) not in html

    def test_secretariat_gets_edit_links(self, client_for, personas, small, plan):
        html = (
            client_for(personas["secretariat"])
            .get(reverse("staff:plans:plan", args=[plan.pk]))
            .content.decode()
        )
        assert reverse("staff:plans:indicator_edit", args=[small.pk]) in html

    def test_initiative_indicator_on_both_pages(self, client, client_for, personas, plan):
        part = Initiative.objects.get(external_id="T-1.1")
        item = indicator(part, title="Tryghedsopfølgninger udført", direction="increase")
        public = client.get("/samarbejdsplan/2023/").content.decode()
        assert re.search(rf'id="initiativ-{part.pk}".*data-indicator="{item.pk}"', public, re.S)
        assert "Ikke nok data" in public  # nothing to count yet
        staff = client_for(personas["koege_officer"]).get(part.get_absolute_url())
        assert f'data-indicator="{item.pk}"' in staff.content.decode()

    def test_unpublished_plan_indicators_are_not_public(self, client, small, plan):
        CooperationPlan.objects.filter(pk=plan.pk).update(status="draft")
        assert client.get("/samarbejdsplan/2023/").status_code == 404
        assert not Indicator.objects.visible_to(None).exists()


class TestPeriodsThatCannotBeCounted:
    """An indicator stored with years the form refuses (by the admin, or an old row) is shown
    as one that cannot be computed, on every page that shows it, instead of a server error."""

    @pytest.fixture(
        params=[
            {"baseline_start": datetime.date(1, 1, 1), "baseline_end": datetime.date(1, 12, 31)},
            {"baseline_start": datetime.date(2022, 1, 1), "baseline_end": datetime.date.max},
            {"baseline_year": 2022, "current_year": 1},
        ],
        ids=["year-one", "year-9999", "current-year-one"],
    )
    def stored(self, request, area):
        fields = {"baseline_year": None, "current_year": 2026, **request.param}
        return indicator(area, categories=["vandalism"], order=9, **fields)

    def test_the_plan_pages_say_it_cannot_be_computed(
        self, client, client_for, personas, plan, stored
    ):
        staff = client_for(personas["secretariat"], language="en")
        page = staff.get(reverse("staff:plans:plan", args=[plan.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Cannot be computed" in html
        assert "Its periods lie outside the years 2000 to 2100." in html
        assert cell(html, stored.pk, "current") == "–"
        public = client.get("/samarbejdsplan/2023/", HTTP_ACCEPT_LANGUAGE="en")
        assert public.status_code == 200
        assert "Cannot be computed" in public.content.decode()
        tiles = staff.get("/medarbejder/tal/noegletal.csv")
        assert tiles.status_code == 200
        row = next(r for r in tiles.content.decode().splitlines() if "Burglaries" in r)
        assert row.endswith(",-10.0,Cannot be computed")

    @pytest.mark.parametrize(
        "url", ["/medarbejder/tal/", "/medarbejder/tal/tal.pdf", "/samarbejdsplan/2023.pdf"]
    )
    def test_nothing_else_fails_either(self, client_for, personas, area, url):
        # Year one alone here: the printed pages are slow, and read the same Reading.
        indicator(
            area,
            baseline_year=None,
            baseline_start=datetime.date(1, 1, 1),
            baseline_end=datetime.date(1, 12, 31),
        )
        response = client_for(personas["secretariat"]).get(url)
        assert response.status_code == 200


def test_periods_read_as_dates_in_each_language(client_for, personas, plan, area):
    item = indicator(
        area,
        baseline_year=None,
        baseline_start=datetime.date(2022, 1, 1),
        baseline_end=datetime.date(2022, 3, 31),
    )
    url = reverse("staff:plans:plan", args=[plan.pk])
    danish = client_for(personas["secretariat"]).get(url).content.decode()
    assert "1. januar 2023–31. marts 2023 sammenlignet med 1. januar 2022–31. marts 2022" in (
        danish
    )
    english = client_for(personas["secretariat"], language="en").get(url).content.decode()
    assert "1 January 2023–31 March 2023 compared with 1 January 2022–31 March 2022" in english
    assert f'data-indicator="{item.pk}"' in english


def form_data(ctx, **changes):
    data = {
        "title": "Indbrud i private hjem",
        "title_en": "",
        "focus_area": ctx["area"].pk,
        "initiative": "",
        "kind": "incidents",
        "categories": ["burglary_home", "burglary_holiday_home"],
        "series": "",
        "municipality": "",
        "measure": "count",
        "baseline_year": "2022",
        "baseline_start": "",
        "baseline_end": "",
        "current_year": "",
        "target_percent": "10",
        "direction": "decrease",
        "order": "0",
    }
    data.update(changes)
    return data


@pytest.fixture
def ctx(plan, area):
    return {"plan": plan, "area": area, "indicator": indicator(area)}


class TestIndicatorAccess(StaffViewAccess):
    views = [
        StaffView("plan", lambda c: reverse("staff:plans:plan", args=[c["plan"].pk]), READERS),
        StaffView(
            "indicator_add",
            lambda c: reverse("staff:plans:indicator_add", args=[c["plan"].pk]),
            SECRETARIAT,
        ),
        StaffView(
            "indicator_add_post",
            lambda c: reverse("staff:plans:indicator_add", args=[c["plan"].pk]),
            SECRETARIAT,
            method="post",
            data=form_data,
            ok_status=302,
        ),
        StaffView(
            "indicator_edit",
            lambda c: reverse("staff:plans:indicator_edit", args=[c["indicator"].pk]),
            SECRETARIAT,
        ),
        StaffView(
            "indicator_edit_post",
            lambda c: reverse("staff:plans:indicator_edit", args=[c["indicator"].pk]),
            SECRETARIAT,
            method="post",
            data=lambda c: form_data(c, target_percent="15"),
            ok_status=302,
        ),
        StaffView(
            "indicator_delete",
            lambda c: reverse("staff:plans:indicator_delete", args=[c["indicator"].pk]),
            SECRETARIAT,
            method="post",
            ok_status=302,
        ),
    ]


def entries(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Indicator), object_id=str(obj.pk)
    )


class TestStaffForms:
    @pytest.fixture
    def secretariat_client(self, client_for, personas):
        return client_for(personas["secretariat"], language="en")

    def test_add_edit_delete_are_audited(self, secretariat_client, ctx, district):
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, form_data(ctx, title="Nyt mål"))
        assert response.status_code == 302
        item = Indicator.objects.get(title="Nyt mål")
        assert item.categories == ["burglary_home", "burglary_holiday_home"]
        (created,) = entries(item)
        assert created.action == "create" and created.district_id == district.pk
        assert created.actor.username == "secretariat"

        edit = reverse("staff:plans:indicator_edit", args=[item.pk])
        secretariat_client.post(edit, form_data(ctx, title="Nyt mål", target_percent="20"))
        updated = entries(item).get(action="update")
        assert updated.changes == {"target_percent": ["10.0", "20.0"]}

        secretariat_client.post(reverse("staff:plans:indicator_delete", args=[item.pk]))
        assert not Indicator.objects.filter(pk=item.pk).exists()
        assert entries(item).get(action="delete").district_id == district.pk

    def test_statistics_indicator_for_an_initiative(self, secretariat_client, ctx, straf11):
        part = Initiative.objects.get(external_id="T-1.1")
        data = form_data(
            ctx,
            focus_area="",
            initiative=part.pk,
            kind="statistics",
            categories=[],
            series=straf11.pk,
            measure="rate",
            baseline_year="",
            baseline_start="2021-01-01",
            baseline_end="2021-06-30",
            current_year="2022",
        )
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, data)
        assert response.status_code == 302 and response["Location"] == part.get_absolute_url()
        assert Indicator.objects.get(initiative=part).series == straf11

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"categories": ["burglary_castle"]}, "categories", "not one of the available"),
            ({"categories": []}, "categories", "at least one incident category"),
            ({"kind": "statistics", "series": "999999"}, "series", "valid choice"),
            ({"kind": "statistics"}, "series", "statistics group"),
            ({"measure": "rate"}, "measure", "needs official statistics"),
            ({"baseline_year": "2023"}, "baseline_year", "before the year measured"),
            ({"baseline_year": "", "baseline_start": "2022-05-01"}, "baseline_end", "both"),
            (
                {"baseline_year": "", "baseline_start": "2022-05-01", "baseline_end": "2022-04-01"},
                "baseline_end",
                "on or after",
            ),
            (
                {"baseline_year": "", "baseline_start": "2022-05-01", "baseline_end": "2023-02-01"},
                "baseline_end",
                "before the year measured",
            ),
            ({"baseline_year": "2020", "baseline_end": "2021-01-01"}, "baseline_year", "not both"),
            ({"baseline_year": ""}, "baseline_year", "baseline year or a period"),
            ({"initiative": "T"}, "initiative", "valid choice"),
            ({"focus_area": ""}, "focus_area", "either a focus area or an initiative"),
            ({"target_percent": "-5"}, "target_percent", "greater than or equal to 0"),
            # Year 1 cannot be counted in Copenhagen time: it once answered 500 everywhere.
            (
                {"baseline_year": "", "baseline_start": "0001-01-01", "baseline_end": "0001-12-31"},
                "baseline_start",
                "in the years 2000 to 2100",
            ),
            (
                {"baseline_year": "", "baseline_start": "2022-01-01", "baseline_end": "9999-12-31"},
                "baseline_end",
                "in the years 2000 to 2100",
            ),
            ({"baseline_year": "1999"}, "baseline_year", "greater than or equal to 2000"),
            (
                {
                    "baseline_year": "",
                    "baseline_start": "2022-01-01",
                    "baseline_end": "2022-12-31",
                    "current_year": "99999",
                },
                "current_year",
                "less than or equal to 2100",
            ),
            ({"order": "999999999999"}, "order", "less than or equal to 32767"),
            ({"order": "-1"}, "order", "greater than or equal to 0"),
            ({"target_percent": "1e400"}, "target_percent", "digits"),
            ({"direction": "sideways"}, "direction", "valid choice"),
            ({"title": ""}, "title", "required"),
        ],
    )
    def test_bad_input_stores_nothing(self, secretariat_client, ctx, changes, field, message):
        before = (Indicator.objects.count(), AuditEntry.objects.count())
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, form_data(ctx, **changes))
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert field in errors, errors
        assert message in " ".join(errors[field]), errors
        assert (Indicator.objects.count(), AuditEntry.objects.count()) == before

    def test_a_period_in_year_one_is_refused_on_edit(self, secretariat_client, ctx):
        item = ctx["indicator"]
        data = form_data(
            ctx,
            categories=["vandalism"],
            baseline_year="",
            baseline_start="0001-01-01",
            baseline_end="0001-12-31",
            current_year="2026",
            order="9",
        )
        url = reverse("staff:plans:indicator_edit", args=[item.pk])
        response = secretariat_client.post(url, data)
        assert response.status_code == 200
        assert "in the years 2000 to 2100" in response.content.decode()
        item.refresh_from_db()
        assert (item.baseline_year, item.baseline_start, item.order) == (2022, None, 0)

    def test_both_owners_are_refused(self, secretariat_client, ctx):
        part = Initiative.objects.get(external_id="T-1.1")
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, form_data(ctx, initiative=part.pk))
        assert "focus_area" in response.context["form"].errors
        assert Indicator.objects.count() == 1

    def test_statistics_periods_must_be_whole_quarters(self, secretariat_client, ctx, straf11):
        data = form_data(
            ctx,
            kind="statistics",
            series=straf11.pk,
            baseline_year="",
            baseline_start="2021-01-15",
            baseline_end="2021-06-30",
        )
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, data)
        assert "whole quarters" in str(response.context["form"].errors["baseline_start"])
        assert Indicator.objects.count() == 1

    def test_another_plans_focus_area_is_refused(self, secretariat_client, ctx, district):
        other = CooperationPlan.objects.create(district=district, year=2024, title="Plan")
        other_area = other.focus_areas.create(slug="x", title="X")
        url = reverse("staff:plans:indicator_add", args=[ctx["plan"].pk])
        response = secretariat_client.post(url, form_data(ctx, focus_area=other_area.pk))
        assert "focus_area" in response.context["form"].errors


def test_demo_plan_gets_its_indicators_once(reference, district):
    table = StatTable.objects.create(code="STRAF11", title="Anmeldte forbrydelser")
    for label in ("Ejendomsforbrydelser i alt", "Voldsforbrydelser i alt"):
        StatSeries.objects.create(table=table, label=label)
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "3 indikatorer" in out.getvalue()
    plan = CooperationPlan.objects.get(district=district, year=2023)
    ids = set(Indicator.objects.of_plan(plan).values_list("external_id", flat=True))
    assert ids == {"MVSJ-2023-IND-EJENDOM", "MVSJ-2023-IND-VOLD", "MVSJ-2023-IND-KNALLERT"}
    moped = Indicator.objects.get(external_id="MVSJ-2023-IND-KNALLERT")
    assert moped.initiative.external_id == "MVSJ-2023-TRAFIK-03"
    Indicator.objects.filter(pk=moped.pk).update(title="Omdøbt")
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "fandtes allerede" in again.getvalue() and "3 indikatorer" in again.getvalue()
    assert Indicator.objects.of_plan(plan).count() == 3
