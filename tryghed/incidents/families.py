"""Small counts across selections: a month of one municipality and category read beside the
same month of the others.

A public reader chooses a municipality or all of them, a category or all of them, and reads
each selection's months. The selections of one month form a table: the municipalities'
counts per category, each municipality's count over every category, the area's count per
category and the area's count. Each number of it is published somewhere, so a small count
alone in its row or column is the margin less the others: Greve's November "<5" is the
district's November less the other municipalities' Novembers, and a category's "<5" is the
month of every category less the other categories.

So each period's table is protected as a whole before any selection reads it: beside every
small count, counts of 5 or more are hidden as ".." so that the small one lies in a rectangle
of hidden counts (two rows, two columns, the margins among them) whose corners can move by
one, up and down alternately, without any row or column sum changing and without a "<5"
leaving 1 to 4 or a ".." falling below 5: another table that fits everything published, with
another value of the small count (the hypercube method of statistical offices, in two
dimensions). The cheapest such rectangle is chosen, its counts hidden, counts inside the
table before its margins; hiding more never uncovers what was covered, so one pass over the
small counts ends protected.

A selection's months hidden here are unknowns of its own sums of months, which must not give
them away either (`numbers.protected_sums`, `withheld_sums`), and of its weeks
(`numbers.protect_calendar`). Weeks are not protected across the selections: the public
reads the weeks of the whole area and every category only (the dashboard's filter form),
since each selection hides weeks of its own to protect its months.

The choice depends on the period's table alone, so a month reads the same however often.
Every reader of a district's numbers reads the same choice (`district_hidden`), made once
and kept in the cache under the marks of the counts it follows from (`kept`), which the
database sets anew whenever they change (`models.CountsVersion`).

A selection's sums of months are published only where every month they hold reads as a
number (`withheld_sums`): read beside everything else, a sum that holds a "<5" can pin it.
"""

import datetime
import hashlib
from functools import lru_cache

import numpy
from django.core.cache import cache
from django.db.models import OuterRef, Subquery, Sum

from tryghed.incidents.models import CountsVersion, IncidentSource, MonthlyCount
from tryghed.incidents.numbers import SMALL_COUNT_LIMIT, is_small
from tryghed.organisation.models import Municipality

# How long what `kept` keeps is kept; other counts give another key, and so does another
# way of choosing.
_KEPT = 24 * 60 * 60
_CHOICE = 2

# Hiding a margin costs readers more than hiding a count inside the table: a municipality's
# month over every category is what its lokalråd reads first, the area's more still.
_MARGIN = 1_000_000
_CORNER = 1_000_000_000


def _movable(values, step, small, floor):
    """Which counts may move by `step` once hidden, as a reader knows them: a "<5" stays
    within 1 to 4, a ".." at `floor` or more; a 0 is shown and never hidden."""
    moved = values + step
    return (small & (moved >= 1) & (moved < SMALL_COUNT_LIMIT)) | (
        ~small & (values > 0) & (moved >= floor)
    )


def _costs(values):
    cost = values.astype(float)
    if values.shape[0] > 1:
        cost[-1, :] += _MARGIN
    cost[:, -1] += _MARGIN
    cost[-1, -1] += _CORNER
    return cost


def _cheapest(values, unknown, cost, row, column, small, floor):
    """The other corners of the cheapest rectangle that covers the count at (`row`,
    `column`), as a boolean array, or None.

    A move of one count inside the table changes its row's and its column's sums, so the
    corners' signs follow the lines: two rows (or columns) inside the table move opposite
    ways, a row and the margin row (a column and the margin column) the same way, since
    the margin is their sum. A table of one row has no column sums: there a second count of
    the row, or its sum, suffices."""
    rows, columns = values.shape
    inner_row = rows == 1 or row < rows - 1
    inner_column = column < columns - 1
    along_rows = numpy.ones(rows, dtype=int)
    if inner_row:
        along_rows[: rows - 1] = -1
    along_columns = numpy.ones(columns, dtype=int)
    if inner_column:
        along_columns[: columns - 1] = -1
    along_rows[row] = along_columns[column] = 1
    signs = along_rows[:, None] * along_columns[None, :]
    effective = numpy.where(unknown, 0.0, cost)
    up, down = _movable(values, 1, small, floor), _movable(values, -1, small, floor)
    best, best_cost = None, numpy.inf
    for step in (1, -1):
        moves = numpy.where(signs * step > 0, up, down)
        if not moves[row, column]:
            continue
        if rows == 1:
            valid = moves[0].copy()
            valid[column] = False
            total = numpy.where(valid, effective, numpy.inf)
            at = (0, int(numpy.argmin(total[0])))
            corners = [at]
        else:
            valid = moves[:, column][:, None] & moves[row, :][None, :] & moves
            valid[row, :] = False
            valid[:, column] = False
            total = effective[:, column][:, None] + effective[row, :][None, :] + effective
            total = numpy.where(valid, total, numpy.inf)
            at = numpy.unravel_index(int(numpy.argmin(total)), total.shape)
            corners = [(int(at[0]), column), (row, int(at[1])), (int(at[0]), int(at[1]))]
        if total[at] < best_cost:
            best_cost = total[at]
            best = numpy.zeros_like(unknown)
            for corner in corners:
                best[corner] = True
    return best


@lru_cache(maxsize=50_000)
def _secondaries(shape, data, small_data, withheld_data, floor):
    values = numpy.frombuffer(data, dtype=numpy.int64).reshape(shape)
    small = numpy.frombuffer(small_data, dtype=bool).reshape(shape)
    withheld = numpy.frombuffer(withheld_data, dtype=bool).reshape(shape)
    unknown = small | withheld
    cost = _costs(values)
    for row, column in zip(*numpy.nonzero(unknown), strict=True):
        corners = _cheapest(values, unknown, cost, row, column, small, floor)
        if corners is None:
            # No rectangle can move this count: every count that may be hidden is.
            unknown |= ~small & (values > 0)
            break
        unknown |= corners
    hidden = unknown & ~small & ~withheld
    return tuple(zip(*(axis.tolist() for axis in numpy.nonzero(hidden)), strict=True))


def secondaries(values, *, small=None, withheld=None, floor=SMALL_COUNT_LIMIT):
    """The positions [(row, column)] of the counts of one table `values` (an integer array,
    each row a municipality and each column a category, the last column each row's sum;
    with more than one row, the last row the area's) to hide as ".." beside its small
    counts (see the module's docstring).

    By default the table is one period's: a count of 1 to 4 reads "<5" and a ".." is 5 or
    more. A table of sums of months says which read "<5" (`small`) and which are hidden
    already (`withheld`, which must not be worked out either), and a ".." there may be any
    number (`floor` 0)."""
    values = numpy.ascontiguousarray(values, dtype=numpy.int64)
    if small is None:
        small = (values > 0) & (values < SMALL_COUNT_LIMIT)
    if withheld is None:
        withheld = numpy.zeros(values.shape, dtype=bool)
    small = numpy.ascontiguousarray(small, dtype=bool)
    withheld = numpy.ascontiguousarray(withheld, dtype=bool)
    return _secondaries(values.shape, values.tobytes(), small.tobytes(), withheld.tobytes(), floor)


class Hidden:
    """The periods hidden as ".." in each selection of an area: `of(municipality_id,
    category)` (None: every municipality, every category) gives a set of period starts."""

    def __init__(self, hidden=None):
        self.hidden = hidden or {}

    def of(self, municipality_id, category):
        return self.hidden.get((municipality_id, category), frozenset())


def _grid(rows, municipality_ids):
    """The selections of an area laid out as the tables `secondaries` takes: (row keys, the
    municipalities and None for the area; column names, the categories and None for every
    one; {(row, column): {period start: count}}). A count of the reach in no municipality
    chosen (unlocated, or beyond) is in the area's margins only."""
    chosen = sorted(municipality_ids)
    position = {m: i for i, m in enumerate(chosen)}
    categories = sorted({category for _m, category, _s, n in rows if n})
    column = {category: j for j, category in enumerate(categories)}
    margin_row, margin_column = len(chosen), len(categories)
    cells = {}
    for municipality_id, category, start, count in rows:
        if not count:
            continue
        i, j = position.get(municipality_id), column[category]
        places = [(margin_row, j), (margin_row, margin_column)]
        if i is not None:
            places += [(i, j), (i, margin_column)]
        for place in places:
            counted = cells.setdefault(place, {})
            counted[start] = counted.get(start, 0) + count
    return [*chosen, None], [*categories, None], cells


def _selections(keys, names, positions, alone):
    """The selections (municipality id, category) of table positions [(row, column)]; of
    an area of one municipality (`alone`: its row is the area's), both."""
    for i, j in positions:
        yield keys[i], names[j]
        if alone:
            yield None, names[j]


def hidden_periods(rows, municipality_ids):
    """`Hidden` from the counts `rows` [(municipality id, category, period start, count)] of
    an area's reach, whose readers choose among `municipality_ids`: each period's table
    protected by `secondaries`."""
    keys, names, cells = _grid(rows, municipality_ids)
    starts = {start for counted in cells.values() for start in counted}
    hidden = {}
    for start in starts:
        values = numpy.zeros((len(keys), len(names)), dtype=numpy.int64)
        for cell, counted in cells.items():
            values[cell] = counted.get(start, 0)
        # An area of one municipality and nothing beyond this period: its row is the area's.
        alone = len(keys) == 2 and (values[0] == values[-1]).all()
        if alone:
            values = values[:1]
        for selection in _selections(keys, names, secondaries(values), alone):
            hidden.setdefault(selection, set()).add(start)
    return Hidden(hidden)


def district_counts(district_id, until):
    """([(municipality id, category, month start, count)], [municipality ids]): the counts of
    a district's incidents (its sources', as its kredsråd reads them) per municipality,
    category and month before `until`, and the district's municipalities. Counts in none of
    them (unlocated, or beyond the district) come summed per category and month, with no
    municipality: no reader chooses them."""
    chosen = list(Municipality.objects.filter(district=district_id).values_list("pk", flat=True))
    counts = MonthlyCount.objects.filter(source__district=district_id, month__lt=until).order_by()
    inside = (
        counts.filter(municipality__in=chosen)
        .values_list("municipality_id", "category", "month")
        .annotate(n=Sum("incidents"))
        .values_list("municipality_id", "category", "month", "n")
    )
    beyond = (
        counts.exclude(municipality__in=chosen)
        .values_list("category", "month")
        .annotate(n=Sum("incidents"))
        .values_list("category", "month", "n")
    )
    rows = [(m, c, _as_date(start), n) for m, c, start, n in inside]
    rows += [(None, c, _as_date(start), n) for c, start, n in beyond]
    return rows, chosen


def versions(sources):
    """The marks (`CountsVersion`) of the sources `sources` (an IncidentSource queryset) as
    a tuple, read in one query: a cache key of what their monthly counts and cell totals
    say. A source without counts has no mark (None) until its first."""
    mark = CountsVersion.objects.filter(source=OuterRef("pk")).values("version")
    return tuple(sources.order_by("pk").annotate(mark=Subquery(mark)).values_list("pk", "mark"))


def _as_date(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def withheld_sums(rows, municipality_ids, until, hidden):
    """`Hidden` of the sums of months (keys (year or None, boundary), as `protected_sums`
    publishes them) each selection reads as "..": every sum that holds a month the selection
    reads as "<5" or as ".." (`hidden`, of `hidden_periods`).

    The sums left are sums of months each shown exactly, so they tell nothing the months do
    not, and each month's table, protected by `secondaries`, stands alone. A sum that holds
    a "<5" month tells its reader more than 1 to 4, and read beside the other selections'
    sums and months it can pin one: two months whose "<5" form rectangles, at their bounds,
    tied by a year (tests/test_dashboard_families_joint.py); a total over several years
    tying every year to the next; a municipality's year beside its every category's and its
    other categories' (tests/test_incident_sums.py tries every district that fits).
    Weighing each sum against everything else published would take a linear programme per
    small count over the district's five years, and a reader keeps what was published
    every month before; this rule depends on the months up to each sum's end alone, so a
    sum reads the same whenever it is read.

    `rows` and `municipality_ids` as `hidden_periods` takes them, of months before `until`."""
    keys, names, months = _grid(rows, municipality_ids)
    alone = len(keys) == 2 and all(
        months.get((0, j)) == months.get((1, j)) for j in range(len(names))
    )
    withheld = {}
    for (i, j), counted in months.items():
        if alone and i == 1:
            continue
        for selection in _selections(keys, names, [(i, j)], alone):
            unknown = sorted(
                start
                for start, n in counted.items()
                if is_small(n) or (n and start in hidden.of(*selection))
            )
            if unknown:
                withheld[selection] = set(_sums_holding(unknown, until))
    return Hidden(withheld)


def _sums_holding(unknown, until):
    """The keys of `protected_sums` up to `until` whose sums hold one of the months
    `unknown` (sorted)."""
    day = unknown[0]
    while day < until:
        boundary = _next_month(day)
        yield (None, boundary)
        if any(datetime.date(day.year, 1, 1) <= start < boundary for start in unknown):
            yield (day.year, boundary)
        day = boundary


def _next_month(day):
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def district_hidden(district_id, until):
    """{"month": Hidden, "sums": Hidden} of a district's selections as the public reads them
    up to `until`: every reader of the district's numbers (its kredsråd, a lokalråd, the
    plan's indicators) reads the same, so that none of them can combine two choices.

    Kept in the cache under the marks of the district's sources' counts (`kept`): past
    months do not change, so the choice is made once and read by every worker."""
    # Which municipalities the district has decides the tables as much as the counts do.
    municipalities = Municipality.objects.filter(district=district_id).order_by("pk")

    def choose():
        rows, chosen = district_counts(district_id, until)
        months = hidden_periods(rows, chosen)
        return {"month": months, "sums": withheld_sums(rows, chosen, until, months)}

    return kept(
        "district",
        IncidentSource.objects.filter(district=district_id),
        (district_id, until, tuple(municipalities.values_list("pk"))),
        choose,
    )


def kept(kind, sources, parts, make):
    """What `make()` returns, from the counts of `sources` (an IncidentSource queryset;
    None: every source) and what `parts` says, kept in the cache under both (`versions`):
    read anew only after their counts change. What was made while the counts changed is
    not kept, since it may follow from some of each."""
    if sources is None:
        sources = IncidentSource.objects.all()
    marks = versions(sources)
    key = _key(kind, marks, *parts)
    found = cache.get(key)
    if found is None:
        found = make()
        if versions(sources) == marks:
            cache.set(key, found, timeout=_KEPT)
    return found


def _key(kind, *parts):
    """A cache key of what `parts` (the marks of the counts read among them) say."""
    digest = hashlib.sha256(repr((_CHOICE, *parts)).encode()).hexdigest()
    return f"incidents.families:{kind}:{digest}"


def hidden_in(area):
    """{"month": Hidden, "sums": Hidden} of a public reader's `area` (dashboard.area.Area):
    the months and sums of months each of its selections reads as ".." beside the
    others', as each district's readers read them (`district_hidden`). The area's own
    total is the sum of its parts (whole districts, a lokalråd's municipality): hidden where
    a part is."""
    parts = area.parts
    per = {
        district_id: district_hidden(district_id, area.until)
        for district_id in {district_id for district_id, _m in parts}
    }
    hidden = {}
    for kind in ("month", "sums"):
        merged = {}
        for found in per.values():
            for (municipality_id, category), periods in found[kind].hidden.items():
                if municipality_id is not None:
                    merged.setdefault((municipality_id, category), set()).update(periods)
        categories = {category for found in per.values() for _m, category in found[kind].hidden}
        for category in categories:
            total = set()
            for district_id, municipality_id in parts:
                total |= per[district_id][kind].of(municipality_id, category)
            if total:
                merged[(None, category)] = total
        hidden[kind] = Hidden(merged)
    return hidden
