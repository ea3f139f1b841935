from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryghed.open311 import keys


class Command(BaseCommand):
    help = "Create an Open311 API client and print its new key (shown this once only)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The client application's name, e.g. 'Giv et praj'.")

    def handle(self, *args, name, **options):
        try:
            client, key = keys.create_client(name, by=None, message="manage.py create_api_key")
        except keys.ApiKeyError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Created the API client “%(name)s” (key prefix %(prefix)s). Its key is shown "
                "only now; keep it secret:"
            )
            % {"name": client.name, "prefix": client.key_prefix}
        )
        self.stdout.write(key)
