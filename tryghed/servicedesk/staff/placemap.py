"""Where a request was made, drawn as a small inline SVG: the municipality's outline and a
dot. It needs neither map tiles nor JavaScript."""

import math
from dataclasses import dataclass

from shapely.geometry import shape

WIDTH = 320
PADDING = 10


@dataclass(frozen=True)
class PlaceMap:
    width: int
    height: int
    path: str
    x: float
    y: float

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"


def place_map(municipality, lat, lon, width=WIDTH):
    """None when there is nothing to draw (no coordinates or no boundary)."""
    if lat is None or lon is None or municipality is None or not municipality.boundary:
        return None
    geometry = shape(municipality.boundary)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    min_lon, max_lon = min(min_lon, lon), max(max_lon, lon)
    min_lat, max_lat = min(min_lat, lat), max(max_lat, lat)
    # Equirectangular at the drawing's mid-latitude: true enough at a municipality's scale.
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = (width - 2 * PADDING) / max((max_lon - min_lon) * kx, 1e-9)
    height = math.ceil((max_lat - min_lat) * scale + 2 * PADDING)

    def project(x, y):
        return PADDING + (x - min_lon) * kx * scale, PADDING + (max_lat - y) * scale

    simplified = geometry.simplify(0.4 / scale, preserve_topology=True)
    polygons = simplified.geoms if hasattr(simplified, "geoms") else [simplified]
    parts = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = [project(x, y) for x, y in ring.coords[:-1]]
            if len(points) >= 3:
                parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    x, y = project(lon, lat)
    return PlaceMap(width, height, "".join(parts), round(x, 1), round(y, 1))
