"""The dashboard's further downloads: the comparison with last year behind the tiles and the
municipality table, the hotspot cells behind the map, and the whole dashboard as a PDF for a
council meeting. Each reads the page's filters and area, so it holds what the page shows."""

import io
import json

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from tryghed.dashboard import charts, pdf, report
from tryghed.dashboard.views import (
    DashboardQuery,
    _bad_request,
    _csv,
    dashboard_context,
    plans_with_indicators,
)
from tryghed.incidents.numbers import hotspots_geojson, span, year_span

# A district has a few thousand cells with incidents; the whole country can have tens of
# thousands. The map draws the busiest ones and says so; the CSV has every cell.
HOTSPOT_MAP_CELLS = 4000


def _comparison_or_400(current):
    comparison = current.comparison(current.filters["year"])
    if comparison is None:
        return None, HttpResponse(
            current.nothing_to_compare(),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    return comparison, None


@require_GET
def changes_csv(request):
    """Each municipality's count in the chosen year (the current one when none is chosen)
    against the same period a year earlier."""
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    comparison, refused = _comparison_or_400(current)
    if refused:
        return refused
    public = current.area.public
    municipalities = current.shown_municipalities()
    every_year, months = current.compared(comparison)
    now_hidden, then_hidden = report.hidden_totals(current, comparison)
    # Staff's running year: the kept months, and the incidents of the month begun alone.
    start, end = year_span(comparison.year)
    rows = charts.municipality_rows(
        span(every_year, months, start, min(end, comparison.until or end)),
        municipalities,
        public=public,
        total_hidden=now_hidden,
        sums=current.municipality_sums,
        year=comparison.year,
    )
    changed = charts.municipality_changes(
        every_year,
        municipalities,
        year=comparison.year,
        until=comparison.until,
        public=public,
        months=months,
        sums=current.municipality_sums,
    )
    out = io.StringIO()
    charts.write_changes_csv(
        out,
        charts.with_changes(rows, changed, previous_hidden=then_hidden),
        period=comparison.key,
        previous_period=comparison.previous_key,
    )
    return _csv(out.getvalue(), f"incidents-change{current.suffix(year=comparison.year)}.csv")


@require_GET
def tiles_csv(request):
    """The key figures: the filters' incidents and each current plan's indicators against
    the same period last year."""
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    comparison, refused = _comparison_or_400(current)
    if refused:
        return refused
    public = current.area.public
    every_year, months = current.compared(comparison)
    tiles = [
        report.selection_tile(
            every_year,
            comparison,
            current.filters,
            public=public,
            recorded_from=current.recorded_from(),
            calendar=current.calendar,
            months=months,
        )
    ]
    for _plan, _shown, plan_tiles in plans_with_indicators(request, current):
        tiles += plan_tiles
    out = io.StringIO()
    report.write_tiles_csv(out, tiles)
    return _csv(out.getvalue(), f"key-figures{current.suffix(year=comparison.year)}.csv")


@require_GET
def hotspots_csv(request):
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    out = io.StringIO()
    cells = current.hotspots()
    charts.write_hotspots_csv(out, cells)
    return _csv(out.getvalue(), f"incidents-hotspots{current.suffix()}.csv")


@require_GET
def hotspots_map(request):
    """The busiest grid cells as GeoJSON squares with their counts, for the hotspot map."""
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    cells = current.hotspots()
    collection = hotspots_geojson(cells[:HOTSPOT_MAP_CELLS])
    collection["total_cells"] = len(cells)
    body = json.dumps(collection, separators=(",", ":"))
    return HttpResponse(body, content_type="application/geo+json")


@require_GET
def dashboard_pdf(request):
    current = DashboardQuery(request)
    if not current.valid:
        return _bad_request(current)
    context = dashboard_context(request, current)
    document = pdf.dashboard_pdf(current, context)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dashboard{current.suffix()}.pdf"'
    return response
