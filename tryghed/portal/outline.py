"""A published plan read as one outline: focus areas, their initiative trees and progress.

The screen page and the PDF both render this outline. It is fetched in a fixed number of
queries whatever the plan's size, and the tree is put together in memory.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404

from tryghed.indicators.models import Indicator
from tryghed.indicators.present import present_all
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative, weighted_progress

# h1 is the plan, h2 a focus area; initiatives start at h3 and stop at the last level HTML has.
FIRST_INITIATIVE_HEADING = 3
LAST_HEADING = 6


@dataclass
class InitiativeNode:
    initiative: Initiative
    depth: int
    children: list = field(default_factory=list)
    progress: Decimal = Decimal("0")
    indicators: list = field(default_factory=list)

    # Duck-typed for weighted_progress(): a parent counts its parts with their own weights.
    @property
    def weight(self):
        return self.initiative.weight

    @property
    def heading_level(self):
        return min(FIRST_INITIATIVE_HEADING + self.depth, LAST_HEADING)

    @property
    def anchor(self):
        return f"initiativ-{self.initiative.pk}"


@dataclass
class FocusAreaOutline:
    area: FocusArea
    roots: list
    progress: Decimal
    initiative_count: int
    indicators: list = field(default_factory=list)

    @property
    def anchor(self):
        return f"indsatsomraade-{self.area.slug}"


@dataclass
class PlanOutline:
    plan: CooperationPlan
    areas: list
    progress: Decimal
    initiative_count: int

    @property
    def heading(self):
        """The plan's title with its year, unless the title already says it."""
        return self.plan.heading


def _no_one(district_id, municipality_id):
    """The public reads no exact numbers."""
    return False


def published_plan(year, district_number=None):
    """The district's published plan of `year`; 404 for a draft, an approved or no plan."""
    number = settings.TRYGHED_DISTRICT if district_number is None else district_number
    try:
        return (
            CooperationPlan.objects.published()
            .select_related("district")
            .get(district__number=number, year=year)
        )
    except CooperationPlan.DoesNotExist:
        raise Http404("No published plan for that year") from None


def _roll_up(node):
    """A leaf keeps its own progress; a parent's is its parts', weighted, all the way down."""
    for child in node.children:
        _roll_up(child)
    node.progress = weighted_progress(node.children) if node.children else node.initiative.progress


def plan_outline(plan):
    """Read the whole plan (six queries after the plan itself, and one for each indicator's
    numbers) into a PlanOutline. The outline is public, so indicators follow the small-count
    rule."""
    areas = list(FocusArea.objects.filter(plan=plan).order_by("order", "pk"))
    initiatives = list(
        Initiative.objects.filter(plan=plan)
        .order_by("order", "pk")
        .prefetch_related(
            "responsible_organisations",
            "municipalities",
            Prefetch("milestones", to_attr="milestone_list"),
        )
    )
    children_of = defaultdict(list)
    for initiative in initiatives:
        children_of[initiative.parent_id].append(initiative)

    indicators_of = defaultdict(list)
    for shown in present_all(Indicator.objects.of_plan(plan), plan, reads_exactly=_no_one):
        indicator = shown.indicator
        owner = ("initiative", indicator.initiative_id) if indicator.initiative_id else None
        indicators_of[owner or ("area", indicator.focus_area_id)].append(shown)

    def build(initiative, depth):
        node = InitiativeNode(
            initiative=initiative,
            depth=depth,
            indicators=indicators_of[("initiative", initiative.pk)],
        )
        node.children = [build(child, depth + 1) for child in children_of[initiative.pk]]
        return node

    roots_by_area = defaultdict(list)
    for initiative in children_of[None]:
        node = build(initiative, 0)
        _roll_up(node)
        roots_by_area[initiative.focus_area_id].append(node)
    count_by_area = defaultdict(int)
    for initiative in initiatives:
        count_by_area[initiative.focus_area_id] += 1

    outlines = [
        FocusAreaOutline(
            area=area,
            roots=roots_by_area[area.pk],
            progress=weighted_progress(roots_by_area[area.pk]),
            initiative_count=count_by_area[area.pk],
            indicators=indicators_of[("area", area.pk)],
        )
        for area in areas
    ]
    all_roots = [node for outline in outlines for node in outline.roots]
    return PlanOutline(
        plan=plan,
        areas=outlines,
        progress=weighted_progress(all_roots),
        initiative_count=len(initiatives),
    )
