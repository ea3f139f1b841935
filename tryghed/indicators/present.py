"""An indicator's reading as people read it, on the public site or for staff.

Public pages follow the small-count rule: a count from 1 to 4 is shown as "<5", because a
handful of incidents in a small area can point at the people involved; 0 stays 0. A change
computed from such a count would give it away, so it is not shown publicly either, nor is a
sparkline drawn from masked values, nor a status that would differ with the hidden count.
Staff see the exact numbers.

Besides the text, each figure is kept as a plain value for CSV files: a whole number or a
decimal with a point, "<5" where the public rule hides it, and empty where there is none.
"""

from dataclasses import dataclass, replace
from fractions import Fraction

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tryghed.indicators.models import FIRST_YEAR, LAST_YEAR
from tryghed.indicators.readings import one_decimal, read

SMALL_COUNT = 5
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


def _number(value, is_count):
    if value is None:
        return "–"
    if is_count:
        return number_format(int(value), force_grouping=True)
    return number_format(one_decimal(value), 1, force_grouping=True)


def _masked(value, is_count, public):
    return public and is_count and value is not None and 0 < value < SMALL_COUNT


def _value(value, is_count, public):
    if _masked(value, is_count, public):
        return f"<{SMALL_COUNT}"
    return _number(value, is_count)


def _plain(value, is_count, public):
    if value is None:
        return ""
    if _masked(value, is_count, public):
        return f"<{SMALL_COUNT}"
    return int(value) if is_count else one_decimal(value)


def _percent(value):
    if value is None:
        return "–"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number_format(abs(value), 1)} %"


def _day(day):
    # Django's English date format is American ("Jan. 1, 2022"); the site puts the day first
    # in both languages: "1. januar 2022", "1 January 2022".
    english = (get_language() or "da").startswith("en")
    return date_format(day, "j F Y" if english else "j. F Y")


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


def _status_tells(reading):
    """Whether the status differs with the value of a count hidden as "<5", and so tells
    something about it: a target of +400 % met by 5 says the baseline was 1."""
    hidden = [Fraction(n) for n in range(1, SMALL_COUNT)]

    def candidates(value):
        return hidden if value is not None and 0 < value < SMALL_COUNT else [value]

    statuses = {
        replace(reading, baseline=baseline, current=current).on_track
        for baseline in candidates(reading.baseline)
        for current in candidates(reading.current)
    }
    return len(statuses) > 1


def present(indicator, plan, *, public, today=None):
    reading = read(indicator, plan, today=today)
    is_count = reading.is_count
    masked = any(
        _masked(v, is_count, public)
        for v in [reading.baseline, reading.current, *(p.value for p in reading.trend)]
    )
    hide_change = public and (
        _masked(reading.baseline, is_count, public) or _masked(reading.current, is_count, public)
    )
    on_track = reading.on_track
    hide_status = hide_change and _status_tells(reading)
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
        current=_value(reading.current, is_count, public),
        baseline=_value(reading.baseline, is_count, public),
        change="–" if hide_change else _percent(reading.change_percent),
        target=_percent(indicator.signed_target),
        compared=compared,
        on_track=on_track,
        badge=badge,
        status=status,
        trend=[
            (point.year, _value(point.value, is_count, public), point.partial)
            for point in reading.trend
        ],
        trend_partial=any(point.partial for point in reading.trend),
        sparkline="" if masked else _sparkline(reading.trend),
        plain_current=_plain(reading.current, is_count, public),
        plain_baseline=_plain(reading.baseline, is_count, public),
        plain_change="" if hide_change or reading.change is None else reading.change_percent,
        plain_target=indicator.signed_target,
        public=public,
    )


def present_all(indicators, plan, *, reads_exactly, today=None):
    """Each indicator of the queryset shown; `.area_id` says under which focus area it goes.
    `reads_exactly(district id, municipality id or None)` tells whether the reader may read
    the exact numbers of the indicator's area; otherwise it is shown by the public rule."""
    rows = []
    for indicator in indicators.select_related("initiative", "series", "municipality"):
        public = not reads_exactly(plan.district_id, indicator.municipality_id)
        shown = present(indicator, plan, public=public, today=today)
        shown.area_id = indicator.focus_area_id or indicator.initiative.focus_area_id
        rows.append(shown)
    return rows
