from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryghed.organisation.geo import OutsideDenmark, locate


class Command(BaseCommand):
    help = _("Print the municipality and police district of a point (latitude longitude, WGS84).")

    def add_arguments(self, parser):
        parser.add_argument("latitude", type=float)
        parser.add_argument("longitude", type=float)

    def handle(self, *args, latitude, longitude, **options):
        try:
            found = locate(latitude, longitude)
        except OutsideDenmark as exc:
            raise CommandError(str(exc)) from exc
        line = str(found)
        if not found.inside:
            line += " – " + _("%(km).1f km from the boundary") % {"km": found.distance_km}
        self.stdout.write(line)
