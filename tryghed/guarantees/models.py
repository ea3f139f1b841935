"""The police guarantees (politigarantier) and the plan's safety follow-up as deadline rules,
and the deadlines they put on cases.

A `Guarantee` is the promise; its `GuaranteeVersion`s are the rules in force from a moment
on. A case gets a `Deadline` from the version in force when its clock started, with the due
time computed and stored then, so that a later version never changes a case already running
or decided.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of
from tryghed.core.translated import Translated
from tryghed.guarantees.clock import CALENDAR, DANISH_TIME, ServiceHours


class StopEvent(models.TextChoices):
    ON_SITE = "on_site", _("Police on site")
    CITIZEN_CONTACTED = "citizen_contacted", _("Citizen contacted")
    ANSWER_SENT = "answer_sent", _("Answer sent")


class StartEvent(models.TextChoices):
    RECEIVED = "received", _("Report received")


class Clock(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time")
    SERVICE_HOURS = "service_hours", _("Service hours")


class PauseReason(models.TextChoices):
    CITIZEN_ASKED_LATER = "citizen_asked_later", _("The citizen asked for a later time")
    AWAITING_CITIZEN = "awaiting_citizen", _("Waiting for the citizen")


class Guarantee(Translated, models.Model):
    """A promise to citizens, such as "police on site within 24 hours after a burglary"."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # The local officer of the municipality gets a follow-up task for each case.
    is_follow_up = models.BooleanField(_("safety follow-up"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("police guarantee")
        verbose_name_plural = _("police guarantees")

    def __str__(self):
        return self.tr("name")


class GuaranteeVersion(models.Model):
    """One version of a guarantee's rule, in force from `effective_from` until the next.

    Versions are never changed once saved (the admin shows them read-only): a new rule is a
    new version, and cases keep the version their clock started under.
    """

    guarantee = models.ForeignKey(
        Guarantee, models.CASCADE, related_name="versions", verbose_name=_("guarantee")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    effective_from = models.DateTimeField(_("in force from"))
    service_codes = models.JSONField(
        _("citizen services"),
        default=list,
        blank=True,
        help_text=_("Codes of the citizen services it covers, e.g. tip-narkotika."),
    )
    incident_categories = models.JSONField(
        _("incident categories"),
        default=list,
        blank=True,
        help_text=_("Category codes of the incidents it covers, e.g. burglary_home."),
    )
    conditions = models.JSONField(
        _("conditions"),
        default=dict,
        blank=True,
        help_text=_(
            "Answers a citizen request must have, by question code, e.g. "
            '{"naer-skole": ["ja"]} for "at or near a school".'
        ),
    )
    start_event = models.CharField(
        _("clock starts"), max_length=30, choices=StartEvent.choices, default=StartEvent.RECEIVED
    )
    stop_event = models.CharField(_("clock stops"), max_length=30, choices=StopEvent.choices)
    target_minutes = models.PositiveIntegerField(_("target in minutes"))
    clock = models.CharField(
        _("counted in"), max_length=20, choices=Clock.choices, default=Clock.CALENDAR
    )
    service_start = models.TimeField(_("service hours from"), null=True, blank=True)
    service_end = models.TimeField(_("service hours until"), null=True, blank=True)
    service_weekdays = models.JSONField(
        _("service days"), default=list, blank=True, help_text=_("0 is Monday, 6 is Sunday.")
    )
    pause_reasons = models.JSONField(_("may pause for"), default=list, blank=True)
    warn_before_minutes = models.PositiveIntegerField(
        _("warn this many minutes before the deadline"), default=0
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["guarantee", "-effective_from", "-number"]
        verbose_name = _("guarantee rule version")
        verbose_name_plural = _("guarantee rule versions")
        constraints = [
            models.UniqueConstraint(fields=["guarantee", "number"], name="uniq_guarantee_version"),
            models.CheckConstraint(condition=Q(target_minutes__gt=0), name="guarantee_target_set"),
            models.CheckConstraint(
                condition=Q(clock="calendar")
                | Q(service_start__isnull=False, service_end__isnull=False),
                name="guarantee_service_hours_set",
            ),
        ]

    def __str__(self):
        return f"{self.guarantee} v{self.number}"

    def counter(self):
        """The clock the rule counts in (clock.CALENDAR or a ServiceHours)."""
        if self.clock == Clock.SERVICE_HOURS:
            return ServiceHours(
                start=self.service_start,
                end=self.service_end,
                weekdays=self.service_weekdays or (0, 1, 2, 3, 4),
            )
        return CALENDAR

    def covers_request(self, service_code, details):
        if service_code not in self.service_codes:
            return False
        details = details or {}
        for question, allowed in (self.conditions or {}).items():
            answer = details.get(question)
            answers = answer if isinstance(answer, list) else [answer]
            if not any(a in allowed for a in answers):
                return False
        return True

    def covers_incident(self, category):
        return category in self.incident_categories


def month_of(moment):
    """The first day of the Danish month a moment falls in."""
    return moment.astimezone(DANISH_TIME).date().replace(day=1)


def _case_scope(on_delete):
    """The municipality and district a case (or its count) belongs to, what ScopedQuerySet
    filters on."""
    return (
        models.ForeignKey(
            "organisation.Municipality",
            on_delete,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=_("municipality"),
        ),
        models.ForeignKey(
            "organisation.PoliceDistrict",
            on_delete,
            null=True,
            blank=True,
            related_name="+",
            verbose_name=_("district"),
        ),
    )


class ScopedQuerySet(models.QuerySet):
    """For rows that carry their case's district and municipality."""

    def visible_to(self, user):
        """District staff see their district's rows, local officers and municipal staff
        their municipality's. Council members read only the compliance figures."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(district__in=scope.district_ids) | Q(municipality__in=scope.municipality_ids)
        )

    def workable_by(self, user):
        """The deadlines whose stop event the user may record: the police's work, done by
        the local officers of the municipality and the district secretariat."""
        from tryghed.servicedesk.models import desk_roles

        scope = scope_of(user)
        if scope.is_global:
            return self
        police, _municipal = desk_roles(user)
        return self.filter(
            Q(district__in=scope.secretariat_district_ids) | Q(municipality__in=police)
        )


class DeadlineQuerySet(ScopedQuerySet):
    def running(self):
        return self.filter(outcome=Deadline.Outcome.OPEN)

    def to_warn(self, now):
        """Running, not paused, past their warning time, before their due time, unwarned."""
        return self.running().filter(
            paused_at__isnull=True, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
        )

    def overdue_unreported(self, now):
        """Running, not paused, past their due time, and nobody told yet."""
        return self.running().filter(
            paused_at__isnull=True, missed_at__isnull=True, due_at__lte=now
        )

    def counted(self):
        """The deadlines compliance counts: not those of spam or duplicates."""
        return self.exclude(outcome=Deadline.Outcome.VOID)


class Deadline(models.Model):
    """One guarantee's deadline on one case: a citizen request or an incident."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Running")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        # The case was spam or a duplicate: the promise never applied.
        VOID = "void", _("Does not count")

    version = models.ForeignKey(
        GuaranteeVersion, models.PROTECT, related_name="deadlines", verbose_name=_("rule version")
    )
    # The version's guarantee, kept here because compliance groups by the promise.
    guarantee = models.ForeignKey(
        Guarantee, models.PROTECT, related_name="deadlines", verbose_name=_("guarantee")
    )
    service_request = models.ForeignKey(
        "servicedesk.ServiceRequest",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="guarantee_deadlines",
        verbose_name=_("citizen request"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="guarantee_deadlines",
        verbose_name=_("incident"),
    )
    municipality, district = _case_scope(models.PROTECT)
    month = models.DateField(_("month"))
    target_minutes = models.PositiveIntegerField(_("target in minutes"))
    started_at = models.DateTimeField(_("clock started"))
    due_at = models.DateTimeField(_("due"))
    warn_at = models.DateTimeField(_("warn from"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(
        _("paused because"), max_length=30, choices=PauseReason.choices, blank=True
    )
    paused_minutes = models.FloatField(_("minutes paused"), default=0)
    # The end of the last pause: a stop recorded before it would take off time paused after.
    resumed_at = models.DateTimeField(_("last resumed"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("clock stopped"), null=True, blank=True)
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    response_minutes = models.FloatField(_("response time in minutes"), null=True, blank=True)
    margin_minutes = models.FloatField(_("margin in minutes"), null=True, blank=True)
    # Claimed by compare-and-set: whoever sets them sends the notification.
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)
    missed_at = models.DateTimeField(_("reported missed"), null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(service_request__isnull=False, incident__isnull=True)
                | Q(service_request__isnull=True, incident__isnull=False),
                name="deadline_on_one_case",
            ),
            models.UniqueConstraint(
                fields=["service_request", "guarantee"],
                condition=Q(service_request__isnull=False),
                name="uniq_deadline_request_guarantee",
            ),
            models.UniqueConstraint(
                fields=["incident", "guarantee"],
                condition=Q(incident__isnull=False),
                name="uniq_deadline_incident_guarantee",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["met", "missed"], stopped_at__isnull=False)
                | Q(outcome__in=["open", "void"], stopped_at__isnull=True),
                name="deadline_stopped_when_decided",
            ),
            models.CheckConstraint(
                # Compliance reads the decided cases as those with a response time.
                condition=Q(outcome__in=["met", "missed"], response_minutes__isnull=False)
                | Q(outcome__in=["open", "void"], response_minutes__isnull=True),
                name="deadline_response_when_decided",
            ),
        ]
        indexes = [
            models.Index(
                fields=["warn_at"],
                condition=Q(outcome="open", warned_at__isnull=True),
                name="deadline_to_warn",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(outcome="open", missed_at__isnull=True),
                name="deadline_to_report",
            ),
            models.Index(
                # The running cases not yet due (compliance counts them open): those of the
                # last target's length, however many cases the years before left running.
                fields=["due_at", "month", "guarantee", "municipality", "district"],
                condition=Q(outcome="open"),
                name="deadline_running_due",
            ),
            models.Index(
                # The paused ones, which count as open whatever their due time.
                fields=["month", "guarantee", "municipality", "district", "due_at"],
                condition=Q(outcome="open", paused_at__isnull=False),
                name="deadline_running_paused",
            ),
            models.Index(
                # The response times of the decided cases in order within each group, for
                # reading the values at a rank. The condition has no value in it, so that
                # SQLite matches it when the query's values are bound parameters.
                fields=["month", "guarantee", "municipality", "response_minutes", "district"],
                condition=Q(response_minutes__isnull=False),
                name="deadline_response_times",
            ),
        ]

    def __str__(self):
        return f"{self.guarantee}: {self.case_label}"

    # The outcome as last read from or written to the database: the compliance counts move
    # from it to the new one when the deadline is written (counts.save).
    saved_outcome = None

    @classmethod
    def from_db(cls, db, field_names, values):
        deadline = super().from_db(db, field_names, values)
        if "outcome" in field_names:
            deadline.saved_outcome = deadline.outcome
        return deadline

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "outcome" in fields:
            self.saved_outcome = self.outcome

    @property
    def case_label(self):
        if self.service_request_id:
            return str(self.service_request)
        return str(self.incident)

    @property
    def is_running(self):
        return self.outcome == self.Outcome.OPEN

    def overdue(self, now=None):
        return self.is_running and self.paused_at is None and self.due_at <= (now or timezone.now())

    def minutes_left(self, now=None):
        """Minutes until due on the rule's clock (negative when overdue)."""
        now = now or timezone.now()
        counter = self.version.counter()
        if self.due_at >= now:
            return counter.between(now, self.due_at)
        return -counter.between(self.due_at, now)


class ComplianceCount(models.Model):
    """The decided and running deadlines of one guarantee × district × municipality × month,
    kept by `counts.save` in the transaction of every deadline write, so that the
    compliance page never recounts a year of cases. Void deadlines are not counted."""

    # guarantee:district:municipality:month, the groups' one unique key whatever is empty.
    key = models.CharField(_("key"), max_length=60, unique=True)
    guarantee = models.ForeignKey(
        Guarantee, models.CASCADE, related_name="+", verbose_name=_("guarantee")
    )
    municipality, district = _case_scope(models.CASCADE)
    month = models.DateField(_("month"))
    met = models.IntegerField(_("met"), default=0)
    missed = models.IntegerField(_("missed"), default=0)
    running = models.IntegerField(_("running"), default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["month", "guarantee", "pk"]
        verbose_name = _("compliance count")
        verbose_name_plural = _("compliance counts")
        constraints = [
            models.CheckConstraint(
                condition=Q(met__gte=0, missed__gte=0, running__gte=0),
                name="compliance_count_not_negative",
            )
        ]
        indexes = [models.Index(fields=["month", "guarantee"], name="compliance_count_month")]

    def __str__(self):
        return self.key


def deadline_window(version, started_at):
    """(due, warn from) for a case whose clock starts at `started_at` under `version`."""
    counter = version.counter()
    due = counter.add(started_at, version.target_minutes)
    warn = None
    if version.warn_before_minutes:
        warn = counter.add(started_at, max(0, version.target_minutes - version.warn_before_minutes))
    return due, warn


class Notification(models.Model):
    """A warning that a deadline approaches, or that it was missed: e-mailed to the team and
    kept here for the in-app list. One of each kind per deadline, at most."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Deadline approaching")
        MISSED = "missed", _("Deadline missed")

    deadline = models.ForeignKey(
        Deadline, models.CASCADE, related_name="notifications", verbose_name=_("deadline")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    municipality, district = _case_scope(models.CASCADE)
    emailed_to = models.TextField(_("e-mailed to"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind"], name="uniq_notification")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.deadline}"


class Advice(models.TextChoices):
    BURGLARY_PROTECTION = "burglary_protection", _("Burglary protection")
    NEIGHBOURHOOD_WATCH = "neighbourhood_watch", _("Neighbourhood watch")
    TIP_POLICE = "tip_police", _("Tipping the police")


class SafetyFollowUp(models.Model):
    """The local officer's call to a citizen after a burglary in their home
    (tryghedsopfølgning); its deadline is the follow-up guarantee's."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")

    incident = models.OneToOneField(
        "incidents.Incident",
        models.CASCADE,
        related_name="safety_follow_up",
        verbose_name=_("incident"),
    )
    deadline = models.OneToOneField(
        Deadline, models.CASCADE, related_name="follow_up", verbose_name=_("deadline")
    )
    municipality, district = _case_scope(models.PROTECT)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("local officer"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    attempts = models.PositiveSmallIntegerField(_("calls made"), default=0)
    reached = models.BooleanField(_("citizen reached"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted"), null=True, blank=True)
    advice = models.JSONField(_("advice given"), default=list, blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["deadline__due_at", "pk"]
        verbose_name = _("safety follow-up")
        verbose_name_plural = _("safety follow-ups")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(reached=True, contacted_at__isnull=False),
                name="follow_up_done_when_reached",
            )
        ]

    def __str__(self):
        return f"{self.incident}"

    def advice_labels(self):
        return [Advice(code).label for code in self.advice if code in Advice.values]
