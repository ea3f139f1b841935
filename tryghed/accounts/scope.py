"""What a user may see and change, derived once per request from their role assignments.

Every `visible_to(user)` predicate in the project reads from here, so the rules for who sees
what live in one place.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    is_global: bool = False
    # Districts where the user works at district level (secretariat or district staff).
    district_ids: frozenset = field(default_factory=frozenset)
    # Districts where the user may edit everything and read the audit log.
    secretariat_district_ids: frozenset = field(default_factory=frozenset)
    municipality_ids: frozenset = field(default_factory=frozenset)
    # Districts of the municipalities above: their district-wide records are shared.
    municipal_district_ids: frozenset = field(default_factory=frozenset)
    council_ids: frozenset = field(default_factory=frozenset)
    council_district_ids: frozenset = field(default_factory=frozenset)
    # Municipalities whose local records the user may edit (officers and municipal staff).
    editable_municipality_ids: frozenset = field(default_factory=frozenset)

    @property
    def visible_district_ids(self):
        return self.district_ids | self.municipal_district_ids | self.council_district_ids

    @property
    def is_staff_member(self):
        return self.is_global or bool(self.visible_district_ids)

    def is_secretariat(self, district_id=None):
        if self.is_global:
            return True
        if district_id is None:
            return bool(self.secretariat_district_ids)
        return district_id in self.secretariat_district_ids


EMPTY = Scope()


def scope_of(user):
    """The user's scope, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_tryghed_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    user._tryghed_scope = scope
    return scope


def forget_scope(user):
    user.__dict__.pop("_tryghed_scope", None)


def _compute(user):
    from tryghed.accounts.models import RoleAssignment

    if user.is_superuser:
        return Scope(is_global=True)
    district, secretariat, municipality, muni_district, council, council_district, editable = (
        set() for _ in range(7)
    )
    Role = RoleAssignment.Role
    for role in (
        RoleAssignment.objects.active().filter(user=user).select_related("municipality", "council")
    ):
        if role.role in (Role.DISTRICT_SECRETARIAT, Role.DISTRICT_STAFF):
            district.add(role.district_id)
            if role.role == Role.DISTRICT_SECRETARIAT:
                secretariat.add(role.district_id)
        elif role.role in (Role.LOCAL_OFFICER, Role.MUNICIPAL_STAFF):
            municipality.add(role.municipality_id)
            muni_district.add(role.municipality.district_id)
            editable.add(role.municipality_id)
        elif role.role == Role.COUNCIL_MEMBER:
            council.add(role.council_id)
            council_district.add(role.council.district_id)
    return Scope(
        district_ids=frozenset(district),
        secretariat_district_ids=frozenset(secretariat),
        municipality_ids=frozenset(municipality),
        municipal_district_ids=frozenset(muni_district),
        council_ids=frozenset(council),
        council_district_ids=frozenset(council_district),
        editable_municipality_ids=frozenset(editable),
    )
