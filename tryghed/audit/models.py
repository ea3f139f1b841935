import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of

# The codes that the apps' actions pass as `message=` (and Django's admin as "admin"), as
# the log's readers should see them. Entries keep the code, so a label can be reworded or
# translated later without touching what was recorded.
MESSAGE_LABELS = {
    # The service desk (servicedesk/actions.py); a message's kind is its code.
    "triage": _("Assessment saved"),
    "assign": _("Assignment changed"),
    "status": _("Status changed"),
    "close": _("Closed for the queue"),
    "duplicate": _("Marked as a duplicate"),
    "spam": _("Marked as spam"),
    "not spam": _("Spam mark removed"),
    "service": _("Service changed"),
    "routing": _("Queue added when the service changed"),
    "reply": _("Status changed by a reply to the citizen"),
    "internal_note": _("Internal note"),
    "public_reply": _("Reply to the citizen"),
    # The guarantees' deadlines (guarantees/actions.py); a stop event is its code.
    "on_site": _("Police on site"),
    "citizen_contacted": _("Citizen contacted"),
    "answer_sent": _("Answer sent"),
    "stop": _("Clock stopped"),
    "pause": _("Clock paused"),
    "resume": _("Clock started again"),
    "follow-up": _("Safety follow-up recorded"),
    # Plans, councils and council meetings.
    "progress": _("Progress recorded"),
    "council": _("Added as a council member"),
    "attendance": _("Attendance recorded"),
    "minutes": _("Minutes written"),
    "minutes amended": _("Minutes amended"),
    "minutes approved": _("Minutes approved"),
    "cancelled": _("Meeting cancelled"),
    # Citizen meetings.
    "from request": _("From a citizen's request"),
    "edit": _("Edited"),
    "cancel": _("Meeting cancelled"),
    "cancel registration": _("Registration cancelled"),
    # Exports.
    "csv": _("CSV file"),
    "csv with contact details": _("CSV file with the citizens' contact details"),
    # Outside the back office.
    "admin": _("Via the administration"),
    "manage.py create_api_key": _("From the command line"),
}
# Codes with a value in them (plans/actions.py).
MESSAGE_PATTERNS = [
    (re.compile(r"copied from (?P<year>\d{4})"), _("Copied from the plan for %(year)s")),
    (re.compile(r"CSV import (?P<file>.+)"), _("CSV file %(file)s")),
    (re.compile(r"CSV import"), _("CSV file")),
]


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The log is read by the district secretariat, for its own district."""
        scope = scope_of(user)
        if scope.is_global:
            return self
        return self.filter(district__in=scope.secretariat_district_ids)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        IMPORT = "import", _("Imported")
        # Personal data taken out of the system (a queue's CSV file with the citizens'
        # contact details, a meeting's list of attendees): who took it, and when.
        EXPORT = "export", _("Exported")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text too, so the entry still says who it was after the account is deleted.
    actor_name = models.CharField(_("who"), max_length=200)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    district = models.ForeignKey(
        "organisation.PoliceDistrict",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def message_label(self):
        """The message as a reader of the log says it: the label of an action's code, or the
        free text (a reason, an import's summary) as it was written."""
        if self.message in MESSAGE_LABELS:
            return MESSAGE_LABELS[self.message]
        for pattern, label in MESSAGE_PATTERNS:
            if match := pattern.fullmatch(self.message):
                return label % match.groupdict()
        return self.message
