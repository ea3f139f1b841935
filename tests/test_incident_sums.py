"""Everything the public reads of a district's counts, read together: the months' tables of
every selection and every selection's sums of months. No small count may be worked out from
all of it (`families.withheld_sums`): a reader's integer programme (HiGHS) tries every
district of whole numbers that fits what is published."""

import datetime
import itertools

import highspy
import numpy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryghed.incidents import families
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT, Period, protected_sums

UNTIL = datetime.date(2026, 4, 1)
MONTHS = [datetime.date(2026, m, 1) for m in (1, 2, 3)]
PLACES = (1, 2, 3)
KINDS = ("burglary_home", "violence", "vandalism")


def gap_rows():
    """tests/test_dashboard_families_gaps.py's district: two rectangles of "<5" alone, in
    February and March, Greve (1) and Køge (2) × burglaries and violence; Roskilde (3)."""
    rows = []
    for start in MONTHS:
        rows += [(3, "burglary_home", start, 10), (3, "violence", start, 10)]
        rows += [(1, "vandalism", start, 10), (2, "vandalism", start, 10)]
    for place in (1, 2):
        rows += [(place, "burglary_home", MONTHS[0], 10), (place, "violence", MONTHS[0], 10)]
    small = {
        (1, "burglary_home", 1): 2,
        (1, "violence", 1): 3,
        (2, "burglary_home", 1): 1,
        (2, "violence", 1): 2,
        (1, "burglary_home", 2): 2,
        (1, "violence", 2): 1,
        (2, "burglary_home", 2): 2,
        (2, "violence", 2): 2,
    }
    rows += [(p, c, MONTHS[m], n) for (p, c, m), n in small.items()]
    return rows


def test_the_sums_as_each_selection_publishes_them_pin_februarys_small_count():
    # Each selection's sums as `protected_sums` decides them alone: February's "<5" of
    # Greve's burglaries is worked out from them and the months' tables together.
    rows = gap_rows()
    months = families.hidden_periods(rows, PLACES)
    shown = published(rows, PLACES, months, families.Hidden())
    assert (1, "burglary_home", 1) in pinned_in_whole_numbers(rows, shown)


def test_only_sums_of_months_shown_exactly_are_published():
    rows = gap_rows()
    months = families.hidden_periods(rows, PLACES)
    sums = families.withheld_sums(rows, PLACES, UNTIL, months)
    shown = published(rows, PLACES, months, sums)
    # Greve's burglaries: January 10, February and March "<5": January's sums remain.
    assert shown[(1, "burglary_home")][1] == {
        (2026, MONTHS[1]): 10,
        (None, MONTHS[1]): 10,
        (2026, MONTHS[2]): SECONDARY,
        (None, MONTHS[2]): SECONDARY,
        (2026, UNTIL): SECONDARY,
        (None, UNTIL): SECONDARY,
    }
    # Roskilde's burglaries, 10 a month, are shown whole.
    assert set(shown[(3, "burglary_home")][1].values()) == {10, 20, 30}
    assert pinned_in_whole_numbers(rows, shown) == []


def test_a_district_without_small_counts_withholds_nothing():
    rows = [(p, c, s, 10 + p) for p in PLACES for c in KINDS for s in MONTHS]
    months = families.hidden_periods(rows, PLACES)
    assert families.withheld_sums(rows, PLACES, UNTIL, months).hidden == {}


# A reader who tries every district that fits what is published.


def published(rows, places, months, sums):
    """{selection: ([each month as shown], {sum key: as shown})} of every selection."""
    found = {}
    for place, kind in itertools.product((*places, None), (*KINDS, None)):
        counts = _selection(rows, place, kind)
        hidden = months.of(place, kind)
        shown_months = [
            SECONDARY if s in hidden and n else (SMALL_COUNT if 0 < n < 5 else n)
            for s, n in zip(MONTHS, counts, strict=True)
        ]
        shown_sums = protected_sums(
            {Period("month", s): n for s, n in zip(MONTHS, counts, strict=True) if n},
            UNTIL,
            hidden,
            sums.of(place, kind),
        ).values
        found[(place, kind)] = (shown_months, shown_sums)
    return found


def _selection(rows, place, kind):
    return [
        sum(
            n
            for p, c, s, n in rows
            if s == start and (place is None or p == place) and (kind is None or c == kind)
        )
        for start in MONTHS
    ]


def _bounds(shown, month):
    """What a reader knows of a number as `shown`: (least, most)."""
    if shown == SMALL_COUNT:
        return 1, 4
    if shown == SECONDARY:
        # A ".." month of the tables is 5 or more (`families` hides no smaller count there).
        return (5, highspy.kHighsInf) if month else (-highspy.kHighsInf, highspy.kHighsInf)
    return shown, shown


def pinned_in_whole_numbers(rows, shown):
    """The small counts of `rows` that no district of whole numbers fitting everything
    `shown` has one more or one less of: a reader's integer programme, built from what is
    published alone."""
    cells = list(itertools.product(PLACES, KINDS, range(len(MONTHS))))
    truth = dict.fromkeys(cells, 0)
    for p, c, s, n in rows:
        truth[(p, c, MONTHS.index(s))] += n
    constraints = []
    for (place, kind), (shown_months, shown_sums) in shown.items():
        covered = [
            n
            for n, (p, c, _t) in enumerate(cells)
            if (place is None or p == place) and (kind is None or c == kind)
        ]
        for t, value in enumerate(shown_months):
            constraints.append(([n for n in covered if cells[n][2] == t], _bounds(value, True)))
        for (_chain, boundary), value in shown_sums.items():
            before = sum(start < boundary for start in MONTHS)
            constraints.append(
                ([n for n in covered if cells[n][2] < before], _bounds(value, False))
            )
    pinned = []
    for target, cell in enumerate(cells):
        value = truth[cell]
        if not 0 < value < 5:
            continue
        if not any(
            _feasible(len(cells), constraints, target, bound)
            for bound in ((0, value - 1), (value + 1, highspy.kHighsInf))
        ):
            pinned.append(cell)
    return pinned


def _feasible(size, constraints, target, bound):
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    lower, upper = numpy.zeros(size), numpy.full(size, highspy.kHighsInf)
    lower[target], upper[target] = bound
    solver.addVars(size, lower, upper)
    solver.changeColsIntegrality(
        size, numpy.arange(size, dtype=numpy.int32), numpy.full(size, highspy.HighsVarType.kInteger)
    )
    for variables, (least, most) in constraints:
        solver.addRow(
            least,
            most,
            len(variables),
            numpy.array(variables, dtype=numpy.int32),
            numpy.ones(len(variables)),
        )
    solver.run()
    return solver.getModelStatus() == highspy.HighsModelStatus.kOptimal


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 6), min_size=2 * 2 * 2, max_size=2 * 2 * 2))
def test_no_small_count_is_pinned_by_everything_published(values):
    # Greve and Køge × burglaries and violence in February and March, as `gap_rows` has
    # them but any counts; January 10 each, Roskilde and vandalism 20 a month.
    it = iter(values)
    rows = []
    for place in PLACES:
        for kind in KINDS:
            for t, start in enumerate(MONTHS):
                filler = place == 3 or kind == "vandalism"
                n = 20 if filler else 10 if t == 0 else next(it)
                rows.append((place, kind, start, n))
    months = families.hidden_periods(rows, PLACES)
    sums = families.withheld_sums(rows, PLACES, UNTIL, months)
    assert pinned_in_whole_numbers(rows, published(rows, PLACES, months, sums)) == []
