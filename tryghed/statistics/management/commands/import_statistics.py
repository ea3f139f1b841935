from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryghed.core.progress import ProgressBar
from tryghed.statistics import statbank

MAX_SHOWN = 50


class Command(BaseCommand):
    help = _(
        "Import a table file downloaded from Danmarks Statistik's StatBank (e.g. STRAF11). "
        "Safe to re-run: an unchanged file changes nothing."
    )
    # Reads the STRAF11 file with named columns and files saved from the StatBank API
    # (STRAF11, STRAF22, FOLK1A); see tryghed/statistics/statbank.py.

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the CSV file as downloaded"))
        parser.add_argument(
            "--table",
            help=_("the StatBank table code; by default read from the file name (%(tables)s)")
            % {"tables": ", ".join(statbank.KNOWN_TABLES)},
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("read the file even when the same file was imported before"),
        )

    def handle(self, *args, file, table, force, verbosity, **options):
        path = Path(file)
        code = (table or statbank.table_from_filename(path.name) or "").upper()
        if not code:
            raise CommandError(
                _("Cannot tell the table from the file name %(name)s; name it with --table.")
                % {"name": path.name}
            )
        if code not in statbank.KNOWN_TABLES:
            raise CommandError(
                _("Unknown table %(code)s; this import knows %(tables)s.")
                % {"code": code, "tables": ", ".join(statbank.KNOWN_TABLES)}
            )
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from error

        bar = ProgressBar(self.stderr) if verbosity > 0 else None
        result = statbank.import_table(data, code, progress=bar, force=force)
        if bar:
            bar.finish()

        for line, message in result.notes:
            self.stderr.write(_("line %(line)s: %(message)s") % {"line": line, "message": message})
        for line, message in result.skipped[:MAX_SHOWN]:
            self.stderr.write(_("line %(line)s: %(message)s") % {"line": line, "message": message})
        if len(result.skipped) > MAX_SHOWN:
            self.stderr.write(
                _("… and %(count)s more rows skipped.") % {"count": len(result.skipped) - MAX_SHOWN}
            )
        if not result.ok:
            lines = [
                _("line %(line)s: %(message)s") % {"line": line, "message": message}
                if line
                else message
                for line, message in result.errors[:MAX_SHOWN]
            ]
            if len(result.errors) > MAX_SHOWN:
                lines.append(
                    _("… and %(count)s more problems.") % {"count": len(result.errors) - MAX_SHOWN}
                )
            raise CommandError(
                _("%(file)s was not imported; nothing was changed:\n%(problems)s")
                % {"file": file, "problems": "\n".join(lines)}
            )
        if result.same_file:
            summary = _(
                "%(table)s: the same file was imported before; %(rows)s values unchanged."
            ) % {"table": code, "rows": result.rows}
        else:
            summary = _(
                "%(table)s: %(rows)s rows read; %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged, %(skipped)s skipped."
            ) % {
                "table": code,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
            }
        self.stdout.write(self.style.SUCCESS(summary))
        if result.populations_filled:
            self.stdout.write(
                _(
                    "%(count)s values of other tables took their population at the start of "
                    "the quarter from %(table)s."
                )
                % {"count": result.populations_filled, "table": code}
            )
