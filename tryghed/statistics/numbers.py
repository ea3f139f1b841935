"""The numbers councils read from official statistics: trends and rates per 1,000 inhabitants.

Sums and counts are aggregated in the database, grouped per municipality and series, so a
trend over 15 years never loads its rows into Python. The rate is computed there as well (as
a float, for ordering and filtering), and again exactly from the integer aggregates for what
people read: a rate shown as 12.5 must not be 12.4 because of a float on one database.

Rate per 1,000 = value / population × 1000, with the population at the start of the quarter.
For a year: the sum of the quarters' values over the mean of the quarters' populations. A
year still running (2022 in STRAF11 ends with 2022K2) has fewer than four quarters; `quarters`
says how many, so it is not mistaken for a fall in crime.

These groupings are per municipality: a mean population summed over several municipalities
would be the mean municipality, not their total.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, FloatField, Sum, Value, When
from django.db.models.functions import Cast


def round_half_up(numerator, denominator):
    """numerator / denominator rounded half up to one decimal, exactly (integers in)."""
    quotient, remainder = divmod(numerator * 10, denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return Decimal(quotient).scaleb(-1)


def rate_per_1000(value, population_sum, population_count):
    """The rate per 1,000 inhabitants over the mean population; None without a population."""
    if not population_sum or not population_count:
        return None
    return round_half_up(value * 1000 * population_count, population_sum)


@dataclass(frozen=True)
class Point:
    municipality_id: int
    series_id: int
    year: int
    quarter: int | None  # None for a whole year
    value: int
    mean_population: Decimal | None
    rate: Decimal | None
    quarters: int

    @property
    def period(self):
        return f"{self.year}K{self.quarter}" if self.quarter else str(self.year)

    @property
    def complete(self):
        return self.quarter is not None or self.quarters == 4


def _aggregated(values, period_fields):
    fields = ["municipality", "series", *period_fields]
    return (
        values.order_by()
        .values(*fields)
        .annotate(
            total=Sum("value"),
            population_sum=Sum("population"),
            population_count=Count("population"),
            quarters=Count("quarter", distinct=True),
        )
        .annotate(
            rate=Case(
                When(
                    population_sum__gt=0,
                    then=Cast(F("total"), FloatField())
                    * Value(1000.0)
                    * F("population_count")
                    / Cast(F("population_sum"), FloatField()),
                ),
                default=None,
                output_field=FloatField(),
            )
        )
        .order_by(*fields)
    )


def quarterly_rows(values):
    """Per municipality, series and quarter: total, population_sum/count, rate (a float)."""
    return _aggregated(values, ["year", "quarter"])


def yearly_rows(values):
    """Per municipality, series and year: total, population_sum/count, quarters, rate."""
    return _aggregated(values, ["year"])


def _points(rows):
    trends = {}
    for row in rows:
        population_count = row["population_count"]
        point = Point(
            municipality_id=row["municipality"],
            series_id=row["series"],
            year=row["year"],
            quarter=row.get("quarter"),
            value=row["total"],
            mean_population=(
                round_half_up(row["population_sum"], population_count) if population_count else None
            ),
            rate=rate_per_1000(row["total"], row["population_sum"], population_count),
            quarters=row["quarters"],
        )
        trends.setdefault((point.municipality_id, point.series_id), []).append(point)
    return trends


def quarterly_trend(values):
    """{(municipality id, series id): [Point per quarter, oldest first]} for the values."""
    return _points(quarterly_rows(values))


def yearly_trend(values):
    """{(municipality id, series id): [Point per year, oldest first]} for the values."""
    return _points(yearly_rows(values))
