from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tryghed.accounts.scope import scope_of


class User(AbstractUser):
    """A staff account. Citizens never need one."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def scope(self):
        """What the user may see and change; templates read it for the navigation."""
        return scope_of(self)


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))


class RoleAssignment(models.Model):
    """One role of one user, scoped to a district, a municipality or a council."""

    class Role(models.TextChoices):
        DISTRICT_SECRETARIAT = "district_secretariat", _("District secretariat")
        DISTRICT_STAFF = "district_staff", _("District staff")
        LOCAL_OFFICER = "local_officer", _("Local police officer")
        MUNICIPAL_STAFF = "municipal_staff", _("Municipal staff")
        COUNCIL_MEMBER = "council_member", _("Council member")

    DISTRICT_ROLES = {Role.DISTRICT_SECRETARIAT, Role.DISTRICT_STAFF}
    MUNICIPAL_ROLES = {Role.LOCAL_OFFICER, Role.MUNICIPAL_STAFF}

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    district = models.ForeignKey(
        "organisation.PoliceDistrict",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    council = models.ForeignKey(
        "organisation.Council",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("council"),
    )
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            # Exactly the one scope that the role needs, and no other.
            models.CheckConstraint(
                name="role_has_matching_scope",
                condition=(
                    Q(
                        role__in=["district_secretariat", "district_staff"],
                        district__isnull=False,
                        municipality__isnull=True,
                        council__isnull=True,
                    )
                    | Q(
                        role__in=["local_officer", "municipal_staff"],
                        district__isnull=True,
                        municipality__isnull=False,
                        council__isnull=True,
                    )
                    | Q(
                        role="council_member",
                        district__isnull=True,
                        municipality__isnull=True,
                        council__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "district", "municipality", "council"],
                name="uniq_role_assignment",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.scope_label})"

    @property
    def scope_label(self):
        return str(self.district or self.municipality or self.council or "")
