"""The back office for council meetings. Reads go through `visible_to`, writes through
`editable_by` and actions.py; a meeting outside the user's scope answers 404, exactly like one
that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tryghed.accounts.scope import scope_of
from tryghed.meetings import access, actions, ical
from tryghed.meetings.agenda import agenda_tree
from tryghed.meetings.forms import (
    AgendaItemForm,
    AttendanceForm,
    CompleteFollowUpForm,
    DecisionForm,
    DocumentForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
)
from tryghed.meetings.models import (
    AgendaItem,
    CalendarFeed,
    Document,
    FollowUp,
    Meeting,
    Participant,
)
from tryghed.organisation.models import Council, CouncilMembership
from tryghed.plans.models import CooperationPlan

NO_BOUNDARIES = ("council__district__boundary", "council__municipality__boundary")


def visible_councils(user):
    condition = access.council_filter(user, prefix="")
    councils = Council.objects.defer("district__boundary", "municipality__boundary")
    return councils if condition is None else councils.filter(condition)


def running_councils(user):
    condition = access.running_filter(user, prefix="")
    councils = Council.objects.defer("district__boundary", "municipality__boundary")
    return councils if condition is None else councils.filter(condition)


def _meetings(user):
    return (
        Meeting.objects.visible_to(user)
        .select_related("council__district", "council__municipality")
        .defer(*NO_BOUNDARIES)
    )


def _meeting(request, pk, *, edit=False):
    meetings = _meetings(request.user)
    if edit:
        meetings = meetings.editable_by(request.user)
    return get_object_or_404(meetings, pk=pk)


def _item(request, pk):
    meetings = Meeting.objects.visible_to(request.user).editable_by(request.user)
    return get_object_or_404(
        AgendaItem.objects.filter(meeting__in=meetings).select_related("meeting__council"), pk=pk
    )


def _may_run(user, meeting):
    return Meeting.objects.editable_by(user).filter(pk=meeting.pk).exists()


def _feed_keepers(user, person_ids):
    """The people among `person_ids` whose own calendar address `user` may see and replace.

    A person has one address for all their councils, and its feed lists every meeting they are
    invited to, in any council. So only someone who runs every council the person sits on (now
    or from a later date) and every meeting the feed lists may hold it: a lokalråd's secretary
    for the members who sit on that lokalråd alone, the district secretariat for the rest. The
    member's own "My calendar" page always shows them their address.

    An address shown to someone else lists from then on only the meetings they run, even once
    the member is invited further (see `CalendarFeed.run_by_viewers`)."""
    running = running_councils(user)
    elsewhere = set(
        CouncilMembership.objects.filter(person__in=person_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=timezone.localdate()))
        .exclude(council__in=running)
        .values_list("person_id", flat=True)
    )
    elsewhere.update(
        Participant.objects.filter(
            person__in=person_ids, meeting__ends_at__gte=timezone.now() - ical.HISTORY
        )
        .exclude(meeting__council__in=running)
        .values_list("person_id", flat=True)
    )
    return set(person_ids) - elsewhere


def _form_page(
    request, form, *, title, submit, cancel, template="meetings/form_page.html", **extra
):
    context = {"form": form, "page_title": title, "submit_label": submit, "cancel_url": cancel}
    return render(request, template, context | extra)


def meeting_list(request):
    councils = list(visible_councils(request.user).select_related("district", "municipality"))
    if not councils:
        raise Http404
    now = timezone.now()
    meetings = _meetings(request.user)
    return render(
        request,
        "meetings/list.html",
        {
            "councils": councils,
            "running": set(running_councils(request.user).values_list("pk", flat=True)),
            "upcoming": meetings.upcoming(now),
            "past": meetings.filter(ends_at__lt=now).order_by("-starts_at")[:30],
        },
    )


def council_meetings(request, pk):
    council = get_object_or_404(
        visible_councils(request.user).select_related("district", "municipality"), pk=pk
    )
    now = timezone.now()
    meetings = Meeting.objects.visible_to(request.user).filter(council=council)
    feed = CalendarFeed.objects.filter(council=council).first()
    can_run = running_councils(request.user).filter(pk=council.pk).exists()
    members = []
    if can_run:
        memberships = council.current_memberships().order_by("person__name")
        keepers = _feed_keepers(request.user, [m.person_id for m in memberships])
        shown = list(CalendarFeed.objects.filter(person__in=keepers).select_related("person"))
        actions.show_feeds(shown, by=request.user, district_id=council.district_id)
        member_feeds = {person_feed.person_id: person_feed for person_feed in shown}
        for membership in memberships:
            person_feed = member_feeds.get(membership.person_id)
            url = person_feed.get_absolute_url() if person_feed else ""
            members.append(
                (
                    membership.person,
                    request.build_absolute_uri(url) if url else "",
                    membership.person_id in keepers,
                )
            )
    return render(
        request,
        "meetings/council.html",
        {
            "council": council,
            "upcoming": meetings.upcoming(now),
            "past": meetings.filter(ends_at__lt=now).order_by("-starts_at"),
            "open_actions": FollowUp.objects.visible_to(request.user)
            .open()
            .filter(council=council)
            .select_related("owner", "decision__agenda_item__meeting"),
            "can_run": can_run,
            "members": members,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
            "is_local_council": council.kind == Council.Kind.LOCAL_COUNCIL,
            "plan_years": CooperationPlan.objects.filter(district=council.district_id)
            .order_by("-year")
            .values_list("year", flat=True),
            "today": timezone.localdate(),
        },
    )


def meeting_add(request, pk):
    council = get_object_or_404(running_councils(request.user), pk=pk)
    form = MeetingForm(request.POST or None, instance=Meeting(council=council))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in MeetingForm.Meta.fields}
        meeting = actions.create_meeting(council, by=request.user, **fields)
        messages.success(request, _("The meeting was created and the members invited."))
        return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Plan a meeting"),
        submit=_("Create meeting"),
        cancel=reverse("staff:meetings:council", args=[council.pk]),
        council=council,
    )


def meeting_edit(request, pk):
    meeting = _meeting(request, pk, edit=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in MeetingForm.Meta.fields}
        try:
            actions.update_meeting(meeting, by=request.user, **fields)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Edit meeting"),
        submit=_("Save"),
        cancel=meeting.get_absolute_url(),
        council=meeting.council,
        meeting=meeting,
    )


@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk, edit=True)
    try:
        actions.cancel_meeting(meeting, by=request.user)
    except actions.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The meeting was cancelled."))
    return redirect(meeting)


def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    items = list(
        meeting.agenda_items.select_related("initiative", "focus_area").prefetch_related(
            "decisions__follow_up__owner"
        )
    )
    documents = Document.objects.visible_to(request.user).filter(meeting=meeting)
    by_item = {}
    for document in documents:
        by_item.setdefault(document.agenda_item_id, []).append(document)
    for item in items:
        item.papers = by_item.get(item.pk, [])
    open_actions = (
        FollowUp.objects.visible_to(request.user)
        .open()
        .filter(
            council=meeting.council,
            decision__agenda_item__meeting__starts_at__lt=meeting.starts_at,
        )
        .select_related("owner", "decision__agenda_item__meeting")
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "council": meeting.council,
            "agenda": agenda_tree(items),
            "participants": meeting.participants.select_related("person"),
            "general_papers": by_item.get(None, []),
            "open_actions": open_actions,
            "versions": meeting.minutes_versions.select_related("created_by"),
            "can_run": _may_run(request.user, meeting),
            "today": timezone.localdate(),
            "has_begun": meeting.starts_at <= timezone.now(),
        },
    )


def invite(request, pk):
    meeting = _meeting(request, pk, edit=True)
    form = InviteForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            participant = actions.invite(meeting, by=request.user, **form.cleaned_data)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was invited.") % {"name": participant.name})
            return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Invite someone"),
        submit=_("Invite"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
    )


def attendance(request, pk):
    meeting = _meeting(request, pk, edit=True)
    participants = meeting.participants.select_related("person")
    form = AttendanceForm(
        request.POST or None, participants=participants, locked=meeting.minutes_locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_attendance(
                meeting,
                by=request.user,
                attendance=form.attendance(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The attendance was saved."))
            return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Record attendance"),
        submit=_("Save attendance"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
    )


def document_add(request, pk):
    meeting = _meeting(request, pk, edit=True)
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_document(meeting, by=request.user, **form.cleaned_data)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The paper was added."))
            return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Add paper"),
        submit=_("Upload"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
    )


def document_download(request, pk):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    return FileResponse(handle, content_type="application/pdf", filename=f"{document.title}.pdf")


@require_POST
def document_delete(request, pk):
    meetings = Meeting.objects.visible_to(request.user).editable_by(request.user)
    document = get_object_or_404(Document.objects.filter(meeting__in=meetings), pk=pk)
    meeting = document.meeting
    try:
        actions.delete_document(document, by=request.user)
    except actions.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The paper was removed."))
    return redirect(meeting)


def _item_form(request, meeting, item):
    form = AgendaItemForm(request.POST or None, instance=item, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_agenda_item(form.instance, by=request.user)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The agenda item was saved."))
            return redirect(meeting)
    return _form_page(
        request,
        form,
        title=_("Edit agenda item") if item.pk else _("Add agenda item"),
        submit=_("Save"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
        item=item,
    )


def item_add(request, pk):
    meeting = _meeting(request, pk, edit=True)
    return _item_form(request, meeting, AgendaItem(meeting=meeting))


def item_edit(request, pk):
    item = _item(request, pk)
    return _item_form(request, item.meeting, item)


@require_POST
def item_delete(request, pk):
    item = _item(request, pk)
    try:
        actions.delete_agenda_item(item, by=request.user)
    except actions.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The agenda item was removed."))
    return redirect(item.meeting)


def minutes(request, pk):
    item = _item(request, pk)
    meeting = item.meeting
    form = MinutesForm(
        request.POST or None, initial={"minutes": item.minutes}, locked=meeting.minutes_locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.write_minutes(item, by=request.user, **form.cleaned_data)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    return _form_page(
        request,
        form,
        title=_("Minutes of %(title)s") % {"title": item.title},
        submit=_("Save minutes"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
        item=item,
    )


def decision_add(request, pk):
    item = _item(request, pk)
    meeting = item.meeting
    form = DecisionForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_decision(item, by=request.user, **form.action_kwargs())
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The decision was recorded."))
            return redirect(f"{meeting.get_absolute_url()}#item-{item.pk}")
    return _form_page(
        request,
        form,
        title=_("Record a decision"),
        submit=_("Record decision"),
        cancel=meeting.get_absolute_url(),
        meeting=meeting,
        council=meeting.council,
        item=item,
        template="meetings/decision_form.html",
    )


def follow_up_done(request, pk):
    condition = access.running_filter(request.user)
    follow_ups = FollowUp.objects.visible_to(request.user)
    if condition is not None:
        follow_ups = follow_ups.filter(condition)
    follow_up = get_object_or_404(follow_ups.select_related("council", "owner"), pk=pk)
    form = CompleteFollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.complete_follow_up(follow_up, by=request.user, **form.cleaned_data)
        except actions.MeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The action is marked as done."))
            return redirect("staff:meetings:council", follow_up.council_id)
    return _form_page(
        request,
        form,
        title=_("Action done: %(title)s") % {"title": follow_up.title},
        submit=_("Mark as done"),
        cancel=reverse("staff:meetings:council", args=[follow_up.council_id]),
        council=follow_up.council,
    )


@require_POST
def approve(request, pk):
    meeting = _meeting(request, pk, edit=True)
    try:
        actions.approve_minutes(meeting, by=request.user)
    except actions.MeetingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The minutes are approved and locked."))
    return redirect(meeting)


def pack_pdf(request, pk):
    from tryghed.meetings.pdf import meeting_pack

    meeting = _meeting(request, pk)
    documents = Document.objects.visible_to(request.user).filter(meeting=meeting)
    follow_ups = FollowUp.objects.visible_to(request.user)
    response = HttpResponse(
        meeting_pack(meeting, documents, follow_ups), content_type="application/pdf"
    )
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'inline; filename="moedepakke-{stamp}.pdf"'
    return response


def meeting_ics(request, pk):
    """One meeting as an iCalendar file, to add to a calendar by hand; the same event (the
    same UID) as in the feeds, so that a calendar holding both shows it once."""
    meeting = _meeting(request, pk)
    response = HttpResponse(
        ical.calendar(meeting.title, [meeting]), content_type="text/calendar; charset=utf-8"
    )
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="moede-{stamp}.ics"'
    return response


def annual_report(request, pk, year):
    from tryghed.meetings.pdf import annual_report as render_report

    council = get_object_or_404(
        visible_councils(request.user).filter(kind=Council.Kind.LOCAL_COUNCIL), pk=pk
    )
    if not 2000 <= year <= 2100:
        raise Http404
    response = HttpResponse(render_report(council, year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="status-{council.slug}-{year}.pdf"'
    return response


@require_POST
def council_feed(request, pk):
    council = get_object_or_404(running_councils(request.user), pk=pk)
    actions.issue_feed(by=request.user, council=council)
    messages.success(request, _("The calendar has a new address; the old one no longer works."))
    return redirect("staff:meetings:council", council.pk)


@require_POST
def person_feed(request, pk, person_pk):
    """A member without an account of their own gets a calendar address from the secretary,
    if the secretary may hold it (see `_feed_keepers`)."""
    council = get_object_or_404(running_councils(request.user), pk=pk)
    membership = get_object_or_404(
        council.current_memberships().select_related("person"), person=person_pk
    )
    if not _feed_keepers(request.user, [membership.person_id]):
        raise Http404
    actions.issue_feed(by=request.user, person=membership.person, district_id=council.district_id)
    messages.success(
        request,
        _("%(person)s has a new calendar address; the old one no longer works.")
        % {"person": membership.person},
    )
    return redirect(f"{reverse('staff:meetings:council', args=[council.pk])}#calendar-heading")


def my_calendar(request):
    person = getattr(request.user, "person", None)
    if person is None and not scope_of(request.user).is_staff_member:
        raise Http404
    if request.method == "POST":
        if person is None:
            raise Http404
        district = person.memberships.values_list("council__district", flat=True).first()
        actions.issue_feed(by=request.user, person=person, district_id=district)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("staff:meetings:my_calendar")
    # The member's own page: showing them their address records nothing.
    feed = CalendarFeed.objects.filter(person=person).first() if person else None
    upcoming = (
        Meeting.objects.upcoming()
        .filter(participants__person=person)
        .select_related("council")
        .distinct()
        if person
        else Meeting.objects.none()
    )
    return render(
        request,
        "meetings/my_calendar.html",
        {
            "person": person,
            "feed_url": request.build_absolute_uri(feed.get_absolute_url()) if feed else "",
            "feed_withholds": bool(feed) and ical.withholds(feed),
            "upcoming": upcoming,
        },
    )


@login_not_required
def feed(request, secret):
    calendar = get_object_or_404(
        CalendarFeed.objects.select_related("council", "person"), secret=secret
    )
    response = HttpResponse(ical.feed(calendar), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="moeder.ics"'
    # A private address: no shared cache may keep it.
    response["Cache-Control"] = "private, max-age=900"
    return response
