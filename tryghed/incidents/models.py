import datetime
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tryghed.accounts.scope import scope_of
from tryghed.organisation.models import Municipality, PoliceDistrict

# Periods, days and years are counted in Danish local time whatever the user's time zone.
DANISH_TIME = zoneinfo.ZoneInfo("Europe/Copenhagen")
# The first year (Danish time) of the incidents kept: the dashboard, the plans and their
# indicators begin with it, and a chart runs from the first incident on, week by week.
FIRST_YEAR = 2000


class Category(models.TextChoices):
    """Stable codes that statistics, guarantees and imports rely on (DESIGN.md contract)."""

    BURGLARY_HOME = "burglary_home", _("Burglary in a home")
    BURGLARY_HOLIDAY_HOME = "burglary_holiday_home", _("Burglary in a holiday home")
    BURGLARY_BUSINESS = "burglary_business", _("Burglary in a business")
    BURGLARY_INSTITUTION = "burglary_institution", _("Burglary in an institution")
    THEFT_FROM_VEHICLE = "theft_from_vehicle", _("Theft from a vehicle")
    TRAFFIC_ACCIDENT_FATAL = "traffic_accident_fatal", _("Traffic accident, fatal")
    TRAFFIC_ACCIDENT_SERIOUS = "traffic_accident_serious", _("Traffic accident, serious injury")
    TRAFFIC_ACCIDENT_MINOR = "traffic_accident_minor", _("Traffic accident, minor")
    DRUG_SALE = "drug_sale", _("Drug sale")
    DRUG_SALE_SCHOOL = "drug_sale_school", _("Drug sale at or near a school")
    YOUTH_NUISANCE = "youth_nuisance", _("Youth nuisance")
    MOPED_NUISANCE = "moped_nuisance", _("Moped nuisance")
    VANDALISM = "vandalism", _("Vandalism")
    VIOLENCE = "violence", _("Violence")
    VIOLENCE_CLOSE_RELATIONS = "violence_close_relations", _("Violence in close relations")
    RAPE = "rape", _("Rape")
    GANG_RELATED = "gang_related", _("Gang-related crime")
    IT_CRIME = "it_crime", _("IT crime")
    FRAUD_ELDERLY = "fraud_elderly", _("Fraud against the elderly")
    PSYCHIATRIC_WELFARE = "psychiatric_welfare", _("Psychiatric or welfare concern")
    OTHER = "other", _("Other")


class IncidentSourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.district_ids)


class IncidentSource(models.Model):
    """Where incidents come from (a district's døgnrapport, a case system extract); the
    external ids of its incidents are unique within it."""

    name = models.SlugField(_("name"), max_length=100, unique=True)
    district = models.ForeignKey(
        PoliceDistrict, models.PROTECT, related_name="incident_sources", verbose_name=_("district")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IncidentSourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("incident source")
        verbose_name_plural = _("incident sources")

    def __str__(self):
        return self.name


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff see every incident of their district's sources; municipal staff
        and local officers the incidents in their municipality. The entries describe people
        and places, so council members and accounts without a role see none."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(source__district__in=scope.district_ids) | Q(municipality__in=scope.municipality_ids)
        )

    def occurred_between(self, start, end):
        """Incidents from the local date `start` up to, not including, the local date `end`
        (either may be None for an open end).

        Days are Danish days: New Year's Eve at 23:30 belongs to the old year although it is
        22:30 UTC. A range on the stored instant, not a lookup on a converted date, so that
        the index on occurred_at serves it.
        """
        qs = self
        if start is not None:
            qs = qs.filter(occurred_at__gte=local_midnight(start))
        if end is not None:
            qs = qs.filter(occurred_at__lt=local_midnight(end))
        return qs

    def in_year(self, year):
        """Incidents of the calendar year in Danish local time."""
        return self.occurred_between(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))

    def located(self):
        """Incidents with coordinates (lat and lon are stored together or not at all)."""
        return self.filter(lat__isnull=False)


def local_midnight(day):
    """The instant a Danish local date begins."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=DANISH_TIME)


class Incident(models.Model):
    # The foreign keys take no index of their own: each leads a composite index below (the
    # unique source + external id, the dashboard's municipality + category + time), and every
    # further index is written once per imported row. Nor a database constraint: PostgreSQL
    # checks one with a query per imported row (see migration 0007).
    source = models.ForeignKey(
        IncidentSource,
        models.PROTECT,
        related_name="incidents",
        verbose_name=_("source"),
        db_index=False,
        db_constraint=False,
    )
    external_id = models.CharField(_("external id"), max_length=100)
    occurred_at = models.DateTimeField(_("occurred"))
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=40, choices=Category.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,
    )
    lat = models.DecimalField(_("latitude"), max_digits=8, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="uniq_incident_external_id"
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__isnull=False, lon__isnull=False),
                name="incident_lat_lon_together",
            ),
        ]
        indexes = [
            # One category's incidents of a period, answered from the index alone: its map
            # (the kept cells are of every category together), its month begun, and the
            # plan's indicators, each scoped by source or municipality.
            models.Index(
                fields=["category", "occurred_at", "source", "municipality", "lat", "lon"],
                name="incident_cat_time",
            ),
            # The days the kept counts do not hold apart: the month begun, which staff's
            # running year compares with the same days a year earlier, and the public's
            # hotspot map leaves out.
            models.Index(fields=["occurred_at"], name="incident_time"),
        ]

    def __str__(self):
        return f"{self.source} {self.external_id}"


class _CountedQuerySet(models.QuerySet):
    """Counts of a source's incidents per municipality, scoped as the incidents are."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(source__district__in=scope.district_ids) | Q(municipality__in=scope.municipality_ids)
        )


class _CountQuerySet(_CountedQuerySet):
    """The same predicates as IncidentQuerySet's, on whole local periods (`PERIOD`)."""

    PERIOD = ""  # the field holding the period's first day

    def _starts_period(self, day):
        raise NotImplementedError

    def first_period(self):
        """The first day of the first period with any incident, or None: before it nothing
        was recorded, which is not the same as nothing happening."""
        return self.aggregate(first=models.Min(self.PERIOD))["first"]

    def occurred_between(self, start, end):
        """The periods from the local date `start` up to, not including, `end`; both must
        begin a period (or be None), since a period is counted whole or not at all."""
        for day in (start, end):
            if day is not None and not self._starts_period(day):
                raise ValueError(f"{day} does not begin a {self.PERIOD}.")
        qs = self
        if start is not None:
            qs = qs.filter(**{f"{self.PERIOD}__gte": start})
        if end is not None:
            qs = qs.filter(**{f"{self.PERIOD}__lt": end})
        return qs


class MonthlyCountQuerySet(_CountQuerySet):
    PERIOD = "month"

    def _starts_period(self, day):
        return day.day == 1

    def in_year(self, year):
        return self.occurred_between(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


class WeeklyCountQuerySet(_CountQuerySet):
    PERIOD = "week"

    def _starts_period(self, day):
        return day.weekday() == 0

    def in_year(self, year):
        """The weeks of the ISO year: week 1 of 2026 begins on 29 December 2025."""
        return self.occurred_between(
            datetime.date.fromisocalendar(year, 1, 1), datetime.date.fromisocalendar(year + 1, 1, 1)
        )


class _Counted(models.Model):
    """A source's incidents per municipality (or none) and period in Danish local time, kept
    by triggers in the database on every insert, update and delete of an incident, whatever
    writes it, in the same transaction (and by the importer for its own COPY, see bulk.py); a
    group whose count falls to 0 is deleted, so a row exists exactly when its group has
    incidents."""

    # No index of their own: each key leads one of the indexes below (the unique key, the
    # one by municipality), and every index costs each count written (migration 0008). Nor
    # a database constraint on PostgreSQL, as on the incidents: it is checked with a query
    # per row, and an import writes hundreds of thousands of counts (migration 0012).
    source = models.ForeignKey(
        IncidentSource,
        models.CASCADE,
        related_name="+",
        verbose_name=_("source"),
        db_index=False,
        db_constraint=False,
    )
    municipality = models.ForeignKey(
        Municipality,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        db_index=False,
        db_constraint=False,
    )
    incidents = models.PositiveIntegerField(_("incidents"))

    class Meta:
        abstract = True


class _Monthly(_Counted):
    month = models.DateField(_("month"))  # its first day

    objects = MonthlyCountQuerySet.as_manager()

    class Meta:
        abstract = True


class _Weekly(_Counted):
    week = models.DateField(_("week"))  # its Monday

    objects = WeeklyCountQuerySet.as_manager()

    class Meta:
        abstract = True


class MonthlyCount(_Monthly):
    """Incidents per municipality, category and month: what the dashboard reads instead of
    counting millions of incidents (triggers of migration 0003)."""

    category = models.CharField(_("category"), max_length=40, choices=Category.choices)

    class Meta:
        verbose_name = _("monthly incident count")
        verbose_name_plural = _("monthly incident counts")
        constraints = [
            # The triggers' upsert names this key; a NULL municipality is a group of its own.
            models.UniqueConstraint(
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "category",
                "month",
                name="uniq_monthly_count",
            ),
        ]
        # Each index holds every column, so that a question is answered from an index alone
        # (SQLite reads it in order and groups without sorting): one by month for the whole
        # area, one by municipality for the table and a chosen municipality.
        indexes = [
            models.Index(
                fields=["month", "category", "municipality", "source", "incidents"],
                name="monthly_by_month",
            ),
            models.Index(
                fields=["municipality", "category", "month", "source", "incidents"],
                name="monthly_by_municipality",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self.category} {self.month:%Y-%m}"


class MonthlyTotal(_Monthly):
    """MonthlyCount with the categories added up, what a question about every category reads
    (98 × 60 rows for five years of a source; triggers of migration 0004)."""

    class Meta:
        verbose_name = _("monthly incident total")
        verbose_name_plural = _("monthly incident totals")
        constraints = [
            models.UniqueConstraint(
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "month",
                name="uniq_monthly_total",
            ),
        ]
        indexes = [
            models.Index(
                fields=["month", "municipality", "source", "incidents"],
                name="monthly_total_by_month",
            ),
            models.Index(
                fields=["municipality", "month", "source", "incidents"],
                name="monthly_total_by_muni",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self.month:%Y-%m}"


class WeeklyCount(_Weekly):
    """Incidents per municipality, category and ISO week (triggers of migration 0011): weeks
    run across months, so the monthly counts cannot give them."""

    category = models.CharField(_("category"), max_length=40, choices=Category.choices)

    class Meta:
        verbose_name = _("weekly incident count")
        verbose_name_plural = _("weekly incident counts")
        constraints = [
            models.UniqueConstraint(
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "category",
                "week",
                name="uniq_weekly_count",
            ),
        ]
        indexes = [
            models.Index(
                fields=["week", "category", "municipality", "source", "incidents"],
                name="weekly_by_week",
            ),
            models.Index(
                fields=["municipality", "category", "week", "source", "incidents"],
                name="weekly_by_municipality",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self.category} {self.week:%G-W%V}"


class WeeklyTotal(_Weekly):
    """WeeklyCount with the categories added up (98 × 261 rows for five years of a source)."""

    class Meta:
        verbose_name = _("weekly incident total")
        verbose_name_plural = _("weekly incident totals")
        constraints = [
            models.UniqueConstraint(
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "week",
                name="uniq_weekly_total",
            ),
        ]
        indexes = [
            models.Index(
                fields=["week", "municipality", "source", "incidents"],
                name="weekly_total_by_week",
            ),
            models.Index(
                fields=["municipality", "week", "source", "incidents"],
                name="weekly_total_by_muni",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self.week:%G-W%V}"


class CellQuerySet(_CountedQuerySet):
    """The same predicates as IncidentQuerySet's, on whole local years."""

    def in_year(self, year):
        return self.filter(year=year)

    def before_year(self, year):
        return self.filter(year__lt=year)


class _Cells(_Counted):
    """A source's located incidents per municipality, Danish local year and grid cell of the
    hotspot map (incidents/numbers.py: CELL_LAT, CELL_LON)."""

    year = models.PositiveSmallIntegerField(_("year"))
    cell_row = models.IntegerField(_("cell row"))  # south to north
    cell_column = models.IntegerField(_("cell column"))  # west to east

    objects = CellQuerySet.as_manager()

    class Meta:
        abstract = True

    def _cell(self):
        return f"{self.year} {self.cell_row}/{self.cell_column}"


class CellTotal(_Cells):
    """A source's located incidents per municipality, Danish local year and grid cell of the
    hotspot map (incidents/numbers.py: CELL_LAT, CELL_LON), every category together, kept as
    the monthly totals are (triggers of migration 0013, and the importer for its own
    writes): the map of a year, or of every year, adds up thousands of cells instead of
    reading every incident. `CellCount` holds the same per category, for a map of one."""

    class Meta:
        verbose_name = _("incident total per grid cell")
        verbose_name_plural = _("incident totals per grid cell")
        constraints = [
            models.UniqueConstraint(
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "year",
                "cell_row",
                "cell_column",
                name="uniq_cell_total",
            ),
        ]
        # Every column in each, so that a map is read from an index alone: by year for the
        # area, by municipality for a chosen one.
        indexes = [
            models.Index(
                fields=["year", "municipality", "source", "cell_row", "cell_column", "incidents"],
                name="cell_total_by_year",
            ),
            models.Index(
                fields=["municipality", "year", "source", "cell_row", "cell_column", "incidents"],
                name="cell_total_by_muni",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self._cell()}"


class CellCount(_Cells):
    """`CellTotal` per category (triggers of migration 0016, and the importer): a map of one
    category adds up its cells, where counting its incidents read a year's hundreds of
    thousands of them. Without the totals beside them a map of every category would add up
    a cell per category."""

    category = models.CharField(_("category"), max_length=40, choices=Category.choices)

    class Meta:
        verbose_name = _("incident count per grid cell")
        verbose_name_plural = _("incident counts per grid cell")
        # On PostgreSQL the key alone, the category first, serves the map (always of one
        # category): a covering index beside it cost an import of 1,000,000 rows 7 s more.
        # SQLite, which reads a cell's row apart from its key, has one (migration 0017).
        constraints = [
            models.UniqueConstraint(
                "category",
                "year",
                "source",
                Coalesce("municipality", Value(0), output_field=models.IntegerField()),
                "cell_row",
                "cell_column",
                name="uniq_cell_count",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.municipality} {self.category} {self._cell()}"


class CountsVersion(models.Model):
    """A mark of a source's monthly counts and cell totals as they are: set anew, to a random
    number, by triggers in the database (migration 0018) in every statement that changes
    one of them, whatever writes it, in the same transaction. What the dashboard keeps in
    the cache from those counts (the public's choice of what to hide, the public's maps) is
    kept under the marks of the sources it read: a mark costs one indexed row to read,
    where summing the counts to see whether they changed read a district's every count.

    Random rather than counted up, so that a mark never comes back after a rollback, a
    database restored from a backup or a test's emptied tables: an old cache entry can
    never be taken for the counts of today. Never written by Django (a model form or
    `save()` could put an old mark back over a newer one)."""

    source = models.OneToOneField(
        IncidentSource,
        models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("source"),
        db_constraint=False,
    )
    version = models.BigIntegerField(_("version"))

    class Meta:
        verbose_name = _("version of the counts")
        verbose_name_plural = _("versions of the counts")

    def __str__(self):
        return f"{self.source_id}: {self.version}"


class IncidentImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Importing is district work: the secretariat and district staff see their
        district's imports. The reports quote rows about people and places, so no one
        else sees them, not even the municipalities whose incidents they hold."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.district_ids)


class IncidentImport(models.Model):
    """One uploaded incident file and how its import went; the background worker runs it.

    The file is kept in the row until the import has run: a worker on another machine reads
    it from the database without sharing a file system with the web server."""

    MAX_BYTES = 20 * 2**20

    class Status(models.TextChoices):
        # "Done" alone is already a milestone's "reached" in Danish.
        QUEUED = "queued", pgettext_lazy("import status", "Queued")
        RUNNING = "running", pgettext_lazy("import status", "Running")
        DONE = "done", pgettext_lazy("import status", "Done")
        FAILED = "failed", pgettext_lazy("import status", "Failed")

    district = models.ForeignKey(
        PoliceDistrict, models.PROTECT, related_name="incident_imports", verbose_name=_("district")
    )
    # The name is what the user chose; the source itself exists once something is written.
    source_name = models.SlugField(_("source"), max_length=100)
    source = models.ForeignKey(
        IncidentSource,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("source"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(_("file"), blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=False)
    # Published døgnrapporter and the like: counted, but no guarantee deadlines open.
    statistics_only = models.BooleanField(_("for the numbers only"), default=False)
    # The rejection reasons are written in the language of the person who uploaded the file.
    language = models.CharField(_("language"), max_length=10, default="da")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = IncidentImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incident import")
        verbose_name_plural = _("incident imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_done__lte=models.F("rows_total")),
                name="incident_import_done_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.source_name}: {self.filename}"

    def get_absolute_url(self):
        return reverse("staff:incidents:import", args=[self.pk])

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(100, self.rows_done * 100 // self.rows_total)

    @property
    def rejected(self):
        """The first rejected rows (actions.REPORTED_ROWS), as {"line", "reason"}."""
        return self.report.get("rejected", [])

    @property
    def rejected_count(self):
        return self.report.get("rejected_count", len(self.rejected))
