from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tryghed.organisation.reference import load_reference


class Command(BaseCommand):
    help = _("Load (or update) all police districts, municipalities and postal codes.")

    def handle(self, *args, **options):
        counts = load_reference()
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Reference data: %(districts)s police districts, %(municipalities)s "
                    "municipalities, %(postal_codes)s postal code areas."
                )
                % counts
            )
        )
