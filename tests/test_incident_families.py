"""One period's table of selections (municipalities × categories with their margins) as the
public reads it: no small count may be worked out from the others, whatever the reader
combines (`incidents.families`)."""

import itertools

import numpy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tryghed.incidents.families import hidden_periods, secondaries

SMALL, HIDDEN = "<5", ".."


def table(interior, margin_row=True):
    rows, columns = interior.shape
    values = numpy.zeros((rows + margin_row, columns + 1), dtype=numpy.int64)
    values[:rows, :columns] = interior
    values[:rows, -1] = interior.sum(axis=1)
    if margin_row:
        values[-1, :columns] = interior.sum(axis=0)
        values[-1, -1] = interior.sum()
    return values


def published(values, hidden):
    return {
        cell: HIDDEN if cell in hidden else (SMALL if 0 < value < 5 else int(value))
        for cell, value in numpy.ndenumerate(values)
    }


def values_that_fit(interior, margin_row, shown, most):
    """{cell: set of values} of every small cell over every table of whole numbers that
    fits everything published: "<5" 1 to 4, ".." 5 or more (up to `most`), the rest as
    shown, every margin the sum of its line."""
    rows, columns = interior.shape
    unknown = [
        (i, j) for i in range(rows) for j in range(columns) if not isinstance(shown[(i, j)], int)
    ]
    choices = [range(1, 5) if shown[cell] == SMALL else range(5, most + 1) for cell in unknown]
    found = {cell: set() for cell, value in shown.items() if value == SMALL}
    for combination in itertools.product(*choices):
        candidate = interior.copy()
        for cell, value in zip(unknown, combination, strict=True):
            candidate[cell] = value
        full = table(candidate, margin_row)
        if all(
            (0 < full[cell] < 5)
            if value == SMALL
            else (full[cell] >= 5 if value == HIDDEN else full[cell] == value)
            for cell, value in shown.items()
        ):
            for cell in found:
                found[cell].add(int(full[cell]))
    return found


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(
    st.integers(1, 3).flatmap(
        lambda rows: st.integers(1, 3).flatmap(
            lambda columns: st.lists(
                st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 9]),
                min_size=rows * columns,
                max_size=rows * columns,
            ).map(lambda cells: numpy.array(cells, dtype=numpy.int64).reshape(rows, columns))
        )
    ),
    st.booleans(),
)
def test_no_small_count_can_be_worked_out(interior, margin_row):
    """Every small count keeps two values or more that fit everything published; or, where
    "<5" beside "<5" pins it (four 1s whose sum reads "<5" too), it does even with every
    count of 5 or more hidden: nothing more could be done."""
    margin_row = margin_row or interior.shape[0] > 1
    values = table(interior, margin_row)
    hidden = set(secondaries(values))
    shown = published(values, hidden)
    rows, columns = interior.shape
    unknown = sum(
        1
        for (i, j), value in shown.items()
        if i < rows and j < columns and value in (SMALL, HIDDEN)
    )
    assume(unknown <= 4)
    most = int(values.max()) + 5
    everything = published(values, {cell for cell, v in numpy.ndenumerate(values) if v >= 5})
    for cell, fitting in values_that_fit(interior, margin_row, shown, most).items():
        if len(fitting) < 2:
            assert len(values_that_fit(interior, margin_row, everything, most)[cell]) < 2


def test_the_one_small_count_of_a_row_takes_a_rectangle_with_it():
    # Greve: 3 burglaries, 8 violence; Køge: 20 and 17.
    values = table(numpy.array([[3, 8], [20, 17]]))
    assert sorted(secondaries(values)) == [(0, 1), (1, 0), (1, 1)]


def test_small_counts_cover_each_other_without_more_hidden():
    values = table(numpy.array([[2, 3, 40], [3, 2, 50]]))
    assert secondaries(values) == ()


def test_a_small_margin_is_protected_too():
    """The first column's sum, 3, would be the rows' sums less the others: 45 + 55 less 40,
    50 and the second column's 7. So the 7 is hidden."""
    values = table(numpy.array([[2, 3, 40], [1, 4, 50]]))
    assert secondaries(values) == ((2, 1),)


def test_a_table_without_small_counts_hides_nothing():
    assert secondaries(table(numpy.array([[5, 0], [9, 12]]))) == ()


def test_hidden_periods_name_the_selections():
    rows = [
        (1, "burglary_home", "2026-10", 3),
        (1, "violence", "2026-10", 8),
        (2, "burglary_home", "2026-10", 20),
        (2, "violence", "2026-10", 17),
        (2, "violence", "2026-09", 17),
    ]
    hidden = hidden_periods(rows, [1, 2])
    assert hidden.of(1, "violence") == {"2026-10"}
    assert hidden.of(2, "burglary_home") == {"2026-10"}
    assert hidden.of(2, "violence") == {"2026-10"}
    assert hidden.of(1, "burglary_home") == frozenset()
    assert hidden.of(None, None) == frozenset()


def test_one_municipality_is_its_area():
    """A lokalråd's area of one municipality: its month of every category is the area's, so
    what hides one hides the other."""
    hidden = hidden_periods([(1, "burglary_home", "m", 3), (1, "violence", "m", 8)], [1])
    assert hidden.of(1, "violence") == hidden.of(None, "violence") == {"m"}


def test_a_sum_hidden_alone_in_its_line_takes_another_with_it():
    """A year of burglaries hidden as ".." beside the year of violence and of every
    category would be the one less the other: the violence is hidden too. A ".." of sums
    may be any number, so 0 is no bound."""
    values = numpy.array([[9, 7, 16]])
    withheld = numpy.array([[True, False, False]])
    assert secondaries(values, small=numpy.zeros((1, 3), bool), withheld=withheld, floor=0) == (
        (0, 1),
    )


def test_sums_hidden_in_every_selection_of_the_line_need_no_more():
    values = numpy.array([[9, 7, 16]])
    withheld = numpy.array([[True, True, False]])
    assert secondaries(values, small=numpy.zeros((1, 3), bool), withheld=withheld, floor=0) == ()
