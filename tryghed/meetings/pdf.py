"""The kredsråd's meeting pack and a lokalråd's annual status report, as A4 PDFs typeset by
WeasyPrint from print templates; the pack's PDF papers are appended page by page (pypdf)."""

import io
import logging

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from tryghed.meetings.agenda import numbered
from tryghed.meetings.models import FollowUp, Meeting
from tryghed.plans.models import CooperationPlan, Initiative, ProgressUpdate
from tryghed.portal.pdf import PDF_OPTIONS, LocalOnlyFetcher, font_faces, page_counter_css

logger = logging.getLogger(__name__)


def _typeset(template, context):
    faces = font_faces()
    html = render_to_string(
        template,
        context
        | {
            "font_faces": faces,
            "language": get_language() or "da",
            "page_counter": page_counter_css(),
        },
    )
    fetcher = LocalOnlyFetcher(allowed_dirs={face["path"].parent for face in faces})
    document = HTML(string=html, url_fetcher=fetcher).render(font_config=FontConfiguration())
    return document.write_pdf(**PDF_OPTIONS)


def _plan_for(district_id, year):
    """The plan of `year`, or failing that the newest plan before it."""
    return (
        CooperationPlan.objects.filter(district=district_id, year__lte=year)
        .order_by("-year")
        .first()
    )


def _initiative_rows(initiatives):
    """The initiatives in reading order, each part right under its parent, with its depth."""
    initiatives = list(initiatives)
    ids = {i.pk for i in initiatives}
    children = {}
    for initiative in initiatives:
        parent = initiative.parent_id if initiative.parent_id in ids else None
        children.setdefault(parent, []).append(initiative)
    latest = {}
    for update in ProgressUpdate.objects.filter(initiative__in=ids).order_by("date", "pk"):
        latest[update.initiative_id] = update
    rows = []

    def walk(parent, depth):
        for initiative in children.get(parent, []):
            rows.append(
                {"initiative": initiative, "depth": depth, "last_update": latest.get(initiative.pk)}
            )
            walk(initiative.pk, depth + 1)

    walk(None, 0)
    return rows


def _papers(documents):
    """Each paper's pages, read before the summary is typeset, so that the summary can say
    which papers could not be appended (a damaged or encrypted PDF)."""
    pages, unreadable = {}, set()
    for document in documents:
        try:
            with document.file.open("rb") as handle:
                reader = PdfReader(io.BytesIO(handle.read()))
                if reader.is_encrypted:
                    raise PdfReadError("encrypted")
                pages[document.pk] = list(reader.pages)
        except (OSError, PdfReadError, ValueError) as error:
            logger.warning("Paper %s not appended to the pack: %s", document.pk, error)
            unreadable.add(document.pk)
    return pages, unreadable


def meeting_pack(meeting, documents, follow_ups):
    """Agenda, the list of papers, the plan's initiatives and the open actions, followed by
    the papers themselves. `documents` and `follow_ups` are the papers and actions the
    reader may see (a guest invited to one meeting reads its papers, not the council's
    actions)."""
    items = list(
        meeting.agenda_items.select_related("initiative", "focus_area").prefetch_related(
            "decisions"
        )
    )
    documents = list(documents.select_related("agenda_item"))
    plan = _plan_for(meeting.council.district_id, timezone.localtime(meeting.starts_at).year)
    initiatives = list(plan.initiatives.select_related("focus_area")) if plan else []
    open_actions = (
        follow_ups.open()
        .filter(council=meeting.council)
        .select_related("owner", "decision__agenda_item__meeting")
    )
    pages, unreadable = _papers(documents)
    for document in documents:
        document.unreadable = document.pk in unreadable
    context = {
        "meeting": meeting,
        "council": meeting.council,
        "agenda": numbered(items),
        "documents": documents,
        "plan": plan,
        "initiatives": _initiative_rows(initiatives),
        "open_actions": open_actions,
    }
    cover = _typeset("meetings/pack_print.html", context)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)))
    for document in documents:
        for page in pages.get(document.pk, []):
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def carried_by(council, plan):
    """The initiatives of `plan` that a lokalråd carries: those that name the council, and
    those of its municipality."""
    condition = Q(councils=council)
    if council.municipality_id:
        condition |= Q(municipalities=council.municipality_id)
    return (
        Initiative.objects.filter(plan=plan)
        .filter(condition)
        .distinct()
        .select_related("focus_area")
        .order_by("focus_area__order", "order", "pk")
    )


def annual_report(council, year):
    plan = CooperationPlan.objects.filter(district=council.district_id, year=year).first()
    initiatives = list(carried_by(council, plan)) if plan else []
    meetings = (
        Meeting.objects.filter(council=council, starts_at__year=year)
        .exclude(status=Meeting.Status.CANCELLED)
        .prefetch_related("agenda_items__decisions")
    )
    return _typeset(
        "meetings/annual_report_print.html",
        {
            "council": council,
            "year": year,
            "plan": plan,
            "initiatives": _initiative_rows(initiatives),
            "meetings": meetings,
            "open_actions": FollowUp.objects.open().filter(council=council).select_related("owner"),
            "printed": timezone.localdate(),
        },
    )
