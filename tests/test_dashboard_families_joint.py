"""A rectangle of "<5" months (no ".." needed in its month's table) in two months, tied by a
category's published year, pins a "<5" through the bounds 1..4 when each month's table and
each selection's sums are protected alone. A year that holds a "<5" month is not published
(`families.withheld_sums`).

"Today" is 18 November 2026; everything is in 2026. Categories: burglary_home (B), violence
(V), vandalism (W). Roskilde (R) has 10 B and 10 V a month, Greve and Køge 10 W a month;
January: 10 B and 10 V in Greve and Køge as well.

February:  Greve B 2, V 3;  Køge B 1, V 2   (all "<5", row and column sums shown)
March:     Greve B 2, V 1;  Køge B 2, V 2

Each month's table of selections: the four "<5" form a rectangle of small counts, so
`families.secondaries` hides nothing. Each "<5" alone in its selection, and each selection's
year up to April (Jan 10 + two small months, neither at its bounds in its own selection)
would be published by `numbers.protected_sums`, and the sums' table of the selections holds
no "<5" and no "..": protecting each part alone, nothing would be withheld.
"""

import datetime
import itertools

import pytest

from tests.dashboard_helpers import (
    add,
    read,
    today,  # noqa: F401 (a fixture)
)
from tryghed.incidents.models import IncidentSource
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT
from tryghed.organisation.models import Municipality


def fits(published, value):
    if published == SMALL_COUNT:
        return 0 < value < 5
    if published == SECONDARY:
        return value >= 5 or value == 0
    return int(published) == value


TRUTH = {
    # (municipality, category, month): count
    ("0253", "burglary_home", 2): 2,
    ("0253", "violence", 2): 3,
    ("0259", "burglary_home", 2): 1,
    ("0259", "violence", 2): 2,
    ("0253", "burglary_home", 3): 2,
    ("0253", "violence", 3): 1,
    ("0259", "burglary_home", 3): 2,
    ("0259", "violence", 3): 2,
}
UNKNOWN = list(TRUTH)


@pytest.fixture
def data(district, greve, koege):
    roskilde = Municipality.objects.get(code="0265")
    source = IncidentSource.objects.create(name="doegnrapport-gap", district=district)
    for month in (1, 2, 3):
        day = datetime.date(2026, month, 5)
        add(source, roskilde, "burglary_home", day, 10)
        add(source, roskilde, "violence", day, 10)
        add(source, greve, "vandalism", day, 10)
        add(source, koege, "vandalism", day, 10)
    for municipality in (greve, koege):
        add(source, municipality, "burglary_home", datetime.date(2026, 1, 5), 10)
        add(source, municipality, "violence", datetime.date(2026, 1, 5), 10)
    places = {"0253": greve, "0259": koege}
    for (code, category, month), n in TRUTH.items():
        add(source, places[code], category, datetime.date(2026, month, 6), n)


PLACES = ("0253", "0259", "0265")
KINDS = ("burglary_home", "violence", "vandalism")


def known(code, category, month):
    """What is not among the unknowns (the attacker reads it shown)."""
    if (code, category, month) in TRUTH:
        raise KeyError
    if code == "0265":
        return 10 if category in ("burglary_home", "violence") else 0
    if category == "vandalism":
        return 10
    return 10 if month == 1 else 0


@pytest.mark.usefixtures("today", "data")
def test_two_small_rectangles_tied_by_a_year_pin_nothing(council_member, client_for):
    client = client_for(council_member)
    saved = {}
    for code in ("", *PLACES):
        for category in ("", *KINDS):
            query = f"municipality={code}&category={category}"
            months = read(client, f"trend.csv?period=month&year=2026&{query}")
            years = read(client, f"trend.csv?period=year&{query}")
            saved[(code, category)] = (
                {m: months.get(f"2026-{m:02d}", "0") for m in (1, 2, 3)},
                years.get("2026", "0"),
            )
    assert saved[("0253", "burglary_home")][0][2] == SMALL_COUNT

    # Attacker: every assignment of the eight small counts (0..4; anything above 4 would not
    # read "<5") that fits every month and every year saved.
    found = _fitting(saved)
    # Without the four cells' years (each gives the same equation), it could be 1 or 2.
    partial = dict(saved)
    for cell in itertools.product(("0253", "0259"), ("burglary_home", "violence")):
        partial[cell] = (saved[cell][0], SECONDARY)
    assert len(_fitting(partial)) >= 2
    # With them: February's table: Greve B+V = 5 (Greve's 15 less its 10 vandalism), Køge
    # B+V = 3, B = 3 (district's 13 less Roskilde's 10): gb2 <= 2 (Køge's B >= 1). March:
    # Greve B+V = 3, so gb3 <= 2 (Greve's V >= 1). Greve's burglary year 14 less January's
    # 10: gb2 + gb3 = 4, both at their most: February's "<5" would be 2.
    assert len(found) >= 2
    assert saved[("0253", "burglary_home")][1] == SECONDARY


def _fitting(saved):
    found = set()
    for values in itertools.product(range(0, 5), repeat=len(UNKNOWN)):
        guess = dict(zip(UNKNOWN, values, strict=True))

        def count(code, category, month, guess=guess):
            places = [code] if code else PLACES
            kinds = [category] if category else KINDS
            return sum(
                guess[(p, k, month)] if (p, k, month) in guess else known(p, k, month)
                for p in places
                for k in kinds
            )

        if all(
            all(fits(shown_months[m], count(code, category, m)) for m in (1, 2, 3))
            and fits(shown_year, sum(count(code, category, m) for m in (1, 2, 3)))
            for (code, category), (shown_months, shown_year) in saved.items()
        ):
            found.add(guess[("0253", "burglary_home", 2)])
    return found
