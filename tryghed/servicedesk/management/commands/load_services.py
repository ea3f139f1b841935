from django.core.management.base import BaseCommand, CommandError

from tryghed.servicedesk import services


class Command(BaseCommand):
    help = (
        "Create or update the citizen services and their questions from a configuration "
        "file (by service code); safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(services.DEFAULT_PATH),
            help="The configuration file (default: the services shipped with Tryghed).",
        )

    def handle(self, *args, path, **options):
        try:
            summary = services.load(path)
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file.") from exc
        except services.ConfigError as exc:
            raise CommandError(f"{path}: {exc} Nothing was changed.") from exc
        total = len(summary.created) + len(summary.updated) + len(summary.unchanged)
        self.stdout.write(
            self.style.SUCCESS(
                f"Services: {total} in the file ({len(summary.created)} created, "
                f"{len(summary.updated)} updated, {len(summary.unchanged)} unchanged), "
                f"{summary.attributes} questions."
            )
        )
        for label, codes in (("Created", summary.created), ("Updated", summary.updated)):
            if codes:
                self.stdout.write(f"{label}: {', '.join(codes)}")
        if summary.not_in_file:
            self.stdout.write(
                self.style.WARNING(
                    "Not in the file, left as they are: " + ", ".join(summary.not_in_file)
                )
            )
