"""The incidents' part of `manage.py sweep`: fail an uploaded import whose worker died.

A worker marks a job running when it claims it and finished when it is done (tasks.py). A
worker that is killed in between (a deploy, a restart, running out of memory) leaves the
job running for ever, and the person who uploaded the file watches a progress bar that
never moves. The importer writes in batches, each whole or not at all, so such a job may
have written part of its file; every row is keyed by its external id, so uploading the file
again finishes the work without doubling anything.

After an import, and when a month begins, the public's numbers of a district hide new
months and sums beside the other selections' (`families.district_hidden`); choosing them
takes seconds for a district of several years. The sweep chooses them for every district
with incidents, so that the first council member to open the dashboard does not wait; a
pass with nothing new reads them from the cache.

An upload is at most 20 MB and imports in well under a minute, so a job still running
STUCK_AFTER after it started has lost its worker. It is marked failed with a message that
says what happened and what to do, and the job page shows it at its next poll. The claim is a
compare-and-set on the status and the progress read, so that of several sweepers only one
fails a job, and a job that moved on since it was read is left alone.
"""

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.incidents import families
from tryghed.incidents.models import DANISH_TIME, IncidentImport, IncidentSource

STUCK_AFTER = datetime.timedelta(minutes=30)
# One pass fails at most this many; the next pass takes the rest.
BATCH = 500


def stuck_message():
    return _(
        "The import stopped without finishing: the background worker running it was "
        "interrupted. Upload the file again: rows already imported are recognised and not "
        "doubled."
    )


def sweep(*, now):
    lines = _fail_stuck(now)
    until = now.astimezone(DANISH_TIME).date().replace(day=1)
    for district_id in (
        IncidentSource.objects.order_by().values_list("district_id", flat=True).distinct()
    ):
        families.district_hidden(district_id, until)
    return lines


def _fail_stuck(now):
    running = IncidentImport.Status.RUNNING
    stuck = list(
        IncidentImport.objects.filter(status=running, started_at__lt=now - STUCK_AFTER)
        .defer("data", "report")
        .select_related("created_by")
        .order_by("started_at", "pk")[:BATCH]
    )
    lines = []
    for job in stuck:
        with translation.override(job.language):
            error = stuck_message()
        claimed = IncidentImport.objects.filter(
            pk=job.pk, status=running, started_at=job.started_at, rows_done=job.rows_done
        ).update(status=IncidentImport.Status.FAILED, error=error, finished_at=now, data=b"")
        if claimed != 1:
            continue  # another sweeper failed it, or the worker finished or moved on
        job.refresh_from_db(fields=["status", "error", "finished_at"])
        log.record(
            job,
            by=None,
            action=AuditEntry.Action.UPDATE,
            before={"status": running, "error": ""},
            after={"status": job.status, "error": job.error},
            message=error,
        )
        lines.append(
            _("Incident import %(id)s (%(file)s) failed: running since %(started)s.")
            % {
                "id": job.pk,
                "file": job.filename,
                "started": job.started_at.isoformat(timespec="minutes"),
            }
        )
    return lines
