"""Likely duplicates: other requests about the same kind of thing, close in place and time.

Several residents often report the same party in the same park on the same night. The
database narrows the candidates with a bounding box around the place (an indexable range on
latitude and longitude, the same SQL on SQLite and PostgreSQL); the exact distance is then
computed here, on the few rows that are left.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q

from tryghed.servicedesk.models import ServiceRequest

RADIUS_M = 500
WINDOW = timedelta(hours=48)
LIMIT = 10
EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE_LAT = 111_320


@dataclass(frozen=True)
class Candidate:
    request: ServiceRequest
    distance_m: float
    hours_apart: float


def distance_m(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bounding_box(lat, lon, radius_m):
    dlat = radius_m / METRES_PER_DEGREE_LAT
    # Never divide by zero at the poles; a request there is refused by routing anyway.
    dlon = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 1e-6))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def likely_duplicates(request, *, among, radius_m=RADIUS_M, window=WINDOW, limit=LIMIT):
    """Requests in `among` (the viewer's visible requests) of the same service or incident
    category, in the same district, within `radius_m` and `window` of `request`, nearest
    first. A request without coordinates has no neighbours.

    What is already settled is left out: the request's known duplicates, the original it is
    a duplicate of, and that original's other duplicates."""
    if request.lat is None or request.lon is None or request.district_id is None:
        return []
    same_kind = Q(service_id=request.service_id)
    if request.service.incident_category:
        same_kind |= Q(service__incident_category=request.service.incident_category)
    lat_min, lat_max, lon_min, lon_max = bounding_box(request.lat, request.lon, radius_m)
    rows = (
        among.filter(
            same_kind,
            district_id=request.district_id,
            is_spam=False,
            lat__range=(lat_min, lat_max),
            lon__range=(lon_min, lon_max),
            submitted_at__range=(request.submitted_at - window, request.submitted_at + window),
        )
        .exclude(pk=request.pk)
        .exclude(duplicate_of=request.pk)
        .select_related("service")
        .prefetch_related("handlings")
    )
    if request.duplicate_of_id is not None:
        rows = rows.exclude(pk=request.duplicate_of_id).exclude(
            duplicate_of=request.duplicate_of_id
        )
    found = []
    for other in rows:
        metres = distance_m(request.lat, request.lon, other.lat, other.lon)
        if metres <= radius_m:
            hours = abs((other.submitted_at - request.submitted_at).total_seconds()) / 3600
            found.append(Candidate(other, metres, hours))
    found.sort(key=lambda c: (c.distance_m, c.hours_apart))
    return found[:limit]
