"""The compliance table as a printable A4 PDF, typeset by WeasyPrint like the plan's."""

from django.template.loader import render_to_string
from django.utils.translation import get_language
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from tryghed.portal.pdf import PDF_OPTIONS, LocalOnlyFetcher, font_faces, page_counter_css


def compliance_pdf(*, rows, totals, period_label, generated, public=False):
    """The PDF of the rows and totals as the reader may read them; `public` adds the note
    on the numbers council members read."""
    faces = font_faces()
    html = render_to_string(
        "guarantees/compliance_print.html",
        {
            "rows": rows,
            "totals": totals,
            "public": public,
            "period_label": period_label,
            "generated": generated,
            "font_faces": faces,
            "language": get_language() or "da",
            "page_counter": page_counter_css(),
        },
    )
    fetcher = LocalOnlyFetcher(allowed_dirs={face["path"].parent for face in faces})
    document = HTML(string=html, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), **PDF_OPTIONS
    )
    return document.write_pdf(**PDF_OPTIONS)
