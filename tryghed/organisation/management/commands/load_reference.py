from django.core.management.base import BaseCommand

from tryghed.organisation.reference import load_reference


class Command(BaseCommand):
    help = "Load (or update) all police districts, municipalities and postal codes."

    def handle(self, *args, **options):
        counts = load_reference()
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data: {districts} police districts, {municipalities} municipalities, "
                "{postal_codes} postal code areas.".format(**counts)
            )
        )
