from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tryghed.core.progress import ProgressBar
from tryghed.incidents.actions import source_name_problem
from tryghed.incidents.importer import ImportFileError, import_incidents
from tryghed.incidents.mapped import file_bytes
from tryghed.incidents.models import IncidentSource
from tryghed.organisation.models import PoliceDistrict


class Command(BaseCommand):
    help = _(
        "Import incidents from a CSV, JSON Lines or døgnrapport extract file into a source, "
        "keyed by the source and each incident's external id."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("the file to import"))
        parser.add_argument(
            "--source", required=True, help=_("the source's name, e.g. doegnrapport-mvsj")
        )
        parser.add_argument(
            "--district",
            type=int,
            default=None,
            help=_("number of the police district of a new source (default: TRYGHED_DISTRICT)"),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("check and report, but write nothing"),
        )
        parser.add_argument(
            "--statistics-only",
            action="store_true",
            help=_(
                "for the numbers only, e.g. published døgnrapporter: the police guarantees "
                "open no deadlines for these incidents"
            ),
        )

    def handle(self, *args, file, source, district, dry_run, statistics_only, **options):
        try:
            # Mapped, not read: a file of millions of rows is gigabytes.
            data = file_bytes(Path(file))
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": error.strerror}
            ) from error
        incident_source = self._source(source, district)
        bar = ProgressBar(self.stderr)
        try:
            report = import_incidents(
                data,
                source=incident_source,
                dry_run=dry_run,
                progress=bar,
                statistics_only=statistics_only,
            )
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from error
        finally:
            bar.finish()
        self._summary(report, dry_run=dry_run)

    def _source(self, name, district_number):
        problem = source_name_problem(name)
        if problem:
            raise CommandError(problem)
        existing = IncidentSource.objects.select_related("district").filter(name=name).first()
        if existing is not None:
            if district_number is not None and existing.district.number != district_number:
                raise CommandError(
                    _("The source %(name)s belongs to district %(number)s, not %(given)s.")
                    % {"name": name, "number": existing.district.number, "given": district_number}
                )
            return existing
        number = settings.TRYGHED_DISTRICT if district_number is None else district_number
        district = PoliceDistrict.objects.filter(number=number).first()
        if district is None:
            raise CommandError(
                _("There is no police district number %(number)s; load the reference data.")
                % {"number": number}
            )
        # Unsaved: the import saves it when there is something to write.
        return IncidentSource(name=name, district=district)

    def _summary(self, report, *, dry_run):
        out = self.stdout
        if dry_run:
            out.write(_("Dry run: nothing was written."))
        out.write(_("Created: %(count)s") % {"count": report.created})
        out.write(_("Updated: %(count)s") % {"count": report.updated})
        out.write(_("Unchanged: %(count)s") % {"count": report.unchanged})
        out.write(_("Rejected: %(count)s") % {"count": len(report.rejected)})
        for line, reason in report.rejected:
            out.write("  " + _("line %(line)s: %(reason)s") % {"line": line, "reason": reason})
        if report.notes:
            out.write(_("To check: %(count)s") % {"count": len(report.notes)})
        for line, text in report.notes:
            out.write("  " + _("line %(line)s: %(reason)s") % {"line": line, "reason": text})
        out.write(_("Unlocated: %(count)s") % {"count": report.unlocated})
        out.write(
            _("Outside the source's district: %(count)s") % {"count": report.outside_district}
        )
