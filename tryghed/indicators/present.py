"""An indicator's reading as people read it, on the public site or for staff.

Public pages follow the small-count rule: a count from 1 to 4 is shown as "<5", because a
handful of incidents in a small area can point at the people involved; 0 stays 0. A change
computed from such a count would give it away, so it is not shown publicly either, nor is a
sparkline drawn from masked values, nor a status that would differ with the hidden count.
Staff see the exact numbers.

An incident indicator's count is read beside the dashboard's counts of the same incidents,
which hide more than the counts under 5 so that none of those can be worked out: the public
reads the indicator's counts only where they follow from what the dashboard publishes, and
reads the others as ".." (`published`), with no change or status beside them.

A share of guarantee compliance is hidden from the public as the compliance page hides it:
whenever its met or its missed cases number 1 to 4 (a share of 1 to 4 cases points at them as
a count does), shown as "hidden" and as ".." in CSV files. Its change and its status are
then not shown either, and the status of a level ("at least 95 %") not when the current share
is hidden.

The public reads a year in progress up to the end of last month, as the dashboard's key
figures compare it: a count up to a day, read again the next day, tells that day's count.

Besides the text, each figure is kept as a plain value for CSV files: a whole number or a
decimal with a point, "<5" where the public rule hides it, and empty where there is none.
"""

import datetime
from dataclasses import dataclass, replace
from fractions import Fraction

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tryghed.incidents.numbers import SECONDARY, is_small
from tryghed.indicators import published
from tryghed.indicators.models import FIRST_YEAR, LAST_YEAR, Indicator
from tryghed.indicators.readings import Span, one_decimal, read

SMALL_COUNT = 5
# A share hidden (in CSV files), or a count hidden although not under 5: the mark of the
# compliance figures and the dashboard.
HIDDEN = SECONDARY
_WITHHELD_NOTE = gettext_lazy(
    "A value shown as “..” is hidden as the dashboard hides it, so that a count under 5 "
    "cannot be worked out from it."
)
SPARK_WIDTH, SPARK_HEIGHT = 100, 24


@dataclass
class Shown:
    indicator: object
    reading: object
    current: str
    baseline: str
    change: str
    target: str
    compared: str
    on_track: bool | None
    badge: str
    status: str
    trend: list  # [(year, text, partial)]
    trend_partial: bool
    sparkline: str
    # The same figures as plain values for CSV files (see the module's docstring).
    plain_current: object = ""
    plain_baseline: object = ""
    plain_change: object = ""
    plain_target: object = ""
    public: bool = True  # shown by the public small-count rule
    unit: str = ""  # what the values are, under the title: "per 1,000 inhabitants"
    # Why a value reads "..", under the title; empty when none does.
    withheld_note: str = ""


def _number(value, is_count, is_share=False):
    if value is None:
        return "–"
    if is_count:
        return number_format(int(value), force_grouping=True)
    if is_share:
        return _share(one_decimal(value))
    return number_format(one_decimal(value), 1, force_grouping=True)


def _share(value):
    return f"{number_format(value, 1)} %"


def _masked(value, is_count, public):
    return public and is_count and value is not None and 0 < value < SMALL_COUNT


def _share_hidden(value, decided, public):
    """Whether the public rule hides a share: its met or missed cases are 1 to 4."""
    return public and value is not None and any(is_small(n) for n in decided or ())


class _Rule:
    """The public rule for one reading's values: counts under 5, or shares of few cases."""

    def __init__(self, reading, public):
        self.is_count, self.is_share, self.public = reading.is_count, reading.is_share, public

    def hidden(self, value, decided=None, withheld=False):
        if withheld and value is not None:
            return True
        if self.is_share:
            return _share_hidden(value, decided, self.public)
        return _masked(value, self.is_count, self.public)

    def text(self, value, decided=None, withheld=False):
        if self.hidden(value, decided, withheld):
            return _("hidden") if self.is_share else self.plain(value, decided, withheld)
        return _number(value, self.is_count, self.is_share)

    def plain(self, value, decided=None, withheld=False):
        if value is None:
            return ""
        if self.hidden(value, decided, withheld):
            return HIDDEN if self.is_share or withheld else f"<{SMALL_COUNT}"
        return int(value) if self.is_count else one_decimal(value)


def _percent(value):
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number_format(abs(value), 1)} %"


def _points(value):
    """A change of a share: "+5,0 percentage points"."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return _("%(change)s percentage points") % {"change": f"{sign}{number_format(abs(value), 1)}"}


def _target(indicator):
    if indicator.is_level:
        return _("at least %(share)s") % {"share": _share(indicator.target_percent)}
    if indicator.is_share:
        return _points(indicator.signed_target)
    return _percent(indicator.signed_target)


def _unit(indicator):
    if indicator.is_share:
        return _("Share of decided cases that met the guarantee “%(guarantee)s”") % {
            "guarantee": indicator.guarantee
        }
    if indicator.measure == indicator.Measure.RATE:
        return _("per 1,000 inhabitants")
    return ""


def _day(day):
    return date_format(day, "DATE_FORMAT")


def _span(span):
    if span is None:
        return "–"
    return f"{_day(span.start)}–{_day(span.end)}"


def _sparkline(trend):
    """An inline SVG polyline of the yearly values; decorative, the text list says the same."""
    points = [(i, p.value) for i, p in enumerate(trend) if p.value is not None]
    if len(points) < 2:
        return ""
    low, high = min(v for _, v in points), max(v for _, v in points)
    spread = (high - low) or 1
    step = SPARK_WIDTH / (len(trend) - 1)
    coords = [
        (
            round(i * step, 1),
            round(SPARK_HEIGHT - 2 - float((v - low) / spread) * (SPARK_HEIGHT - 4), 1),
        )
        for i, v in points
    ]
    return format_html(
        '<svg class="indicator-sparkline" width="{}" height="{}" viewBox="0 0 {} {}" '
        'aria-hidden="true" focusable="false"><polyline fill="none" stroke="currentColor" '
        'stroke-width="2" points="{}"/></svg>',
        SPARK_WIDTH,
        SPARK_HEIGHT,
        SPARK_WIDTH,
        SPARK_HEIGHT,
        format_html_join(" ", "{},{}", coords),
    )


def _status_tells(reading, rule):
    """Whether the status differs with the value of a count hidden as "<5", and so tells
    something about it: a target of +400 % met by 5 says the baseline was 1. A hidden share
    may be almost any share, so a status that depends on it always tells."""
    if reading.is_share:
        current = rule.hidden(reading.current, reading.current_decided)
        baseline = rule.hidden(reading.baseline, reading.baseline_decided)
        return current or (baseline and not reading.indicator.is_level)
    hidden = [Fraction(n) for n in range(1, SMALL_COUNT)]

    def candidates(value):
        return hidden if value is not None and 0 < value < SMALL_COUNT else [value]

    statuses = {
        replace(reading, baseline=baseline, current=current).on_track
        for baseline in candidates(reading.baseline)
        for current in candidates(reading.current)
    }
    return len(statuses) > 1


def _withheld(reading, plan, today, read_on):
    """Of "baseline", "current" and the trend's years, those with a value, the ones the
    public may not read beside what the dashboard and the compliance page publish (see
    `published`), although no count of theirs is under 5: an incident indicator's counts,
    a compliance indicator's shares. `today` is the last day the reading counts, `read_on`
    the day the public reads it."""
    kind = reading.indicator.kind
    if not (reading.is_share or (kind == Indicator.Kind.INCIDENTS and reading.is_count)):
        return set()
    spans = {}
    if reading.baseline is not None:
        spans["baseline"] = reading.baseline_span
    if reading.current is not None:
        spans["current"] = reading.current_span
    for point in reading.trend:
        if point.value is not None:
            end = min(datetime.date(point.year, 12, 31), today)
            spans[point.year] = Span(datetime.date(point.year, 1, 1), end)
    if reading.is_share:
        return published.withheld_shares(reading.indicator, plan, today, spans)
    return published.withheld(reading.indicator, plan, read_on, spans)


def present(indicator, plan, *, public, today=None):
    today = read_on = today or timezone.localdate()
    if public:
        # As the dashboard's key figures: a year in progress up to the end of last month,
        # since counts up to a day, read day after day, would give each day's away.
        today = today.replace(day=1) - datetime.timedelta(days=1)
    reading = read(indicator, plan, today=today)
    rule = _Rule(reading, public)
    withheld = _withheld(reading, plan, today, read_on) if public and reading.computable else set()
    baseline = (reading.baseline, reading.baseline_decided, "baseline" in withheld)
    current = (reading.current, reading.current_decided, "current" in withheld)
    hide_change = rule.hidden(*baseline) or rule.hidden(*current)
    trend = [(p.value, p.decided, p.year in withheld) for p in reading.trend]
    masked = hide_change or any(rule.hidden(*point) for point in trend)
    on_track = reading.on_track
    # A status beside a count hidden as ".." may tell anything about it.
    hide_status = hide_change and (baseline[2] or current[2] or _status_tells(reading, rule))
    if hide_status:
        on_track = None
    compared = ""
    if not reading.computable:
        badge, status = "", _("Cannot be computed")
        compared = _("Its periods lie outside the years %(first)s to %(last)s.") % {
            "first": FIRST_YEAR,
            "last": LAST_YEAR,
        }
    elif hide_status:
        badge, status = "", _("Hidden to protect a count under 5")
    elif on_track is None:
        badge, status = "", _("Not enough data")
    elif on_track:
        badge, status = "badge-success", _("On track")
    else:
        badge, status = "badge-warning", _("Not on track")
    if reading.current_span is not None:
        compared = _("%(current)s compared with %(baseline)s") % {
            "current": _span(reading.current_span),
            "baseline": _span(reading.baseline_span),
        }
        if reading.year_to_date:
            compared = _("Year to date: %(compared)s") % {"compared": compared}
    return Shown(
        indicator=indicator,
        reading=reading,
        current=rule.text(*current),
        baseline=rule.text(*baseline),
        change="–" if hide_change else _change(reading),
        target=_target(indicator),
        compared=compared,
        on_track=on_track,
        badge=badge,
        status=status,
        trend=[
            (point.year, rule.text(*shown), point.partial)
            for point, shown in zip(reading.trend, trend, strict=True)
        ],
        trend_partial=any(point.partial for point in reading.trend),
        sparkline="" if masked else _sparkline(reading.trend),
        plain_current=rule.plain(*current),
        plain_baseline=rule.plain(*baseline),
        plain_change="" if hide_change or reading.change is None else reading.change_percent,
        plain_target=indicator.signed_target,
        public=public,
        unit=_unit(indicator),
        withheld_note=_WITHHELD_NOTE if withheld and not reading.is_share else "",
    )


def _change(reading):
    if reading.is_share:
        return _points(reading.change_percent)
    return _percent(reading.change_percent)


def present_all(indicators, plan, *, reads_exactly, today=None):
    """Each indicator of the queryset shown; `.area_id` says under which focus area it goes.
    `reads_exactly(district id, municipality id or None)` tells whether the reader may read
    the exact numbers of the indicator's area; otherwise it is shown by the public rule."""
    rows = []
    for indicator in indicators.select_related("initiative", "series", "municipality", "guarantee"):
        public = not reads_exactly(plan.district_id, indicator.municipality_id)
        shown = present(indicator, plan, public=public, today=today)
        shown.area_id = indicator.focus_area_id or indicator.initiative.focus_area_id
        rows.append(shown)
    return rows
