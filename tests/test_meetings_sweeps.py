"""The council-meeting sweep, driven by `sweep(now=...)`: reminders before a meeting and a
reminder to the secretary when the minutes are missing."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.meetings_helpers import *  # noqa: F403
from tests.meetings_helpers import make_meeting
from tryghed.meetings import actions
from tryghed.meetings.models import AgendaItem, Participant
from tryghed.meetings.sweeps import sweep

pytestmark = pytest.mark.django_db


def test_participants_are_reminded_once_before_the_meeting(councils, people, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=3)
    actions.invite(meeting, by=secretariat, guest_name="Gæst uden e-mail")
    excused = Participant.objects.get(meeting=meeting, person=people["director"])
    excused.attendance = Participant.Attendance.EXCUSED
    excused.save()
    now = timezone.now()
    mail.outbox.clear()
    # First the invitations, not to those who have sent their excuses.
    assert sweep(now=now) == ["Rådsmøder: sendte 2 indbydelser."]
    assert "Indbydelse" in mail.outbox[0].subject
    mail.outbox.clear()
    assert sweep(now=now) == []  # three days ahead: too early for the reminder
    assert mail.outbox == []
    lines = sweep(now=meeting.starts_at - dt.timedelta(hours=24))
    assert lines == ["Rådsmøder: sendte 2 påmindelser før møder."]
    assert sorted(m.to[0] for m in mail.outbox) == ["borgmester@koege.dk", "sekretariat@politi.dk"]
    message = mail.outbox[0]
    assert "Kredsrådsmøde" in message.subject
    assert message.attachments[0][2] == "text/calendar"
    # A second pass, or a sweeper running at the same time, sends nothing more.
    assert sweep(now=meeting.starts_at - dt.timedelta(hours=23)) == []
    assert len(mail.outbox) == 2


def test_secretary_is_reminded_when_minutes_are_missing(councils, people, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=-1)
    written = make_meeting(councils["kredsraad"], secretariat, days=-2, title="Med referat")
    AgendaItem.objects.create(meeting=written, title="Punkt", minutes="Drøftet.", order=1)
    mail.outbox.clear()
    assert sweep(now=meeting.ends_at + dt.timedelta(days=1)) == []
    lines = sweep(now=meeting.ends_at + dt.timedelta(days=6))
    assert len(lines) == 1 and "sekretariat@politi.dk" in lines[0]
    assert [m.to for m in mail.outbox] == [["sekretariat@politi.dk"]]
    assert "Referat mangler" in mail.outbox[0].subject
    assert sweep(now=meeting.ends_at + dt.timedelta(days=7)) == []
    assert len(mail.outbox) == 1


def test_cancelled_meetings_need_no_minutes(councils, people, secretariat):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=1)
    actions.cancel_meeting(meeting, by=secretariat)
    mail.outbox.clear()
    assert sweep(now=meeting.ends_at + dt.timedelta(days=6)) == []
    assert mail.outbox == []


def test_the_sweep_command_runs_this_sweep():
    from tryghed.core.management.commands.sweep import sweep_modules

    assert "tryghed.meetings.sweeps" in {module.__name__ for module in sweep_modules()}


def test_participants_are_invited_once_and_late_invitations_replace_the_reminder(
    councils, people, secretariat
):
    meeting = make_meeting(councils["kredsraad"], secretariat, days=20)
    soon = make_meeting(councils["kredsraad"], secretariat, days=1, title="Ekstraordinært")
    actions.invite(meeting, by=secretariat, guest_name="Gæst", guest_email="gaest@example.dk")
    actions.invite(meeting, by=secretariat, guest_name="Gæst uden e-mail")
    mail.outbox.clear()
    now = timezone.now()
    lines = sweep(now=now)
    invited = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert lines == ["Rådsmøder: sendte 7 indbydelser."]
    assert ("gaest@example.dk", "Indbydelse: Kredsrådet, Kredsrådsmøde") in invited
    message = next(m for m in mail.outbox if m.to == ["gaest@example.dk"])
    assert "Kære Gæst" in message.body and message.attachments[0][2] == "text/calendar"
    assert "Politigården, Næstved" in message.body and meeting.get_absolute_url() in message.body
    # The meeting tomorrow is within the reminder's time: its invitation was the reminder.
    assert not Participant.objects.filter(meeting=soon, reminded_at__isnull=True).exists()
    mail.outbox.clear()
    assert sweep(now=now + dt.timedelta(minutes=1)) == []
    assert mail.outbox == []
    # Someone invited later gets an invitation of their own; a cancelled meeting sends none.
    actions.invite(meeting, by=secretariat, guest_name="Sen", guest_email="sen@example.dk")
    actions.cancel_meeting(soon, by=secretariat)
    actions.invite(soon, by=secretariat, guest_name="Aflyst", guest_email="aflyst@example.dk")
    assert sweep(now=now + dt.timedelta(minutes=2)) == ["Rådsmøder: sendte 1 indbydelse."]
    assert [m.to for m in mail.outbox] == [["sen@example.dk"]]
