from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryghed.guarantees.catalogue import load_guarantees


class Command(BaseCommand):
    help = _(
        "Load the police guarantees and the safety follow-up as rules (idempotent); with "
        "--demo also the demo district's cases with deadlines."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo", action="store_true", help=_("also load the demo cases (idempotent)")
        )

    def handle(self, *args, demo, **options):
        guarantees, versions = load_guarantees()
        self.stdout.write(
            _("Guarantees: %(guarantees)d new, rule versions: %(versions)d new.")
            % {"guarantees": guarantees, "versions": versions}
        )
        if demo:
            from tryghed.guarantees.demo import MissingDemoDistrict, load_demo_cases

            try:
                created = load_demo_cases()
            except MissingDemoDistrict as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Demo cases: %(count)d new.") % {"count": created})
