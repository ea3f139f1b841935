from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of


class PoliceDistrict(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(unique=True)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("police district")
        verbose_name_plural = _("police districts")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    district = models.ForeignKey(
        PoliceDistrict, models.PROTECT, related_name="municipalities", verbose_name=_("district")
    )
    region_code = models.CharField(_("region code"), max_length=4)
    region_name = models.CharField(_("region"), max_length=100)
    boundary = models.JSONField(_("boundary (GeoJSON)"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_four_digits"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return f"{self.code} {self.name}"


class PostalCode(models.Model):
    """A postal code spans one or more municipalities (PostNord's file is many-to-many)."""

    number = models.CharField(_("postal code"), max_length=4)
    name = models.CharField(_("postal district"), max_length=100)
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="postal_codes", verbose_name=_("municipality")
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["number", "municipality"], name="uniq_postcode_muni")
        ]

    def __str__(self):
        return f"{self.number} {self.name}"


class OrganisationQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.visible_district_ids)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", _("Police")
        MUNICIPALITY = "municipality", _("Municipality")
        PARTNER = "partner", _("Partner")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(
        PoliceDistrict, models.CASCADE, related_name="organisations", verbose_name=_("district")
    )
    municipality = models.ForeignKey(
        Municipality,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="uniq_organisation_name"),
            models.CheckConstraint(
                condition=~Q(kind="municipality") | Q(municipality__isnull=False),
                name="municipal_organisation_has_municipality",
            ),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone who sits on a council; not necessarily a user of the system (e.g. a mayor)."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name


class CouncilQuerySet(models.QuerySet):
    def visible_to(self, user):
        """District staff see every council of their district; municipal staff the district's
        own councils and their municipality's; members the councils they sit on."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(district__in=scope.district_ids)
            | Q(municipality__in=scope.municipality_ids)
            | Q(municipality__isnull=True, district__in=scope.municipal_district_ids)
            | Q(pk__in=scope.council_ids)
        ).distinct()

    def editable_by(self, user):
        """Membership is kept by the secretariat of the council's district."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.secretariat_district_ids)


class Council(models.Model):
    class Kind(models.TextChoices):
        DISTRICT_COUNCIL = "district_council", _("District council (kredsråd)")
        CONTACT_COMMITTEE = "contact_committee", _("Contact committee (kontaktudvalg)")
        LOCAL_COUNCIL = "local_council", _("Local council (lokalråd)")
        PSP_GROUP = "psp_group", _("PSP group")
        SSP = "ssp", _("SSP")
        FORUM = "forum", _("Forum")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=100)
    district = models.ForeignKey(
        PoliceDistrict, models.CASCADE, related_name="councils", verbose_name=_("district")
    )
    municipality = models.ForeignKey(
        Municipality,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="councils",
        verbose_name=_("municipality"),
    )
    description = models.TextField(_("description"), blank=True)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        ordering = ["district", "kind", "name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="uniq_council_slug"),
            models.UniqueConstraint(
                fields=["municipality"],
                condition=Q(kind="local_council"),
                name="one_local_council_per_municipality",
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(kind="district_council"),
                name="one_district_council_per_district",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["local_council", "psp_group", "ssp"])
                | Q(municipality__isnull=False),
                name="local_councils_have_municipality",
            ),
        ]

    def __str__(self):
        return self.name

    def current_memberships(self, on=None):
        return self.memberships.current(on).select_related("person", "organisation")


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        from django.utils import timezone

        on = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=on)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on)
        )

    def visible_to(self, user):
        return self.filter(council__in=Council.objects.visible_to(user))


class CouncilMembership(models.Model):
    class Position(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")

    council = models.ForeignKey(
        Council, models.CASCADE, related_name="memberships", verbose_name=_("council")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["council", "position", "person__name"]
        verbose_name = _("council membership")
        verbose_name_plural = _("council memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.council} ({self.get_position_display()})"
