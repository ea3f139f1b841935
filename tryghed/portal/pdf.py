"""The published plan as an A4 PDF, typeset by WeasyPrint from its own print template."""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from tryghed.organisation.models import Municipality
from tryghed.portal.maps import district_map
from tryghed.portal.outline import plan_outline

FONT_DIR = "vendor/dkfds/fonts/IBMPlexSans/complete/ttf"
FONT_FACES = [
    # (file, weight, style)
    ("IBMPlexSans-Regular.ttf", 400, "normal"),
    ("IBMPlexSans-Italic.ttf", 400, "italic"),
    ("IBMPlexSans-SemiBold.ttf", 600, "normal"),
    ("IBMPlexSans-Bold.ttf", 700, "normal"),
]
# Tagged PDF: screen readers get the headings, lists and reading order, as the web
# accessibility law expects of documents a public body publishes.
PDF_OPTIONS = {"pdf_tags": True}
# Typesetting takes about a second and the PDF is public: the result is kept, keyed by the
# HTML it was made from, so that it is reused only while the plan reads exactly the same.
PDF_CACHE_SECONDS = 24 * 60 * 60


class LocalOnlyFetcher(URLFetcher):
    """Fetch only the local files the print template names.

    A PDF rendered on a server must never reach the network, and must not read files it was
    not meant to: only file: URLs under the allowed directories and data: URLs pass.
    """

    def __init__(self, allowed_dirs):
        super().__init__(allowed_protocols={"file", "data"})
        self.allowed_dirs = [Path(d).resolve() for d in allowed_dirs]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            response = super().fetch(url, headers)
            path = Path(response.path).resolve()
            if not any(path.is_relative_to(d) for d in self.allowed_dirs):
                response.close()
                raise ValueError(f"Refusing to read {path}")
            return response
        return super().fetch(url, headers)


def font_faces():
    """@font-face sources for IBM Plex Sans found through the static files finders, so it
    works before collectstatic; an empty list means the template falls back to DejaVu Sans."""
    faces = []
    for filename, weight, style in FONT_FACES:
        found = finders.find(f"{FONT_DIR}/{filename}")
        if found:
            path = Path(found).resolve()
            faces.append({"path": path, "url": path.as_uri(), "weight": weight, "style": style})
    return faces


def css_string(text):
    """`text` as a quoted CSS string that cannot end the string or the <style> element."""
    escaped = (
        str(text)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\A ")
        .replace("<", "\\3C ")
    )
    return mark_safe(f'"{escaped}"')


def page_counter_css():
    """The footer's "Page 3 of 12" as a CSS content value, word order left to the translation."""
    template = _("Page {page} of {pages}")
    parts = []
    rest = template
    while rest:
        positions = [(rest.find(key), key) for key in ("{page}", "{pages}") if key in rest]
        if not positions:
            parts.append(css_string(rest))
            break
        index, key = min(positions)
        if index:
            parts.append(css_string(rest[:index]))
        parts.append("counter(page)" if key == "{page}" else "counter(pages)")
        rest = rest[index + len(key) :]
    return mark_safe(" ".join(parts))


def plan_html(plan, faces=None):
    """The print template rendered for `plan` in the active language."""
    outline = plan_outline(plan)
    municipalities = Municipality.objects.filter(district=plan.district_id)
    return render_to_string(
        "portal/plan_print.html",
        {
            "outline": outline,
            "plan": plan,
            "district": plan.district,
            "district_map": district_map(municipalities, width=480),
            "font_faces": font_faces() if faces is None else faces,
            "language": get_language() or "da",
            "css": {
                "district": css_string(plan.district.name),
                "heading": css_string(outline.heading),
                "page_counter": page_counter_css(),
            },
        },
    )


def _typeset(html, faces):
    fetcher = LocalOnlyFetcher(allowed_dirs={face["path"].parent for face in faces})
    return HTML(string=html, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), **PDF_OPTIONS
    )


def plan_document(plan):
    """The laid-out WeasyPrint document (pages, bookmarks) of `plan`."""
    faces = font_faces()
    return _typeset(plan_html(plan, faces), faces)


def plan_pdf(plan):
    """The plan as PDF bytes, in the active language."""
    faces = font_faces()
    html = plan_html(plan, faces)
    key = "tryghed:plan-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _typeset(html, faces).write_pdf(**PDF_OPTIONS)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf
