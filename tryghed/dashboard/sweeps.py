"""The dashboard's part of `manage.py sweep`: the public's hotspot map of every whole year, as
each district's kredsråd first reads it on the dashboard, made after an import.

The public's map protects tens of thousands of squares, a second or more for a district of
several years, and is kept in the cache until a source's counts change (`views.hotspots`).
The incidents' sweep, just before, chooses the district's hidden months (`incidents.sweeps`);
this one makes the map the page shows with no filter, so that the first council member to
open the dashboard after an import does not wait for it. A pass with nothing new reads it
from the cache.
"""

from tryghed.dashboard.area import Area
from tryghed.dashboard.views import DashboardQuery
from tryghed.incidents.models import DANISH_TIME, IncidentSource


def sweep(*, now):
    today = now.astimezone(DANISH_TIME).date()
    for district_id in (
        IncidentSource.objects.order_by().values_list("district_id", flat=True).distinct()
    ):
        area = Area(
            False, frozenset({district_id}), frozenset(), public=True, until=today.replace(day=1)
        )
        DashboardQuery.unfiltered(area, today=today).hotspots()
    return []
