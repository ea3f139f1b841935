from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                _("%(file)s is not UTF-8 text. Nothing was changed.") % {"file": path}
            ) from exc
        except services.ConfigError as exc:
            raise CommandError(
                _("%(file)s: %(problem)s Nothing was changed.") % {"file": path, "problem": exc}
            ) from exc
        total = len(summary.created) + len(summary.updated) + len(summary.unchanged)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Services: %(total)s in the file (%(created)s created, %(updated)s "
                    "updated, %(unchanged)s unchanged), %(questions)s questions."
                )
                % {
                    "total": total,
                    "created": len(summary.created),
                    "updated": len(summary.updated),
                    "unchanged": len(summary.unchanged),
                    "questions": summary.attributes,
                }
            )
        )
        for label, codes in ((_("Created"), summary.created), (_("Updated"), summary.updated)):
            if codes:
                self.stdout.write(f"{label}: {', '.join(codes)}")
        if summary.not_in_file:
            self.stdout.write(
                self.style.WARNING(
                    _("Not in the file, left as they are: %(codes)s")
                    % {"codes": ", ".join(summary.not_in_file)}
                )
            )
