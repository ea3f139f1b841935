"""Official statistics from Danmarks Statistik: tables, their series and quarterly values."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryghed.core.translated import Translated
from tryghed.organisation.models import Municipality


class PublicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Everything: official statistics are published by Danmarks Statistik for anyone.

        The method is kept so that views fetch statistics the same way as everything else
        (always through `visible_to`); should a non-public table ever be imported, the
        restriction belongs here and no view has to change.
        """
        return self


class StatTable(Translated, models.Model):
    code = models.CharField(_("table code"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    source_url = models.URLField(_("source"), blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # The SHA-256 of the last file imported, so that re-running setup skips an unchanged file.
    source_checksum = models.CharField(
        _("checksum of the imported file"), max_length=64, blank=True
    )

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("statistics table")
        verbose_name_plural = _("statistics tables")

    def __str__(self):
        return f"{self.code} {self.tr('title')}"


class StatSeries(Translated, models.Model):
    """One breakdown of a table, e.g. STRAF11's "Voldsforbrydelser i alt".

    StatBank files name a series by its label, not by a code, so the Danish label is the key.
    """

    table = models.ForeignKey(
        StatTable, models.CASCADE, related_name="series", verbose_name=_("table")
    )
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)

    objects = PublicQuerySet.as_manager()

    class Meta:
        ordering = ["table", "pk"]
        verbose_name = _("statistics series")
        verbose_name_plural = _("statistics series")
        constraints = [
            models.UniqueConstraint(fields=["table", "label"], name="uniq_stat_series_label")
        ]

    def __str__(self):
        return self.tr("label")


class StatValueQuerySet(PublicQuerySet):
    def of_table(self, code):
        return self.filter(table__code=code)

    def in_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def in_series(self, series):
        return self.filter(series=series)

    def in_years(self, first, last):
        return self.filter(year__gte=first, year__lte=last)


def quarter_start(year, quarter):
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


class StatValue(models.Model):
    table = models.ForeignKey(
        StatTable, models.CASCADE, related_name="values", verbose_name=_("table")
    )
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="stat_values", verbose_name=_("municipality")
    )
    series = models.ForeignKey(
        StatSeries, models.CASCADE, related_name="values", verbose_name=_("series")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    # Redundant with year and quarter, kept so that date ranges and charts need no arithmetic.
    period_start = models.DateField(_("period start"))
    value = models.PositiveIntegerField(_("value"))
    population = models.PositiveIntegerField(_("population at the start of the quarter"), null=True)

    objects = StatValueQuerySet.as_manager()

    class Meta:
        ordering = ["table", "municipality", "series", "year", "quarter"]
        verbose_name = _("statistics value")
        verbose_name_plural = _("statistics values")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "municipality", "year", "quarter", "series"],
                name="uniq_stat_value",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="stat_value_quarter_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["table", "series", "year"], name="stat_value_series_year")]

    def __str__(self):
        return (
            f"{self.table.code} {self.municipality.code} {self.period} {self.series}: {self.value}"
        )

    @property
    def period(self):
        """The period as StatBank writes it, e.g. "2019K1"."""
        return f"{self.year}K{self.quarter}"
