"""The dashboard as an A4 PDF for a council meeting, typeset by WeasyPrint as the plan is.

The charts are drawn on the server from the page's own Vega-Lite specifications by
vl-convert, which embeds Vega and renders SVG without a browser or the network; the maps are
Vega-Lite too (geoshapes of the municipality boundaries and the hotspot cells). Every chart is
followed by the table of its numbers, so the PDF reads the same without the pictures.
"""

import base64
import copy

import shapely
import vl_convert
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from tryghed.dashboard import charts
from tryghed.incidents.models import Category
from tryghed.incidents.numbers import SECONDARY, SMALL_COUNT, hotspots_geojson, is_hidden
from tryghed.portal.pdf import (
    PDF_OPTIONS,
    LocalOnlyFetcher,
    css_string,
    font_faces,
    page_counter_css,
)

CHART_WIDTH, CHART_HEIGHT = 460, 200
MAP_WIDTH, MAP_HEIGHT = 440, 360
# About 100 m: invisible at the size of a printed district, and it keeps the map small.
SIMPLIFY_DEGREES = 0.001
MAP_CELLS = 4000
PNG_SCALE = 3  # about 220 dpi at the printed width
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
FONT = "IBM Plex Sans, DejaVu Sans, sans-serif"
CONFIG = {"font": FONT, "view": {"stroke": None}}


def svg_data_uri(spec):
    """The Vega-Lite specification drawn as SVG, as a data: URL for an <img>."""
    svg = vl_convert.vegalite_to_svg(spec)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def png_data_uri(spec):
    """The specification drawn as PNG at print resolution: for a map of thousands of
    squares, which WeasyPrint would take seconds to paint as SVG shapes."""
    png = vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)
    return "data:image/png;base64," + base64.b64encode(png).decode()


def chart_image(chart, points, title):
    spec = copy.deepcopy(charts.spec(chart, points, title=title))
    spec.update(width=CHART_WIDTH, height=CHART_HEIGHT, config=CONFIG)
    return svg_data_uri(spec)


def _outlines(municipalities):
    """The boundaries, simplified, as GeoJSON features named by municipality code."""
    features = []
    for municipality in municipalities:
        if not municipality.boundary:
            continue
        geometry = shape(municipality.boundary).simplify(SIMPLIFY_DEGREES)
        geometry = shapely.set_precision(geometry, 0.0001)
        # Clockwise outer rings, as d3-geo's spherical drawing expects (see hotspot_image).
        geometry = shapely.orient_polygons(geometry, exterior_cw=True)
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(geometry),
                "properties": {"code": municipality.code, "name": municipality.name},
            }
        )
    return features


def _geo_data(features):
    return {
        "values": {"type": "FeatureCollection", "features": features},
        "format": {"type": "json", "property": "features"},
    }


def _map_spec(title, layers):
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "projection": {"type": "mercator"},
        "config": CONFIG,
        "layer": layers,
        # The colour scale of the numbers and the one of the grey areas without a number.
        "resolve": {"scale": {"color": "independent"}},
    }


def _coloured_layers(features, *, stroke, legend, scheme, grey):
    """The features coloured by their properties.value, and those without one ("<5", "..",
    or no rate) in a layer of their own, grey or white and named in a legend as on the
    page's map. One layer would not do: Vega-Lite leaves out a shape whose quantitative
    colour is null, so a hidden municipality or square would not be drawn at all."""
    missing = {
        SMALL_COUNT: (_("Fewer than 5"), grey),
        SECONDARY: (".. " + _("Hidden to protect a count under 5"), grey),
        None: (_("No data"), "#ffffff"),
    }
    shown = [f for f in features if f["properties"]["value"] is not None]
    unshown = [f for f in features if f["properties"]["value"] is None]
    kinds = [kind for kind in missing if any(f["properties"]["missing"] == kind for f in unshown)]
    for feature in unshown:
        feature["properties"]["missing"] = missing[feature["properties"]["missing"]][0]
    layers = []
    if shown:
        layers.append(
            {
                "data": _geo_data(shown),
                "mark": {"type": "geoshape", **stroke},
                "encoding": {
                    "color": {
                        "field": "properties.value",
                        "type": "quantitative",
                        "title": legend,
                        "scale": {"scheme": scheme},
                    }
                },
            }
        )
    if unshown:
        layers.append(
            {
                "data": _geo_data(unshown),
                "mark": {"type": "geoshape", **stroke},
                "encoding": {
                    "color": {
                        "field": "properties.missing",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [missing[kind][0] for kind in kinds],
                            "range": [missing[kind][1] for kind in kinds],
                        },
                        "legend": {
                            "symbolType": "square",
                            "symbolStrokeColor": "#666666",
                            "symbolStrokeWidth": 0.5,
                            "labelLimit": 0,
                        },
                    }
                },
            }
        )
    return layers


def _missing(count):
    """Why a feature has no value: "<5", "..", or None (no rate)."""
    return count if is_hidden(count) else None


def choropleth_image(rows, boundaries, *, measure):
    """The municipalities coloured by count or rate; a hidden count ("<5", "..") is grey."""
    features = []
    for feature in boundaries:
        row = rows.get(feature["properties"]["code"])
        if row is None:
            continue
        value = row.rate if measure == "rate" else row.count
        feature = {**feature, "properties": {**feature["properties"]}}
        feature["properties"]["value"] = None if value is None or is_hidden(value) else float(value)
        feature["properties"]["missing"] = _missing(row.count)
        features.append(feature)
    legend = _("Per 1,000 inhabitants") if measure == "rate" else _("Incidents")
    spec = _map_spec(
        _("Incidents per municipality"),
        _coloured_layers(
            features,
            stroke={"stroke": "#333333", "strokeWidth": 0.5},
            legend=legend,
            scheme="blues",
            grey="#f0f0f0",
        ),
    )
    return svg_data_uri(spec)


def hotspot_spec(cells, boundaries):
    """The municipality boundaries with the hotspot cells on top, coloured by count; cells
    hidden ("<5", "..") in one grey."""
    cells_geojson = hotspots_geojson(cells[:MAP_CELLS])
    for feature in cells_geojson["features"]:
        # Vega draws on a sphere (d3-geo), where a ring runs clockwise around its inside;
        # the other way round it would fill the whole world except the square.
        feature["geometry"]["coordinates"] = [
            list(reversed(ring)) for ring in feature["geometry"]["coordinates"]
        ]
        count = feature["properties"]["count"]
        feature["properties"]["value"] = None if is_hidden(count) else count
        feature["properties"]["missing"] = _missing(count)
    return _map_spec(
        _("Hotspots: incidents per square kilometre"),
        [
            {
                "data": _geo_data(boundaries),
                "mark": {
                    "type": "geoshape",
                    "fill": "#ffffff",
                    "stroke": "#666666",
                    "strokeWidth": 0.5,
                },
            },
            *_coloured_layers(
                cells_geojson["features"],
                stroke={"stroke": None},
                legend=_("Incidents"),
                scheme="orangered",
                grey="#bdbdbd",
            ),
            {
                # The borders again on top, so that they show through the squares.
                "data": _geo_data(boundaries),
                "mark": {
                    "type": "geoshape",
                    "fillOpacity": 0,
                    "stroke": "#333333",
                    "strokeWidth": 0.5,
                },
            },
        ],
    )


def dashboard_html(current, context, faces=None):
    faces = font_faces() if faces is None else faces
    images = {}
    if current.valid:
        for chart, title, points in context["charts"]:
            if points:
                images[chart] = chart_image(chart, points, title)
        rows = context["municipality_rows"]
        boundaries = _outlines(
            current.municipalities.model.objects.filter(
                pk__in=[row.municipality.pk for row in rows]
            ).order_by("code")
        )
        if boundaries:
            images["map"] = choropleth_image(
                {row.municipality.code: row for row in rows},
                boundaries,
                measure=context["filters"]["measure"],
            )
        cells = context["hotspot_cells"]
        if cells and boundaries:
            images["hotspots"] = png_data_uri(hotspot_spec(cells, boundaries))
    title = _("Incident numbers")
    category = context.get("filters", {}).get("category")
    return render_to_string(
        "dashboard/dashboard_print.html",
        {
            **context,
            "images": images,
            "category_label": Category(category).label if category else "",
            "title": title,
            "font_faces": faces,
            "language": get_language() or "da",
            "css": {"title": css_string(title), "page_counter": page_counter_css()},
        },
    )


def dashboard_pdf(current, context):
    faces = font_faces()
    html = dashboard_html(current, context, faces)
    fetcher = LocalOnlyFetcher(allowed_dirs={face["path"].parent for face in faces})
    document = HTML(string=html, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), **PDF_OPTIONS
    )
    return document.write_pdf(**PDF_OPTIONS)
