"""Plan indicators: measures that tell whether a focus area or an initiative makes a difference.

An indicator counts incidents from the district's own sources, reads an official statistics
series or measures how often a police guarantee was kept, compares a current period with a
baseline period and checks the change against a target ("burglaries in private homes −10 %
against 2022"). A guarantee's compliance is a share, the percent of the decided cases that
were met; its target is a change in percentage points ("+5 points against 2025"), as a change
in percent of a percentage reads ambiguously and cannot be carried past 100 % ("+10 %" of
95 %), or else a level to reach ("at least 95 %"). The numbers are computed when a page
is shown (see readings.py); nothing computed is stored, so imports need not recompute anything.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tryghed.core.translated import Translated
from tryghed.plans.models import CooperationPlan

# The years an indicator may measure and compare with, as a plan's year. Far outside them a
# local date cannot even be turned into an instant (Copenhagen's local mean time puts the
# first midnight of year 1 in year 0 UTC), and nothing is counted there anyway.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def validate_period_day(day):
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date in the years %(first)s to %(last)s."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """As the plan: staff of its district read it always, everyone once it is published."""
        plans = CooperationPlan.objects.visible_to(user) | CooperationPlan.objects.published()
        return self.filter(
            Q(focus_area__plan__in=plans.values("pk")) | Q(initiative__plan__in=plans.values("pk"))
        )

    def editable_by(self, user):
        plans = CooperationPlan.objects.editable_by(user).values("pk")
        return self.filter(Q(focus_area__plan__in=plans) | Q(initiative__plan__in=plans))

    def of_plan(self, plan):
        return self.filter(Q(focus_area__plan=plan) | Q(initiative__plan=plan))


class Indicator(Translated, models.Model):
    class Kind(models.TextChoices):
        INCIDENTS = "incidents", _("Incidents in the district")
        STATISTICS = "statistics", _("Official statistics")
        COMPLIANCE = "compliance", _("Guarantee compliance")

    class Measure(models.TextChoices):
        COUNT = "count", _("Number")
        RATE = "rate", _("Rate per 1,000 inhabitants")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("Decrease")
        INCREASE = "increase", _("Increase")
        # A level rather than a change, for a share: "at least 95 % met".
        AT_LEAST = "at_least", _("At least (guarantee compliance)")

    focus_area = models.ForeignKey(
        "plans.FocusArea",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("focus area"),
    )
    initiative = models.ForeignKey(
        "plans.Initiative",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name=_("initiative"),
    )
    # A stable key for loaders (the demo), so a re-run finds an indicator staff have renamed.
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    kind = models.CharField(_("measured from"), max_length=20, choices=Kind.choices)
    categories = models.JSONField(_("incident categories"), default=list, blank=True)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Leave empty to measure the whole district."),
    )
    series = models.ForeignKey(
        "statistics.StatSeries",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statistics group"),
    )
    guarantee = models.ForeignKey(
        "guarantees.Guarantee",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("police guarantee"),
    )
    measure = models.CharField(
        _("measure"), max_length=10, choices=Measure.choices, default=Measure.COUNT
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    baseline_start = models.DateField(
        _("baseline from"), null=True, blank=True, validators=[validate_period_day]
    )
    baseline_end = models.DateField(
        _("baseline to"), null=True, blank=True, validators=[validate_period_day]
    )
    current_year = models.PositiveSmallIntegerField(
        _("current year"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Leave empty to use the plan's year."),
    )
    target_percent = models.DecimalField(
        _("target change (%)"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=_(
            "How much the measure should change against the baseline, e.g. 10 (%). For "
            "guarantee compliance, a change in percentage points of the share met (85 % to "
            "90 % is 5 points), or with the direction “At least” the share to reach, e.g. 95."
        ),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.DECREASE
    )

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(focus_area__isnull=False, initiative__isnull=True)
                | Q(focus_area__isnull=True, initiative__isnull=False),
                name="indicator_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=False, baseline_start__isnull=True)
                & Q(baseline_end__isnull=True)
                | Q(baseline_year__isnull=True, baseline_start__isnull=False)
                & Q(baseline_end__gte=models.F("baseline_start")),
                name="indicator_baseline_year_or_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="statistics") | Q(series__isnull=False),
                name="indicator_statistics_has_series",
            ),
            models.CheckConstraint(
                condition=~Q(kind="compliance") | Q(guarantee__isnull=False),
                name="indicator_compliance_has_guarantee",
                violation_error_message=_("Guarantee compliance needs the guarantee to measure."),
            ),
            models.CheckConstraint(
                condition=~Q(direction="at_least") | Q(kind="compliance"),
                name="indicator_level_for_compliance",
                violation_error_message=_("“At least” is a level of guarantee compliance."),
            ),
            models.CheckConstraint(
                condition=Q(measure="count") | Q(kind="statistics"),
                name="indicator_rate_from_statistics",
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=0), name="indicator_target_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        too_far = self.target_percent is not None and self.target_percent > 100
        if self.kind == self.Kind.COMPLIANCE:
            if self.direction == self.Direction.DECREASE:
                # Nobody sets out to keep a promise less often.
                message = _(
                    "The share met is to rise or reach a level: choose “Increase” or “At least”."
                )
                errors["direction"] = ValidationError(message, code="compliance_decrease")
            elif too_far:
                # A share lies between 0 and 100 %: beyond, the target is never on track.
                message = _("A share cannot rise by more than 100 percentage points.")
                if self.direction == self.Direction.AT_LEAST:
                    message = _("A share met cannot be more than 100 %.")
                errors["target_percent"] = ValidationError(message, code="share_too_far")
        elif self.direction == self.Direction.AT_LEAST:
            message = _("“At least” is a level of guarantee compliance; choose a change here.")
            errors["direction"] = ValidationError(message, code="level_not_a_share")
        elif too_far and self.direction == self.Direction.DECREASE:
            # Fewer than no incidents cannot be reached: such a target is never on track.
            message = _("A decrease cannot be more than 100 %.")
            errors["target_percent"] = ValidationError(message, code="decrease_too_far")
        if errors:
            raise ValidationError(errors)

    @property
    def plan(self):
        owner = self.focus_area if self.focus_area_id else self.initiative
        return owner.plan

    def year_of(self, plan):
        """The year measured: the one chosen, or else the plan's."""
        return self.current_year or plan.year

    @property
    def is_share(self):
        """Measured as a share in percent (guarantee compliance), not as a count or a rate."""
        return self.kind == self.Kind.COMPLIANCE

    @property
    def is_level(self):
        """The target is a level to reach ("at least 95 %"), not a change."""
        return self.direction == self.Direction.AT_LEAST

    @property
    def signed_target(self):
        """The target as a signed change, e.g. −10 for a decrease of 10 % (or 10 points);
        for a level, the level."""
        if self.direction == self.Direction.DECREASE:
            return -self.target_percent
        return self.target_percent
