from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of
from tryghed.organisation.models import Municipality, PoliceDistrict


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


class Incident(models.Model):
    source = models.ForeignKey(
        IncidentSource, models.PROTECT, related_name="incidents", verbose_name=_("source")
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
            models.Index(
                fields=["municipality", "category", "occurred_at"],
                name="incident_muni_cat_time",
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.external_id}"
