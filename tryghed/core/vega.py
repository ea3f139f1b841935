"""What the charts drawn by vega-embed share."""

from django.utils.translation import gettext as _


def embed_options(file_name):
    """vega-embed's options for a chart on the page, which it reads from the specification's
    usermeta: its menu in the page's language (vega-embed's own is English) and its images
    named as the chart's CSV file is, not "visualization.png"."""
    return {
        "downloadFileName": file_name,
        "i18n": {
            "CLICK_TO_VIEW_ACTIONS": _("Download the chart as an image"),
            "PNG_ACTION": _("Save as %(format)s") % {"format": "PNG"},
            "SVG_ACTION": _("Save as %(format)s") % {"format": "SVG"},
        },
    }
