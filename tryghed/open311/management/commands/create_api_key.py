from django.core.management.base import BaseCommand, CommandError

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
            f"Created the API client “{client.name}” (key prefix {client.key_prefix}). "
            "Its key is shown only now; keep it secret:"
        )
        self.stdout.write(key)
