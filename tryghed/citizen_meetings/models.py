"""Citizen meetings and talks: public meetings, crime-prevention talks and "Bestil en
betjent" talks, and the citizens who register for them.

A registration is confirmed while there are seats, otherwise it waits; when a confirmed
registration is cancelled, the first in the queue moves up (actions.py does both under a lock
of the meeting's row).
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tryghed.accounts.scope import scope_of
from tryghed.core.translated import Translated


class CitizenMeetingQuerySet(models.QuerySet):
    def public(self):
        """What citizens see: the public events, also those that were called off."""
        return self.filter(is_public=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def annotate_seats(self):
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting_count=Count("registrations", filter=Q(registrations__status="waiting")),
        )

    def visible_to(self, user):
        """Staff of the district see its events, the local police and municipal staff those
        of their municipality, an organiser their own; with them the attendee lists."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        if not scope.is_staff_member:
            # An organiser whose roles have all ended no longer reads the citizens' names,
            # addresses and phone numbers: an account without an active role sees nothing.
            return self.none()
        return self.filter(
            Q(district__in=scope.district_ids)
            | Q(municipality__in=scope.municipality_ids)
            | Q(organiser=user)
        )

    def editable_by(self, user):
        """The district secretariat, the local police and municipal staff of the
        municipality, and the organiser change an event; district staff only read."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        if not scope.is_staff_member:
            # As in visible_to: without an active role, not even the organiser.
            return self.none()
        return self.filter(
            Q(district__in=scope.secretariat_district_ids)
            | Q(municipality__in=scope.editable_municipality_ids)
            | Q(organiser=user)
        )


class CitizenMeeting(Translated, models.Model):
    class Kind(models.TextChoices):
        CITIZEN_MEETING = "citizen_meeting", _("Citizen meeting")
        PREVENTION_TALK = "prevention_talk", _("Crime-prevention talk")
        OFFICER_TALK = "officer_talk", _("“Order a police officer” talk")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    district = models.ForeignKey(
        "organisation.PoliceDistrict",
        models.PROTECT,
        related_name="citizen_meetings",
        verbose_name=_("district"),
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.PROTECT,
        related_name="citizen_meetings",
        verbose_name=_("municipality"),
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, help_text=_("E.g. Køge Bibliotek"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        validators=[MinValueValidator(1)],
        help_text=_("When the seats are taken, citizens join the waiting list."),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("Shown in the public calendar, where citizens register."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_citizen_meetings",
        verbose_name=_("organiser"),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # The "Bestil en betjent" request the talk carries out, when it came from one.
    source_request = models.OneToOneField(
        "servicedesk.ServiceRequest",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_meeting",
        verbose_name=_("from the request"),
    )
    # Raised on every change, so that calendars that imported the event replace it.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CitizenMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("citizen meeting")
        verbose_name_plural = _("citizen meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="citizen_meeting_ends_after_start",
                violation_error_message=_("The event must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="citizen_meeting_has_seats",
                violation_error_message=_("An event has at least one seat."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("citizen_meetings:meeting", args=[self.pk])

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def seats_left(self):
        """Free seats, on a meeting fetched with annotate_seats()."""
        return max(0, self.capacity - self.confirmed_count)

    def registration_open(self, now=None):
        return self.is_public and not self.is_cancelled and (now or timezone.now()) < self.starts_at


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING)

    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def in_queue_order(self):
        return self.order_by("created_at", "pk")


def new_nonce():
    return secrets.token_hex(16)


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")

    meeting = models.ForeignKey(
        CitizenMeeting, models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The cancellation link is a keyed hash of this (see token()): it can be sent again when
    # the citizen moves up, and a copy of the database alone does not give the links away.
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    language = models.CharField(max_length=10, default="da", editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    promoted_at = models.DateTimeField(_("moved up"), null=True, blank=True)
    # Set when the reminder the day before is claimed by a sweeper (sweeps.py).
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    cancelled_at = models.DateTimeField(
        pgettext_lazy("registration", "cancelled"), null=True, blank=True
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One place per address and meeting; sending the form twice adds nobody.
            models.UniqueConstraint(
                "meeting",
                models.functions.Lower("email"),
                condition=~Q(status="cancelled"),
                name="one_registration_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.meeting}"

    @property
    def district_id(self):
        # The audit log files an entry under the district it reads from here.
        return self.meeting.district_id

    def token(self):
        return salted_hmac(
            "tryghed.citizen_meetings.cancel", f"{self.pk}:{self.nonce}"
        ).hexdigest()[:32]

    def check_token(self, token):
        return constant_time_compare(self.token(), token)

    def cancel_url(self):
        return reverse("citizen_meetings:cancel", args=[self.pk, self.token()])
