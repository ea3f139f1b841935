"""Staff pages for importing incidents: upload a file, follow its import, read the report.

Importing is district work: the pages answer 404 to anyone without a district-level role,
and a job is fetched only through `IncidentImport.objects.visible_to`."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tryghed.incidents import actions
from tryghed.incidents.forms import NEW_SOURCE, UploadForm
from tryghed.incidents.models import IncidentImport

RECENT_JOBS = 50
# A report can reject every row of a large file; the page shows the first ones.
REJECTED_SHOWN = 500


def _require_importer(request):
    if not actions.import_districts(request.user).exists():
        raise Http404


def _jobs(request):
    return (
        IncidentImport.objects.visible_to(request.user)
        .defer("data")
        .select_related("district", "created_by")
    )


def import_list(request):
    _require_importer(request)
    jobs = list(_jobs(request).defer("data", "report")[:RECENT_JOBS])
    return render(
        request,
        "incidents/import_list.html",
        {"jobs": jobs, "title": _("Incident imports")},
    )


def import_upload(request):
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = actions.start_import(
                form.cleaned_data["incident_source"],
                form.cleaned_data["file"],
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
                statistics_only=form.cleaned_data["statistics_only"],
            )
        except actions.ImportRefused as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, _("The file was received and is queued for import."))
            return redirect(job)
    return render(
        request,
        "incidents/import_upload.html",
        {
            "form": form,
            "new_source": NEW_SOURCE,
            "title": _("Import incidents"),
            "max_mb": IncidentImport.MAX_BYTES // 2**20,
        },
        status=400 if form.errors else 200,
    )


def _job_context(job):
    rejected = job.rejected
    return {
        "job": job,
        "rejected": rejected[:REJECTED_SHOWN],
        "rejected_count": job.rejected_count,
        "rejected_hidden": max(0, job.rejected_count - REJECTED_SHOWN),
    }


def import_detail(request, pk):
    job = get_object_or_404(_jobs(request), pk=pk)
    context = _job_context(job)
    context["title"] = _("Import of %(file)s") % {"file": job.filename}
    return render(request, "incidents/import_detail.html", context)


def import_status(request, pk):
    """The status part of the job page, which htmx fetches every second while it runs."""
    job = get_object_or_404(_jobs(request), pk=pk)
    return render(request, "incidents/_job_status.html", {**_job_context(job), "polled": True})
