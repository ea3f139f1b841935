"""Municipality boundaries drawn as inline SVG.

The public map must work without tiles or JavaScript, so the DAGI polygons stored on each
municipality are projected and written straight into the page (and into the PDF, which
renders inline SVG as well).
"""

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import shape

# Screen units per drawing: wide enough for crisp labels, small enough that the page stays
# light; the SVG scales to its container through its viewBox.
DEFAULT_WIDTH = 640
PADDING = 8
# Simplify to well below one drawing unit: invisible, and it roughly halves the page weight.
SIMPLIFY_UNITS = 0.35


@dataclass(frozen=True)
class MapArea:
    municipality: object
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class DistrictMap:
    width: int
    height: int
    areas: list

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


def _rings(geometry):
    polygons = geometry.geoms if hasattr(geometry, "geoms") else [geometry]
    for polygon in polygons:
        if polygon.is_empty:
            continue
        yield polygon.exterior.coords
        yield from (ring.coords for ring in polygon.interiors)


def _path(geometry):
    parts = []
    for coords in _rings(geometry):
        points = list(coords)
        if len(points) < 3:
            continue
        head, *tail = points
        parts.append(
            f"M{head[0]:.1f} {head[1]:.1f}"
            + "".join(f"L{x:.1f} {y:.1f}" for x, y in tail[:-1])
            + "Z"
        )
    return "".join(parts)


def district_map(municipalities, width=DEFAULT_WIDTH):
    """Project the municipalities' boundaries into one drawing; None when none has one.

    An equirectangular projection at the drawing's own mid-latitude is accurate enough at
    the scale of a police district, and keeps north up and shapes familiar.
    """
    shapes = [(m, shape(m.boundary)) for m in municipalities if m.boundary]
    if not shapes:
        return None
    min_lon, min_lat, max_lon, max_lat = shapely.total_bounds([g for _, g in shapes])
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = (width - 2 * PADDING) / span_x
    height = math.ceil(span_y * scale + 2 * PADDING)

    def to_drawing(coords):
        coords = coords.copy()
        coords[:, 0] = PADDING + (coords[:, 0] - min_lon) * kx * scale
        coords[:, 1] = PADDING + (max_lat - coords[:, 1]) * scale
        return coords

    areas = []
    for municipality, geometry in shapes:
        projected = shapely.transform(geometry, to_drawing)
        projected = projected.simplify(SIMPLIFY_UNITS, preserve_topology=True)
        # The label goes on the largest island, inside it, not on a centroid at sea.
        parts = projected.geoms if hasattr(projected, "geoms") else [projected]
        main = max(parts, key=lambda p: p.area)
        point = shapely.maximum_inscribed_circle(main).coords[0]
        areas.append(
            MapArea(
                municipality=municipality,
                path=_path(projected),
                label_x=round(point[0], 1),
                label_y=round(point[1], 1),
            )
        )
    return DistrictMap(width=width, height=height, areas=areas)
