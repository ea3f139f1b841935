"""What part of the country a user's dashboard covers, and which incidents it counts.

District roles (secretariat, district staff) and kredsråd members read their whole district;
local officers, municipal staff and lokalråd members their municipality.

Council members are not staff: `Incident.objects.visible_to` gives them no incidents at all,
because the entries describe people and places. The councils decide from the numbers,
though, so their dashboard counts the incidents of their district (kredsråd) or municipality
(lokalråd) directly, and shows them only as the public reads them: a count of 1 to 4 is
"<5" and no rate gives it away (see `tryghed.incidents.numbers`). They never reach a single
incident, only aggregates. A user whose council membership reaches beyond their staff role
(a Greve employee on the kredsråd) reads the whole area by the same public rule, so that
the exact numbers of their own municipality cannot be told apart from the rest.

The public reads whole months only: every count of theirs ends before the first day of the
current month, and a week only once it has ended by then (`Area.until`). A count that
grew day by day, saved every day, would give each day's count away as the difference of
two, and a day's count is usually under 5. Staff read up to today.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.db.models import F, Q

from tryghed.accounts.scope import scope_of
from tryghed.dashboard.report import local_today
from tryghed.incidents.models import (
    CellCount,
    CellTotal,
    Incident,
    MonthlyCount,
    MonthlyTotal,
    WeeklyCount,
    WeeklyTotal,
)
from tryghed.incidents.numbers import published_weeks_until
from tryghed.organisation.models import Council, Municipality


@dataclass(frozen=True)
class Area:
    is_global: bool
    district_ids: frozenset
    municipality_ids: frozenset  # besides the whole districts above
    public: bool  # numbers follow the public small-count rule
    # The public's counts end before this local date, the first day of the current month;
    # None for staff.
    until: datetime.date | None = None

    @property
    def empty(self):
        return not (self.is_global or self.district_ids or self.municipality_ids)

    def municipalities(self):
        """The municipalities the user may choose, by name; boundaries left out."""
        qs = Municipality.objects.defer("boundary")
        if not self.is_global:
            qs = qs.filter(Q(district__in=self.district_ids) | Q(pk__in=self.municipality_ids))
        return qs.order_by("name")

    def incidents(self, user):
        """The incidents the user's numbers count; the public's up to `until`."""
        if not self.public:
            return Incident.objects.visible_to(user)
        return Incident.objects.filter(self._reach()).occurred_between(None, self.until)

    def monthly_counts(self, user, *, every_category=False):
        """The monthly counts of the same incidents as `incidents`: what the charts and
        tables count from, since they ask only about whole months. `every_category`: the
        totals over the categories, far fewer rows, when no category is asked about. The
        public's end before `until`."""
        months = self._counts(MonthlyTotal if every_category else MonthlyCount, user)
        return months.occurred_between(None, self.until) if self.public else months

    def weekly_counts(self, user, *, every_category=False):
        """The same as `monthly_counts`, per ISO week; the public's end with the last week
        that has ended by `until`."""
        weeks = self._counts(WeeklyTotal if every_category else WeeklyCount, user)
        if self.public and self.until is not None:
            weeks = weeks.occurred_between(None, published_weeks_until(self.until))
        return weeks

    def hotspot_parts(self, user, *, every_category=False, year=None):
        """What the hotspot map of the same incidents in `year` (None: every year) is made
        of, as `numbers.hotspots` takes it: ([what it adds up], [what it takes away]). The
        totals per grid cell and year, for the public less the incidents from `until` on,
        which the totals of their year hold; for one category its counts per grid cell."""
        cells = self._counts(CellTotal if every_category else CellCount, user)
        if year is not None:
            cells = cells.in_year(year)
        if not self.public or self.until is None or (year is not None and year < self.until.year):
            return [cells], []
        # Only the days from the first of the month on, which the index on the time finds.
        beyond = Incident.objects.filter(self._reach()).occurred_between(self.until, None)
        return [cells], [beyond if year is None else beyond.in_year(year)]

    def _counts(self, model, user):
        if not self.public:
            return model.objects.visible_to(user)
        return model.objects.filter(self._reach())

    def _reach(self):
        """The public reader's districts and municipalities, counted directly (see above): a
        district's incidents as its own police record them, and a lokalråd's municipality's
        as its district records them, which its kredsråd reads too. The hidden counts are
        chosen once per district, over the same incidents (`incidents.families`)."""
        return Q(source__district__in=self.district_ids) | Q(
            municipality__in=self.municipality_ids, source__district=F("municipality__district")
        )

    @cached_property
    def parts(self):
        """[(district id, municipality id or None)]: what the public reader's total adds
        up: whole districts, and a lokalråd's municipality in a district besides them."""
        if self.is_global:
            return []
        beyond = Municipality.objects.filter(pk__in=self.municipality_ids).exclude(
            district__in=self.district_ids
        )
        return [(district_id, None) for district_id in sorted(self.district_ids)] + [
            (district_id, municipality_id)
            for municipality_id, district_id in beyond.values_list("pk", "district_id")
        ]

    @property
    def several_parts(self):
        """Whether the area is more than one district, or a district and a lokalråd's
        municipality in another, or two lokalråd's municipalities: its total is then a sum
        the protection of each district's numbers does not know."""
        return len(self.parts) > 1

    def reads_exactly(self, district_id, municipality_id=None):
        """Whether the user reads the exact numbers of a district's incidents, or of one of
        its municipalities: staff, within what `Incident.objects.visible_to` gives them.
        Anyone else reads them as the public does (a plan's indicators reach beyond it)."""
        if self.public:
            return False
        if self.is_global or district_id in self.district_ids:
            return True
        return municipality_id is not None and municipality_id in self.municipality_ids

    def plan_district_ids(self):
        """The districts whose plans the dashboard shows indicators of."""
        if self.is_global:
            return None
        districts = set(self.district_ids)
        districts |= set(
            Municipality.objects.filter(pk__in=self.municipality_ids).values_list(
                "district_id", flat=True
            )
        )
        return districts


def area_for(user, *, today=None):
    """The area `user` reads; `today`, the local date the public's whole months are counted
    up to (by default today's)."""
    scope = scope_of(user)
    if scope.is_global:
        return Area(True, frozenset(), frozenset(), public=False)
    councils = Council.objects.filter(pk__in=scope.council_ids).values_list(
        "kind", "district_id", "municipality_id"
    )
    council_districts = {
        district for kind, district, _ in councils if kind == Council.Kind.DISTRICT_COUNCIL
    }
    council_municipalities = {
        municipality
        for kind, _, municipality in councils
        if kind == Council.Kind.LOCAL_COUNCIL and municipality
    }
    staff_districts = set(scope.district_ids)
    staff_municipalities = set(scope.municipality_ids)
    extra_districts = council_districts - staff_districts
    extra_municipalities = council_municipalities - staff_municipalities
    if extra_municipalities and staff_districts:
        # A lokalråd in a district the user already reads as staff adds nothing.
        inside = set(
            Municipality.objects.filter(
                pk__in=extra_municipalities, district__in=staff_districts
            ).values_list("pk", flat=True)
        )
        extra_municipalities -= inside
    public = bool(extra_districts or extra_municipalities)
    return Area(
        False,
        frozenset(staff_districts | council_districts),
        frozenset(staff_municipalities | council_municipalities),
        public=public,
        until=(today or local_today()).replace(day=1) if public else None,
    )
