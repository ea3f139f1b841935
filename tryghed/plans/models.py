import re
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of
from tryghed.core.translated import Translated


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.visible_district_ids)

    def editable_by(self, user):
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.secretariat_district_ids)

    def published(self):
        return self.filter(status=CooperationPlan.Status.PUBLISHED)


class CooperationPlan(Translated, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    district = models.ForeignKey(
        "organisation.PoliceDistrict",
        models.PROTECT,
        related_name="plans",
        verbose_name=_("district"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    foreword = models.TextField(_("foreword"), blank=True)
    foreword_en = models.TextField(_("foreword (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["district", "-year"]
        verbose_name = _("cooperation plan")
        verbose_name_plural = _("cooperation plans")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="one_plan_per_year"),
        ]

    def __str__(self):
        return self.heading_for(self.title)

    def get_absolute_url(self):
        return reverse("staff:plans:plan", args=[self.pk])

    def get_public_url(self):
        return reverse("portal:plan", args=[self.year])

    def heading_for(self, title):
        """`title` with the plan's year, unless the title already says it
        ("Samarbejdsplan 2023" stays as it is, "Samarbejdsplan" becomes "Samarbejdsplan 2023")."""
        if re.search(rf"(?<!\d){self.year}(?!\d)", title):
            return title
        return f"{title} {self.year}"

    @property
    def heading(self):
        """The plan's title with its year, in the active language, as headings show it."""
        return self.heading_for(self.tr("title"))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def progress(self):
        """The whole plan's progress: the weighted mean of its top-level initiatives."""
        return weighted_progress(self.initiatives.filter(parent__isnull=True))


class FocusArea(Translated, models.Model):
    plan = models.ForeignKey(
        CooperationPlan, models.CASCADE, related_name="focus_areas", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    slug = models.SlugField(max_length=80)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="uniq_focus_area_slug"),
        ]

    def __str__(self):
        return self.title

    def progress(self):
        return weighted_progress(self.initiatives.filter(parent__isnull=True))


class InitiativeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(plan__in=CooperationPlan.objects.visible_to(user))

    def editable_by(self, user):
        """The secretariat edits the whole plan; local officers and municipal staff edit the
        initiatives that concern their own municipality."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(plan__district__in=scope.secretariat_district_ids)
            | Q(municipalities__in=scope.editable_municipality_ids)
        ).distinct()

    def roots(self):
        return self.filter(parent__isnull=True)


class Initiative(Translated, models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(
        CooperationPlan, models.CASCADE, related_name="initiatives", verbose_name=_("plan")
    )
    focus_area = models.ForeignKey(
        FocusArea, models.CASCADE, related_name="initiatives", verbose_name=_("focus area")
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    external_id = models.CharField(
        _("external id"),
        max_length=64,
        help_text=_("A stable key for CSV import and export, e.g. MVSJ-2023-INDBRUD-01."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How much this initiative counts in its parent's progress."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    responsible_organisations = models.ManyToManyField(
        "organisation.Organisation",
        blank=True,
        related_name="initiatives",
        verbose_name=_("responsible organisations"),
    )
    municipalities = models.ManyToManyField(
        "organisation.Municipality",
        blank=True,
        related_name="initiatives",
        verbose_name=_("municipalities concerned"),
    )
    councils = models.ManyToManyField(
        "organisation.Council",
        blank=True,
        related_name="initiatives",
        verbose_name=_("councils concerned"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    continues_next_year = models.BooleanField(
        _("continues next year"),
        default=True,
        help_text=_("Copied into next year's plan when it is started."),
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "focus_area__order", "order", "pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "external_id"], name="uniq_initiative_external_id"
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="initiative_progress_0_100",
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="initiative_weight_positive"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="initiative_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("staff:plans:initiative", args=[self.pk])

    def ancestors(self):
        node, chain = self.parent, []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def has_children(self):
        return self.children.exists()

    def rolled_up_progress(self):
        """A parent's progress is its children's, weighted (as Decidim's accountability does);
        a leaf keeps its own."""
        children = list(self.children.all())
        if not children:
            return self.progress
        return weighted_progress(children)


def weighted_progress(initiatives):
    """Weighted mean of progress; equal weights when every weight is zero."""
    items = [(i.weight, i.progress) for i in initiatives]
    if not items:
        return Decimal("0")
    total = sum(w for w, _ in items)
    if total == 0:
        value = sum(p for _, p in items) / len(items)
    else:
        value = sum(w * p for w, p in items) / total
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Milestone(Translated, models.Model):
    initiative = models.ForeignKey(
        Initiative, models.CASCADE, related_name="milestones", verbose_name=_("initiative")
    )
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["initiative", "due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.completed_on is not None


class ProgressUpdate(Translated, models.Model):
    """One dated entry of an initiative's timeline."""

    initiative = models.ForeignKey(
        Initiative, models.CASCADE, related_name="updates", verbose_name=_("initiative")
    )
    date = models.DateField(_("date"))
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    status = models.CharField(_("status"), max_length=20, choices=Initiative.Status.choices)
    text = models.TextField(_("what happened"), blank=True)
    text_en = models.TextField(_("what happened (English)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self):
        return f"{self.initiative} {self.date}: {self.progress}%"

    # A timeline entry dates from when the cooperation plans are kept, never from before.
    FIRST_YEAR = 2000

    @classmethod
    def date_problem(cls, day):
        """Why the local date `day` cannot date an entry (it is still to come, or from
        before FIRST_YEAR), or None."""
        if day > timezone.localdate():
            return _("The date cannot be in the future.")
        if day.year < cls.FIRST_YEAR:
            return _("Give a date from %(year)s on.") % {"year": cls.FIRST_YEAR}
        return None
