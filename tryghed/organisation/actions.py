"""Writes to councils and their members. Each takes the acting user and leaves an audit entry."""

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.organisation.models import Council, CouncilMembership, Person


class MembershipError(ValueError):
    """A membership change that the council's rules do not allow; shown to the user."""


def _overlapping(council, person, start_date, end_date, *, besides=None):
    memberships = CouncilMembership.objects.filter(council=council, person=person)
    if besides is not None:
        memberships = memberships.exclude(pk=besides.pk)
    if end_date is not None:
        memberships = memberships.filter(Q(start_date__isnull=True) | Q(start_date__lte=end_date))
    if start_date is not None:
        memberships = memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    return memberships.exists()


@transaction.atomic
def add_member(
    council,
    *,
    by,
    organisation,
    position,
    person=None,
    new_person=None,
    start_date=None,
    end_date=None,
):
    """Seat a person on a council. `new_person` (name, title, email) creates the person too."""
    # Serialises additions to one council, so that two secretaries adding the same person at
    # once cannot both pass the overlap check.
    council = Council.objects.select_for_update().get(pk=council.pk)
    if organisation.district_id != council.district_id:
        raise MembershipError(_("The organisation belongs to another police district."))
    if (person is None) == (new_person is None):
        raise MembershipError(_("Choose an existing person or enter a new one."))
    if start_date and end_date and end_date < start_date:
        raise MembershipError(_("The end date must be on or after the start date."))
    if person is not None and _overlapping(council, person, start_date, end_date):
        raise MembershipError(
            _("%(person)s is already a member of %(council)s in that period.")
            % {"person": person, "council": council}
        )
    if person is None:
        person = Person.objects.create(**new_person)
        entry = log.record(person, by=by, action=AuditEntry.Action.CREATE, message="council")
        # A person belongs to no district of their own; filing the entry under the council's
        # district lets the secretariat that added them read it in its log.
        AuditEntry.objects.filter(pk=entry.pk).update(district=council.district_id)
    membership = CouncilMembership.objects.create(
        council=council,
        person=person,
        organisation=organisation,
        position=position,
        start_date=start_date,
        end_date=end_date,
    )
    log.record(membership, by=by, action=AuditEntry.Action.CREATE)
    return membership


@transaction.atomic
def end_membership(membership, *, by, end_date):
    """Set the last day of a membership; the person then shows among former members."""
    membership = (
        CouncilMembership.objects.select_for_update()
        .select_related("council", "person")
        .get(pk=membership.pk)
    )
    if membership.start_date and end_date < membership.start_date:
        raise MembershipError(
            _("The end date cannot be before the membership started (%(start)s).")
            % {"start": formats.date_format(membership.start_date, "SHORT_DATE_FORMAT")}
        )
    if membership.end_date is not None and membership.end_date < timezone.localdate():
        raise MembershipError(_("This membership has already ended."))
    # The same council as add_member serialises on, for the same overlap check.
    Council.objects.select_for_update().get(pk=membership.council_id)
    if _overlapping(
        membership.council,
        membership.person,
        membership.start_date,
        end_date,
        besides=membership,
    ):
        raise MembershipError(
            _("%(person)s is already a member of %(council)s in that period.")
            % {"person": membership.person, "council": membership.council}
        )
    before = log.snapshot(membership)
    membership.end_date = end_date
    membership.save(update_fields=["end_date"])
    log.record(membership, by=by, action=AuditEntry.Action.UPDATE, before=before)
    return membership
