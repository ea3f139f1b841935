"""Citizen requests: tips, nuisance reports and "Bestil en betjent", and the queues that work them.

A request is routed by its place and its service to one or more queues (the local police of
the municipality, and for some services the municipality's own queue); each queue keeps its
own status of the request in a `Handling`.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.models import RoleAssignment, User
from tryghed.accounts.scope import scope_of
from tryghed.core.translated import Translated
from tryghed.servicedesk import replies


class Kind(models.TextChoices):
    TIP = "tip", _("Tip to the police")
    NUISANCE = "nuisance", _("Nuisance report")
    OFFICER_REQUEST = "officer_request", _("Order a police officer")


REFERENCE_PREFIX = {Kind.TIP: "TIP", Kind.NUISANCE: "GENE", Kind.OFFICER_REQUEST: "BETJENT"}


class Service(Translated, models.Model):
    """What a citizen can submit, and who receives it: configuration, not code."""

    code = models.SlugField(_("service code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    to_police = models.BooleanField(_("the local police receive it"), default=True)
    to_municipality = models.BooleanField(
        _("the municipality receives it"),
        default=False,
        help_text=_("For matters in places the municipality runs, such as parks and beaches."),
    )
    incident_category = models.CharField(
        _("incident category"),
        max_length=40,
        blank=True,
        help_text=_("The stable category code, e.g. drug_sale_school or youth_nuisance."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "order", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=Q(to_police=True) | Q(to_municipality=True),
                name="service_has_a_receiver",
            )
        ]

    def __str__(self):
        return self.name


class ServiceAttribute(Translated, models.Model):
    """An extra question of a service (Open311 service definition attributes)."""

    class Datatype(models.TextChoices):
        STRING = "string", "string"
        NUMBER = "number", "number"
        DATETIME = "datetime", "datetime"
        TEXT = "text", "text"
        SINGLEVALUELIST = "singlevaluelist", "singlevaluelist"
        MULTIVALUELIST = "multivaluelist", "multivaluelist"

    service = models.ForeignKey(
        Service, models.CASCADE, related_name="attributes", verbose_name=_("service")
    )
    code = models.SlugField(_("code"), max_length=60)
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices)
    required = models.BooleanField(_("required"), default=False)
    description = models.CharField(_("question"), max_length=300)
    description_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    # [{"key": "...", "name": "...", "name_en": "..."}] for the list types.
    values = models.JSONField(_("values"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["service", "order", "pk"]
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="uniq_service_attribute")
        ]

    def __str__(self):
        return f"{self.service.code}.{self.code}"


def desk_roles(user):
    """The municipalities where the user is a local officer, and where they are municipal
    staff: the scope does not tell the two apart, and the desk must. Cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset(), frozenset()
    cached = user.__dict__.get("_tryghed_desk_roles")
    if cached is not None:
        return cached
    police, municipal = set(), set()
    for role, municipality_id in (
        RoleAssignment.objects.active()
        .filter(user=user, role__in=RoleAssignment.MUNICIPAL_ROLES)
        .values_list("role", "municipality_id")
    ):
        (police if role == RoleAssignment.Role.LOCAL_OFFICER else municipal).add(municipality_id)
    roles = (frozenset(police), frozenset(municipal))
    user.__dict__["_tryghed_desk_roles"] = roles
    return roles


class QueueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The district sees every queue of its district; a local officer the police's and
        the municipality's queue of their municipality; municipal staff only the
        municipality's own: what citizens tell the police (tips above all) is police
        information, shared with the municipality only where a request reached its queue."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        police, municipal = desk_roles(user)
        return self.filter(
            Q(municipality__district__in=scope.district_ids)
            | Q(municipality__in=police)
            | Q(owner=Queue.Owner.MUNICIPALITY, municipality__in=municipal)
        )

    def workable_by(self, user):
        """The queues whose handlings the user may change.

        Local officers work the police queue of their municipality, municipal staff the
        municipality's own queue, the district secretariat every queue of its district.
        District staff and the other queue's people read the requests but do not act on them.
        `Queue.workers()` is the same rule seen from the queue.
        """
        scope = scope_of(user)
        if scope.is_global:
            return self
        police, municipal = desk_roles(user)
        return self.filter(
            Q(municipality__district__in=scope.secretariat_district_ids)
            | Q(owner=Queue.Owner.POLICE, municipality__in=police)
            | Q(owner=Queue.Owner.MUNICIPALITY, municipality__in=municipal)
        )

    def with_counts(self, user):
        open_ = Q(
            handlings__status__in=[s for s in Handling.Status.values if s != Handling.Status.CLOSED]
        )
        return self.annotate(
            open_count=Count("handlings", filter=open_),
            mine_count=Count("handlings", filter=open_ & Q(handlings__assignee=user.pk)),
            new_count=Count("handlings", filter=Q(handlings__status=Handling.Status.NEW)),
            urgent_count=Count(
                "handlings", filter=open_ & Q(handlings__priority=Handling.Priority.URGENT)
            ),
        )


class Queue(models.Model):
    """A team's work list: the local police of a municipality, or the municipality itself."""

    class Owner(models.TextChoices):
        POLICE = "police", _("Local police")
        MUNICIPALITY = "municipality", _("Municipality")

    owner = models.CharField(_("owner"), max_length=20, choices=Owner.choices)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.CASCADE,
        related_name="queues",
        verbose_name=_("municipality"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("team e-mail"), blank=True)

    objects = QueueQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "owner"]
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        constraints = [models.UniqueConstraint(fields=["owner", "municipality"], name="uniq_queue")]

    def __str__(self):
        return self.name

    def workers(self):
        """The people a handling in this queue can be assigned to: those who may work it
        (see QueueQuerySet.workable_by)."""
        Role = RoleAssignment.Role
        roles = RoleAssignment.objects.active()
        own_role = Role.LOCAL_OFFICER if self.owner == self.Owner.POLICE else Role.MUNICIPAL_STAFF
        return (
            User.objects.filter(is_active=True)
            .filter(
                Q(roles__in=roles.filter(role=own_role, municipality=self.municipality_id))
                | Q(
                    roles__in=roles.filter(
                        role=Role.DISTRICT_SECRETARIAT,
                        district__municipalities=self.municipality_id,
                    )
                )
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )

    def contact_visible_to(self, user):
        """Who reported a request is police information: the reporter's contact details are
        shown to the police side of a police queue (the local officers of its municipality,
        and the district's own staff), never to municipal staff."""
        if self.owner != self.Owner.POLICE:
            return False
        if scope_of(user).is_global:
            return True
        return self.municipality_id in _police_side_municipality_ids(user)


def _police_side_municipality_ids(user):
    """The municipalities where the user works for the police: as local officer, or as
    district staff or secretariat of the municipality's district. Cached on the user."""
    cached = user.__dict__.get("_tryghed_police_side")
    if cached is not None:
        return cached
    from tryghed.organisation.models import Municipality

    police, _municipal = desk_roles(user)
    district_ids = scope_of(user).district_ids
    in_district = (
        Municipality.objects.filter(district__in=district_ids).values_list("pk", flat=True)
        if district_ids
        else []
    )
    ids = police | frozenset(in_district)
    user.__dict__["_tryghed_police_side"] = ids
    return ids


def new_token():
    return secrets.token_urlsafe(24)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ServiceRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the requests that reached one of the queues they see; the district sees
        all of its district's."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(
            Q(district__in=scope.district_ids)
            | Q(handlings__queue__in=Queue.objects.visible_to(user))
        ).distinct()


class ServiceRequest(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        OPEN311 = "open311", _("Open311 client")

    # Made from the primary key and written with the row (actions.submit_request); NULL, for
    # a row stored another way, keeps it unique.
    reference = models.CharField(  # noqa: DJ001
        _("reference"), max_length=30, unique=True, null=True
    )
    # Only a hash is kept: the status link works for whoever holds it, and a copy of the
    # database does not hand out the links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    service = models.ForeignKey(
        Service, models.PROTECT, related_name="requests", verbose_name=_("service")
    )
    description = models.TextField(_("description"))
    # Answers to the service's own questions, by attribute code.
    details = models.JSONField(_("details"), default=dict, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("municipality"),
    )
    district = models.ForeignKey(
        "organisation.PoliceDistrict",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("district"),
    )
    reporter_name = models.CharField(_("name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("e-mail"), blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=30, blank=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    duplicate_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    is_spam = models.BooleanField(_("spam"), default=False)
    # A keyed hash of what the citizen sent and of their contact details, by which a request
    # sent again is recognised (servicedesk/resubmission.py); empty on rows stored otherwise.
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("citizen request")
        verbose_name_plural = _("citizen requests")
        indexes = [
            # The check for a request sent again: one fingerprint within the last minutes.
            models.Index(fields=["fingerprint", "submitted_at"], name="request_resubmission_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(lon__isnull=True))
                | (Q(lat__gte=-90, lat__lte=90) & Q(lon__gte=-180, lon__lte=180)),
                name="request_coordinates_valid",
            )
        ]

    def __str__(self):
        return self.reference or f"#{self.pk}"

    @property
    def kind(self):
        return self.service.kind

    @property
    def is_anonymous(self):
        return not (self.reporter_name or self.reporter_email or self.reporter_phone)

    @property
    def submitted_kind(self):
        """The kind of service the citizen sent the request as, which its reference names
        ("TIP-2026-000123") whatever service staff have moved it to since."""
        prefix = (self.reference or "").partition("-")[0]
        return next((kind for kind, p in REFERENCE_PREFIX.items() if p == prefix), None)

    def text_is_public(self):
        """Whether its description, place and replies may be published (Open311): only
        where the citizen was told so when sending it, and its service is still one of
        those. A tip was given in confidence, and stays so when staff make it a nuisance
        report."""
        public = {Kind.NUISANCE, Kind.OFFICER_REQUEST}
        return self.service.kind in public and self.submitted_kind in public and not self.is_spam

    def public_status(self):
        """What the citizen sees: closed when every queue has closed it, in progress when any
        queue has started (or closed it: the police may be done while the municipality has
        yet to look), otherwise received. Open311 calls these closed and open."""
        statuses = {h.status for h in self.handlings.all()}
        if statuses and statuses == {Handling.Status.CLOSED}:
            return Handling.Status.CLOSED
        if statuses - {Handling.Status.NEW}:
            return Handling.Status.IN_PROGRESS
        return Handling.Status.NEW

    def public_messages(self):
        return self.messages.exclude(kind=Message.Kind.INTERNAL_NOTE)

    def contact_visible_to(self, user):
        """Whether the user may see who reported this: the police side of its police queue
        (Queue.contact_visible_to). Uses prefetched handlings with their queues when there."""
        return any(h.queue.contact_visible_to(user) for h in self.handlings.all())

    def status_url(self, token):
        return reverse("servicedesk:status", args=[self.reference, token])

    def check_token(self, token):
        return secrets.compare_digest(self.token_hash, hash_token(token))


class HandlingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(queue__in=Queue.objects.visible_to(user))

    def workable_by(self, user):
        return self.filter(queue__in=Queue.objects.workable_by(user))

    def open(self):
        return self.exclude(status=Handling.Status.CLOSED)

    def search(self, text):
        """Free text over what staff remember of a request: its reference, words of its
        description, or its place."""
        q = Q()
        for word in text.split():
            q &= (
                Q(request__reference__icontains=word)
                | Q(request__description__icontains=word)
                | Q(request__place__icontains=word)
            )
        return self.filter(q)


class Handling(models.Model):
    """One queue's work on one request, with that queue's own status."""

    class Status(models.TextChoices):
        NEW = "new", _("Received")
        TRIAGED = "triaged", _("Assessed")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        URGENT = 1, _("Urgent")
        HIGH = 2, _("High")
        NORMAL = 3, _("Normal")
        LOW = 4, _("Low")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Handled")
        REFERRED = "referred", _("Referred to another authority")
        NOT_POSSIBLE = "not_possible", _("Could not be met")
        NO_ACTION = "no_action", _("No action needed")
        DUPLICATE = "duplicate", _("Duplicate")
        SPAM = "spam", _("Spam")

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="handlings", verbose_name=_("request")
    )
    queue = models.ForeignKey(
        Queue, models.PROTECT, related_name="handlings", verbose_name=_("queue")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="handlings",
        verbose_name=_("assigned to"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = HandlingQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "request__submitted_at"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlings")
        constraints = [
            models.UniqueConstraint(fields=["request", "queue"], name="uniq_handling"),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="closed_has_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.request} @ {self.queue}"

    @property
    def district_id(self):
        # The audit log files an entry under the district it reads from here.
        return self.request.district_id

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

    def close(self, outcome):
        if outcome not in self.Outcome.values:
            raise ValueError(f"unknown outcome {outcome!r}")
        self.status = self.Status.CLOSED
        self.outcome = outcome
        self.closed_at = timezone.now()

    def move_to(self, status):
        """Any status but closed, which needs an outcome; a closed handling opens again."""
        if status == self.Status.CLOSED or status not in self.Status.values:
            raise ValueError(f"cannot move to {status!r}")
        self.status = status
        self.outcome = ""
        self.closed_at = None


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The messages of the requests the user sees, but a queue's internal notes only to
        those who see that queue: the police's notes on a shared nuisance report are not the
        municipality's to read."""
        return self.filter(request__in=ServiceRequest.objects.visible_to(user)).filter(
            ~Q(kind=Message.Kind.INTERNAL_NOTE)
            | Q(queue__isnull=True)
            | Q(queue__in=Queue.objects.visible_to(user))
        )


class Message(models.Model):
    """The two-way channel with the citizen, and the staff's internal notes."""

    class Kind(models.TextChoices):
        PUBLIC_REPLY = "public_reply", _("Reply to the citizen")
        INTERNAL_NOTE = "internal_note", _("Internal note")
        CITIZEN = "citizen", _("From the citizen")

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="messages", verbose_name=_("request")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("message"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    queue = models.ForeignKey(
        Queue, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("queue")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return f"{self.request} {self.get_kind_display()}"

    @property
    def district_id(self):
        # The audit log files an entry under the district it reads from here.
        return self.request.district_id

    @property
    def is_internal(self):
        return self.kind == self.Kind.INTERNAL_NOTE


class ReplyTemplate(Translated, models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        validators=[replies.validate],
        help_text=_(
            "Placeholders filled in from the request: {reference} (its reference), {service}, "
            "{municipality} (where it happened), {team} (the queue that replies) and "
            "{received} (the date it came in)."
        ),
    )
    body_en = models.TextField(_("text (English)"), blank=True, validators=[replies.validate])
    district = models.ForeignKey(
        "organisation.PoliceDistrict", models.CASCADE, related_name="+", verbose_name=_("district")
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.title


class Photo(models.Model):
    """A citizen's photo, re-encoded without its metadata (EXIF, GPS)."""

    request = models.ForeignKey(
        ServiceRequest, models.CASCADE, related_name="photos", verbose_name=_("request")
    )
    image = models.FileField(_("image"), upload_to="requests/%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.request} {self.width}×{self.height}"


class ApiClient(models.Model):
    """An application that files and reads requests through Open311, with its own key."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name
