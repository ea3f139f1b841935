"""Which municipality a point lies in.

Boundaries are held in a planar copy (kilometres east and north of a reference point) so
that distances for the coastal fallback are in kilometres. The DAGI 1:500 000 polygons are
simplified, so a real point on the shore can fall just outside every polygon: such a point
goes to the nearest municipality within `MAX_SNAP_KM`.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

MAX_SNAP_KM = 3.0
# Denmark sits around 56° N; an equirectangular projection there is accurate to well under
# a percent across the country, plenty for "within a few kilometres".
_LAT0 = 56.0
_KX = 111.320 * math.cos(math.radians(_LAT0))
_KY = 110.574


class OutsideDenmark(ValueError):
    """The point is not in, nor close to, any Danish municipality."""


@dataclass(frozen=True)
class Location:
    municipality_id: int
    code: str
    name: str
    district_id: int
    district_name: str
    distance_km: float  # 0 when inside the boundary

    @property
    def inside(self):
        return self.distance_km == 0

    def __str__(self):
        return f"{self.code} {self.name} ({self.district_name})"


def _project(lat, lon):
    return np.asarray(lon, dtype=float) * _KX, np.asarray(lat, dtype=float) * _KY


@dataclass
class _Index:
    tree: shapely.STRtree
    rows: list  # Location templates, aligned with the tree's geometries


@lru_cache(maxsize=1)
def _index():
    from tryghed.organisation.models import Municipality

    geoms, rows = [], []
    for m in Municipality.objects.select_related("district").exclude(boundary=None):
        geom = shapely.transform(shape(m.boundary), lambda xy: xy * (_KX, _KY))
        geoms.append(geom)
        rows.append(Location(m.pk, m.code, m.name, m.district_id, m.district.name, 0.0))
    shapely.prepare(geoms)
    return _Index(shapely.STRtree(geoms), rows)


def reset_index():
    """Forget the cached boundaries (after the reference data was reloaded)."""
    _index.cache_clear()


def locate_many(lats, lons, *, max_km=MAX_SNAP_KM):
    """Vectorised `locate`: a list with a Location, or None for points nowhere near."""
    index = _index()
    x, y = _project(lats, lons)
    points = shapely.points(x, y)
    result = [None] * len(points)
    if not index.rows:
        return result
    # The tree finds the boundaries whose boxes hold each point; the exact test then runs
    # per boundary over all its points at once, against the prepared boundary (an index
    # over its edges), which is many times faster than testing pair by pair.
    point_idx, geom_idx = index.tree.query(points)
    geometries = index.tree.geometries
    for g in np.unique(geom_idx).tolist():
        candidates = point_idx[geom_idx == g]
        inside = candidates[shapely.contains_xy(geometries[g], x[candidates], y[candidates])]
        for p in inside.tolist():
            if result[p] is None:
                result[p] = index.rows[g]
    missing = [i for i, r in enumerate(result) if r is None]
    if missing:
        near_p, near_g = index.tree.query_nearest(
            points[missing], max_distance=max_km, return_distance=False, all_matches=False
        )
        for p, g in zip(near_p.tolist(), near_g.tolist(), strict=True):
            original = missing[p]
            distance = float(shapely.distance(points[original], index.tree.geometries[g]))
            base = index.rows[g]
            result[original] = Location(**{**base.__dict__, "distance_km": round(distance, 3)})
    return result


def locate(lat, lon, *, max_km=MAX_SNAP_KM):
    """The municipality at (lat, lon) in WGS84; raises OutsideDenmark when none is near."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise OutsideDenmark(f"{lat}, {lon} is not a valid latitude and longitude.")
    (found,) = locate_many([lat], [lon], max_km=max_km)
    if found is None:
        raise OutsideDenmark(
            _("%(lat)s, %(lon)s is not in Denmark: no municipality within %(km)g km.")
            % {"lat": lat, "lon": lon, "km": max_km}
        )
    return found
