"""Writes around importing incidents: starting an uploaded file's import in the background,
and importing a batch pushed through the API. Each takes the acting user and audit-logs."""

import functools
import json

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tryghed.accounts.scope import scope_of
from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.incidents.importer import ImportFileError, import_incidents
from tryghed.incidents.models import IncidentImport, IncidentSource
from tryghed.organisation.models import PoliceDistrict

MAX_BATCH_ROWS = 5_000


class ImportRefused(Exception):
    """The import cannot start; the message says why, and nothing was written. `status` is
    the HTTP status the API answers with, `field` the input at fault."""

    def __init__(self, message, *, status=422, field=""):
        super().__init__(message)
        self.status = status
        self.field = field


def import_districts(user):
    """The districts where the user may import incidents: district-level roles only, since
    a source feeds the numbers of the whole district."""
    scope = scope_of(user)
    districts = PoliceDistrict.objects.defer("boundary").order_by("number")
    if scope.is_global:
        return districts
    return districts.filter(pk__in=scope.district_ids)


def source_name_problem(name):
    """Why `name` cannot name an incident source, or None."""
    longest = IncidentSource._meta.get_field("name").max_length
    try:
        validate_slug(name)
    except ValidationError:
        return _(
            "The source name “%(name)s” may hold only the letters a-z (not æ, ø or å), "
            "digits, - and _."
        ) % {"name": name[:longest]}
    if len(name) > longest:
        return _("The source name may be at most %(count)s characters long.") % {"count": longest}
    return None


def source_named(name, *, by, district=None):
    """The source called `name` that `by` may import into, or a new, unsaved one in
    `district` (which may be left out when the user works in one district only)."""
    problem = source_name_problem(name)
    if problem:
        raise ImportRefused(problem, field="source")
    existing = IncidentSource.objects.filter(name=name).first()
    if existing is not None:
        if not IncidentSource.objects.visible_to(by).filter(pk=existing.pk).exists():
            # Said alike whether the name is free in no district or taken in another one.
            raise ImportRefused(
                _("The source “%(name)s” belongs to another police district; choose another name.")
                % {"name": name},
                status=404,
                field="source",
            )
        if district is not None and existing.district_id != district.pk:
            raise ImportRefused(
                _("The source “%(name)s” belongs to %(district)s.")
                % {"name": name, "district": existing.district},
                field="district",
            )
        return existing
    districts = list(import_districts(by))
    if district is None:
        if len(districts) != 1:
            raise ImportRefused(
                _("Choose the police district of the new source."), field="district"
            )
        district = districts[0]
    elif district.pk not in {d.pk for d in districts}:
        raise ImportRefused(_("You cannot import incidents in that police district."))
    return IncidentSource(name=name, district=district)


# The rejected rows and notes a report keeps, the first ones of a file: as many as a batch
# through the API can hold, so that a batch's answer lists every one. A file of the wrong
# layout rejects all its rows, and a job's report of millions of reasons would be a database
# row of hundreds of megabytes for a page that shows the first few hundred.
REPORTED_ROWS = 5_000


def report_data(report, *, dry_run=False):
    """An ImportReport as the JSON that the job keeps and the API answers."""
    return {
        "dry_run": dry_run,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [
            {"line": line, "reason": reason} for line, reason in report.rejected[:REPORTED_ROWS]
        ],
        "rejected_count": len(report.rejected),
        "unlocated": report.unlocated,
        "outside_district": report.outside_district,
        "notes": [{"line": line, "text": text} for line, text in report.notes[:REPORTED_ROWS]],
        "notes_count": len(report.notes),
    }


def _summary(data):
    """The audit message for an import, in the active language: the language of the person
    who imported (the worker runs a job in the language of its upload), like the reasons
    it reports."""
    summary = _(
        "created %(created)s, updated %(updated)s, unchanged %(unchanged)s, rejected %(rejected)s"
    ) % {
        "created": data["created"],
        "updated": data["updated"],
        "unchanged": data["unchanged"],
        "rejected": data.get("rejected_count", len(data["rejected"])),
    }
    if data["dry_run"]:
        return _("dry run, nothing was saved: %(summary)s") % {"summary": summary}
    return summary


def start_import(source, file, *, by, dry_run=False, statistics_only=False):
    """Keep the uploaded file in a new job and queue its import for the worker.

    `source` is an IncidentSource from `source_named`; `file` an uploaded file."""
    data = file.read(IncidentImport.MAX_BYTES + 1)
    if len(data) > IncidentImport.MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(size)s MB.") % {"size": IncidentImport.MAX_BYTES // 2**20}
        )
    from tryghed.incidents.tasks import run_import

    with transaction.atomic():
        job = IncidentImport.objects.create(
            district=source.district,
            source_name=source.name,
            source=source if source.pk else None,
            filename=(file.name or "")[:255],
            data=data,
            size=len(data),
            dry_run=dry_run,
            statistics_only=statistics_only,
            language=translation.get_language() or "da",
            created_by=by,
        )
        log.record(job, by=by, action=AuditEntry.Action.CREATE, after=_job_fields(job))
        # After the commit, so that the worker never looks for a job that was rolled back.
        transaction.on_commit(functools.partial(run_import.enqueue, job.pk))
    return job


def _job_fields(job):
    # The file's bytes are no audit matter, and would make the entry as large as the file.
    data = log.snapshot(job)
    data.pop("data", None)
    return data


def finish_import(job, *, report=None, error=""):
    """Store the outcome of a job that the worker ran, and log what the import wrote."""
    before = _job_fields(job)
    job.status = IncidentImport.Status.FAILED if error else IncidentImport.Status.DONE
    job.error = error
    job.finished_at = timezone.now()
    # The rows describe people; once imported they live in the incidents, not in the upload.
    job.data = b""
    fields = ["status", "error", "finished_at", "data", "source"]
    if report is not None:
        job.report = report_data(report, dry_run=job.dry_run)
        job.rows_done = job.rows_total = report.imported + len(report.rejected)
        fields += ["report", "rows_done", "rows_total"]
    job.save(update_fields=fields)
    message = error or _summary(job.report)
    # A dry run imported nothing: only the job changed, as when an import fails.
    imported = not error and not job.dry_run
    action = AuditEntry.Action.IMPORT if imported else AuditEntry.Action.UPDATE
    log.record(
        job,
        by=job.created_by,
        action=action,
        before=before,
        after=_job_fields(job),
        message=message,
    )


def rows_as_json_lines(rows):
    """Rows (dicts of field → value) as the JSON Lines file the importer reads, so that an API
    batch is checked exactly like an uploaded file; line n is the n-th row."""
    return "\n".join(json.dumps(row) for row in rows).encode("utf-8")


def import_batch(source, rows, *, by, dry_run=False, statistics_only=False):
    """Import rows pushed through the API at once; the report as JSON-ready data.

    Raises ImportRefused when the batch as a whole cannot be read."""
    if len(rows) > MAX_BATCH_ROWS:
        raise ImportRefused(
            _(
                "A batch holds at most %(max)s rows, this one %(count)s; send it in parts or "
                "upload it as a file in the back office."
            )
            % {"max": MAX_BATCH_ROWS, "count": len(rows)},
            status=413,
            field="rows",
        )
    was_new = source.pk is None
    try:
        report = import_incidents(
            rows_as_json_lines(rows),
            source=source,
            dry_run=dry_run,
            statistics_only=statistics_only,
        )
    except ImportFileError as error:
        raise ImportRefused(str(error), field="rows") from None
    except IntegrityError:
        # Another import created the same source or incidents at the same moment; rows are
        # keyed by external id, so sending the batch again completes it without duplicates.
        raise ImportRefused(
            _("Another import wrote to the same source at the same time; send the batch again."),
            status=409,
        ) from None
    data = report_data(report, dry_run=dry_run)
    if source.pk is not None and not dry_run:
        if was_new:
            log.record(source, by=by, action=AuditEntry.Action.CREATE)
        log.record(source, by=by, action=AuditEntry.Action.IMPORT, after={}, message=_summary(data))
    return data
