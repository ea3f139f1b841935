from django.core.management.base import BaseCommand, CommandError

from tryghed.organisation.geo import OutsideDenmark, locate


class Command(BaseCommand):
    help = "Print the municipality and police district of a point (latitude longitude, WGS84)."

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
            line += f" – {found.distance_km:.1f} km from the boundary"
        self.stdout.write(line)
