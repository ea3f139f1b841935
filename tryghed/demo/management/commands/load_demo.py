from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.accounts.models import RoleAssignment
from tryghed.demo import people
from tryghed.demo.loader import MissingReferenceData, load_demo


class Command(BaseCommand):
    help = _(
        "Load the demo district (Midt- og Vestsjællands Politi): its organisations, councils, "
        "demo staff accounts and the 2023 cooperation plan. Creates only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--logins",
            action="store_true",
            help=_("Only print the demo accounts and their password; create nothing."),
        )

    def handle(self, *args, logins=False, **options):
        if logins:
            self._print_logins()
            return
        try:
            tally = load_demo()
        except MissingReferenceData as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(tally.summary()))

    def _print_logins(self):
        accounts = people.build(timezone.localdate())[2]
        rows = [(_("Username"), _("Role"), _("Scope"), _("Password"))]
        for spec in accounts:
            if spec.role == "superuser":
                role = _("Superuser (Django admin)")
            else:
                role = str(RoleAssignment.Role(spec.role).label)
            rows.append((spec.username, role, spec.scope_label, people.PASSWORD))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

        def line(row):
            return "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()

        self.stdout.write(line(rows[0]))
        self.stdout.write("  ".join("-" * width for width in widths))
        for row in rows[1:]:
            self.stdout.write(line(row))
