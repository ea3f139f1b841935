"""Who may read and run a council's meetings; every QuerySet predicate of the app reads here.

- The district secretariat runs every council's meetings in its district; a council's current
  secretary (a membership with that position, linked to a user) runs that council's meetings.
- District staff read every meeting of their district.
- Local police officers and municipal staff read the meetings of their municipality's councils.
- Council members read their councils' meetings; anyone invited reads that meeting.
- Papers marked internal are read only by the council's members and by those who run it.
"""

from django.db.models import Q
from django.utils import timezone

from tryghed.accounts.scope import scope_of
from tryghed.organisation.models import CouncilMembership


def _current_memberships(user, **filters):
    if not user.is_authenticated:
        return CouncilMembership.objects.none()
    return CouncilMembership.objects.current(timezone.localdate()).filter(
        person__user=user, **filters
    )


def member_council_ids(user):
    """Councils the user sits on: by a council-member role or by a current membership."""
    scope = scope_of(user)
    ids = set(scope.council_ids)
    ids.update(_current_memberships(user).values_list("council_id", flat=True))
    return ids


def secretary_council_ids(user):
    return set(
        _current_memberships(user, position=CouncilMembership.Position.SECRETARY).values_list(
            "council_id", flat=True
        )
    )


def council_filter(user, prefix="council__"):
    """Q over the councils whose meetings `user` reads; None for everything."""
    scope = scope_of(user)
    if scope.is_global:
        return None
    return (
        Q(**{f"{prefix}district__in": scope.district_ids})
        | Q(**{f"{prefix}municipality__in": scope.municipality_ids})
        | Q(**{f"{prefix}pk__in": member_council_ids(user)})
    )


def running_filter(user, prefix="council__"):
    """Q over the councils whose meetings `user` runs; None for everything."""
    scope = scope_of(user)
    if scope.is_global:
        return None
    return Q(**{f"{prefix}district__in": scope.secretariat_district_ids}) | Q(
        **{f"{prefix}pk__in": secretary_council_ids(user)}
    )


def internal_filter(user, prefix="council__"):
    """Q over the councils whose internal papers `user` reads; None for everything."""
    scope = scope_of(user)
    if scope.is_global:
        return None
    return Q(**{f"{prefix}district__in": scope.secretariat_district_ids}) | Q(
        **{f"{prefix}pk__in": member_council_ids(user)}
    )
