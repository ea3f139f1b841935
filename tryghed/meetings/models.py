import secrets

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.meetings import access


def _scoped(queryset, condition):
    return queryset if condition is None else queryset.filter(condition)


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = access.council_filter(user)
        if condition is None:
            return self
        if user.is_authenticated:
            # A guest who has an account reads the meeting they were invited to.
            condition |= Q(pk__in=Participant.objects.filter(person__user=user).values("meeting"))
        return self.filter(condition)

    def editable_by(self, user):
        return _scoped(self, access.running_filter(user))

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).exclude(
            status=Meeting.Status.CANCELLED
        )


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CANCELLED = "cancelled", _("Cancelled")

    council = models.ForeignKey(
        "organisation.Council", models.CASCADE, related_name="meetings", verbose_name=_("council")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    # Approved minutes are locked: a later change is an amendment with a new version.
    minutes_approved_at = models.DateTimeField(_("minutes approved"), null=True, blank=True)
    minutes_version = models.PositiveIntegerField(_("minutes version"), default=0)
    # Claims of the sweeps (sweeps.py): set once, by compare-and-set, before the e-mail.
    minutes_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Sent with an iCalendar event, so that calendars take a moved meeting as the same one.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["council", "starts_at"])]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.starts_at):%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("staff:meetings:meeting", args=[self.pk])

    @property
    def district_id(self):
        return self.council.district_id

    @property
    def minutes_locked(self):
        return self.minutes_approved_at is not None

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def next_meeting(self):
        return (
            Meeting.objects.filter(council_id=self.council_id, starts_at__gt=self.starts_at)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at", "pk")
            .first()
        )


class Participant(models.Model):
    class Attendance(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="participants", verbose_name=_("meeting")
    )
    # A member of the council, or a guest who is only a name and an e-mail address.
    person = models.ForeignKey(
        "organisation.Person",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_invitations",
        verbose_name=_("person"),
    )
    guest_name = models.CharField(_("guest's name"), max_length=200, blank=True)
    guest_email = models.EmailField(_("guest's e-mail"), blank=True)
    is_guest = models.BooleanField(_("guest"), default=False)
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.INVITED
    )
    # When the invitation e-mail went out (the sweep sends it), and the reminder.
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["meeting", "is_guest", "person__name", "guest_name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="uniq_meeting_participant"),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(guest_name=""),
                name="participant_is_someone",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.person.name if self.person_id else self.guest_name

    @property
    def email(self):
        return self.person.email if self.person_id else self.guest_email

    @property
    def council(self):
        return self.meeting.council


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("under item"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # An agenda's items are numbered far below this; an item added at the end takes the
    # next number, which must still fit the column.
    MAX_ORDER = 999
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    focus_area = models.ForeignKey(
        "plans.FocusArea",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("focus area"),
    )
    initiative = models.ForeignKey(
        "plans.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("initiative"),
    )
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title

    @property
    def council(self):
        return self.meeting.council


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        papers = self.filter(meeting__in=Meeting.objects.visible_to(user))
        condition = access.internal_filter(user, prefix="meeting__council__")
        if condition is None:
            return papers
        return papers.filter(Q(internal=False) | condition)


class Document(models.Model):
    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="documents", verbose_name=_("meeting")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"),
        upload_to="meetings/%Y/%m/",
        validators=[FileExtensionValidator(["pdf"])],
    )
    size = models.PositiveIntegerField(_("size (bytes)"))
    internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Only the council's members can read an internal paper."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "title", "pk"]
        verbose_name = _("meeting paper")
        verbose_name_plural = _("meeting papers")

    def __str__(self):
        return self.title

    @property
    def council(self):
        return self.meeting.council


class Decision(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", _("Decision")
        CREATE_INITIATIVE = "create_initiative", _("Create an initiative")
        UPDATE_INITIATIVE = "update_initiative", _("Update an initiative")
        ACTION = "action", _("Action with owner and due date")

    agenda_item = models.ForeignKey(
        AgendaItem, models.CASCADE, related_name="decisions", verbose_name=_("agenda item")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("decision"))
    initiative = models.ForeignKey(
        "plans.Initiative",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("initiative"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["agenda_item", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]

    @property
    def council(self):
        return self.agenda_item.meeting.council


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        return _scoped(self, access.council_filter(user))

    def open(self):
        return self.filter(done_at__isnull=True)


class FollowUp(models.Model):
    """An action that a decision gave someone: on the council's page, and on the agenda of its
    next meeting, until it is done."""

    council = models.ForeignKey(
        "organisation.Council", models.CASCADE, related_name="follow_ups", verbose_name=_("council")
    )
    decision = models.OneToOneField(
        Decision, models.CASCADE, related_name="follow_up", verbose_name=_("decision")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "organisation.Person",
        models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("how it was done"), blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.done_at is not None

    @property
    def meeting(self):
        return self.decision.agenda_item.meeting


class MinutesVersion(models.Model):
    """The minutes as they read when approved, and after each later amendment."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="minutes_versions", verbose_name=_("meeting")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("minutes"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["meeting", "-number"]
        verbose_name = _("minutes version")
        verbose_name_plural = _("minutes versions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="uniq_minutes_version"),
        ]

    def __str__(self):
        return f"{self.meeting} v{self.number}"

    @property
    def council(self):
        return self.meeting.council


def new_secret():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private iCalendar feed, read by a calendar program through its secret address."""

    council = models.ForeignKey(
        "organisation.Council",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("council"),
    )
    person = models.ForeignKey(
        "organisation.Person",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("person"),
    )
    secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(council__isnull=True, person__isnull=False)
                | Q(council__isnull=False, person__isnull=True),
                name="feed_for_council_or_person",
            ),
            models.UniqueConstraint(fields=["council"], name="one_feed_per_council"),
            models.UniqueConstraint(fields=["person"], name="one_feed_per_person"),
        ]

    def __str__(self):
        return str(self.council or self.person)

    def get_absolute_url(self):
        return reverse("staff:meetings:feed", args=[self.secret])

    def is_own(self, user):
        """Whether `user` is the member whose calendar this is."""
        return self.person_id is not None and user.pk is not None and self.person.user_id == user.pk

    def run_by_viewers(self, meetings):
        """`meetings` less those that someone other than the member, who has been shown this
        address, does not run: whoever has seen it can read it, so it lists no more than they
        may see anyway. The member's calendar program keeps those meetings, and a new address
        from the member's own page lists all of theirs again."""
        for viewer in self.viewers.select_related("user"):
            if viewer.user is None or not viewer.user.is_active:
                # A closed account runs nothing; whoever used it still knows the address.
                return meetings.none()
            meetings = meetings.editable_by(viewer.user)
        return meetings


class CalendarFeedViewer(models.Model):
    """Someone other than the member who has been shown a person's calendar address (the
    secretary who made it, or one who saw it among the council's members). A new address
    starts without any."""

    feed = models.ForeignKey(CalendarFeed, models.CASCADE, related_name="viewers")
    # A deleted account keeps its row: the address is still known to whoever had it.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    shown_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar address viewer")
        verbose_name_plural = _("calendar address viewers")
        constraints = [
            models.UniqueConstraint(fields=["feed", "user"], name="uniq_calendar_feed_viewer"),
        ]

    def __str__(self):
        return f"{self.feed}: {self.user}"
