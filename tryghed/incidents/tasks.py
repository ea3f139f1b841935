"""The background half of an uploaded import, run by the task worker (`manage.py db_worker`)."""

import functools
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import IntegrityError, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.incidents import actions
from tryghed.incidents.importer import ImportFileError, import_incidents
from tryghed.incidents.models import IncidentImport, IncidentSource

logger = logging.getLogger(__name__)

# Writing the progress costs a query; a few hundred writes per import are plenty for a bar.
PROGRESS_EVERY_ROWS = 500


class _Progress:
    """Writes the importer's progress to the job row, at most every 1 % or 500 rows.

    On PostgreSQL the import is one transaction, which would hide the progress until the
    end; there the row is written from a connection of its own, in a thread of its own."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.written = -1
        self.outside = None  # the thread that writes outside the import's transaction

    def __call__(self, done, total, stage=""):
        step = max(1, min(PROGRESS_EVERY_ROWS, total // 100))
        if done < total and self.written >= 0 and done - self.written < step:
            return
        self.written = done
        update = functools.partial(self._write, min(done, total), total)
        connection = connections[IncidentImport.objects.db]
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            if self.outside is None:
                self.outside = ThreadPoolExecutor(max_workers=1)
            self.outside.submit(update)
        else:
            update()

    def _write(self, done, total):
        IncidentImport.objects.filter(pk=self.job_id, status=IncidentImport.Status.RUNNING).update(
            rows_done=done, rows_total=total
        )

    def close(self):
        """Wait for the last write, and close the thread's connection."""
        if self.outside is not None:
            self.outside.submit(connections.close_all)
            self.outside.shutdown(wait=True)
            self.outside = None


def _claim(job_id):
    """Mark the job running, unless another worker already has: several workers may pick up
    the same task after a restart, and only one may run the import."""
    claimed = IncidentImport.objects.filter(pk=job_id, status=IncidentImport.Status.QUEUED).update(
        status=IncidentImport.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    return IncidentImport.objects.select_related("district", "source", "created_by").get(pk=job_id)


def _source(job):
    if job.source_id:
        return job.source
    existing = IncidentSource.objects.filter(name=job.source_name).first()
    if existing is not None:
        # Created since the upload, by another import of the same name.
        if existing.district_id != job.district_id:
            raise actions.ImportRefused(
                _("The source “%(name)s” belongs to another police district.")
                % {"name": job.source_name}
            )
        return existing
    return IncidentSource(name=job.source_name, district=job.district)


@task()
def run_import(job_id):
    """Import a queued upload: the rows are checked in full before any is written, so a bad
    file fails without writing anything and a bad row is only reported."""
    job = _claim(job_id)
    if job is None:
        return
    with translation.override(job.language):
        try:
            source = _source(job)
            was_new = source.pk is None
            progress = _Progress(job.pk)
            try:
                report = import_incidents(
                    bytes(job.data),
                    source=source,
                    dry_run=job.dry_run,
                    progress=progress,
                    statistics_only=job.statistics_only,
                )
            finally:
                progress.close()
        except (ImportFileError, actions.ImportRefused) as error:
            actions.finish_import(job, error=str(error))
            return
        except IntegrityError:
            # Another import wrote the same incidents at the same moment. Every row is keyed by
            # its external id, so running the file again finishes the work without duplicates.
            logger.exception("Incident import %s collided with another write", job.pk)
            actions.finish_import(
                job,
                error=_(
                    "Another import wrote to the same source at the same time. Upload the file "
                    "again: rows already imported are recognised and not doubled."
                ),
            )
            return
        except Exception:
            logger.exception("Incident import %s failed", job.pk)
            actions.finish_import(
                job,
                error=_(
                    "The import stopped because of an error in the system. Upload the file "
                    "again; if it happens again, contact the administrator."
                ),
            )
            return
        if source.pk is not None:
            job.source = source
            if was_new:
                log.record(source, by=job.created_by, action=AuditEntry.Action.CREATE)
        actions.finish_import(job, report=report)
