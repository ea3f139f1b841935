"""Council meetings of the demo district: the kredsråd's last meeting with its minutes,
decisions and an open action, its next meeting, and a lokalråd's meetings likewise.

Meetings are placed around the day the demo is loaded and found again by council and title,
so loading twice adds nothing.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from tryghed.meetings.agenda import minutes_content
from tryghed.meetings.models import (
    AgendaItem,
    Decision,
    FollowUp,
    Meeting,
    MinutesVersion,
    Participant,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _at(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)


def _meeting(council, title, day, place, hour=14):
    meeting, created = Meeting.objects.get_or_create(
        council=council,
        title=title,
        defaults={"starts_at": _at(day, hour), "ends_at": _at(day, hour + 2), "place": place},
    )
    if created:
        people = {m.person for m in council.current_memberships(day)}
        Participant.objects.bulk_create(
            Participant(meeting=meeting, person=person, attendance=attendance)
            for person, attendance in zip(
                sorted(people, key=lambda p: p.name),
                _attendance(day),
                strict=False,
            )
        )
    return meeting, created


def _attendance(day):
    """Everyone invited to a future meeting; most present and one excused at a past one."""
    past = day < timezone.localdate()
    n = 0
    while True:
        if not past:
            yield Participant.Attendance.INVITED
        else:
            yield Participant.Attendance.EXCUSED if n % 5 == 4 else Participant.Attendance.PRESENT
        n += 1


def _items(meeting, specs, parent=None):
    for order, spec in enumerate(specs, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            parent=parent,
            order=order,
            title=spec["title"],
            description=spec.get("description", ""),
            focus_area=spec.get("focus_area"),
            initiative=spec.get("initiative"),
            minutes=spec.get("minutes", ""),
        )
        for decision in spec.get("decisions", []):
            made = Decision.objects.create(
                agenda_item=item,
                kind=Decision.Kind.ACTION if "action" in decision else Decision.Kind.NOTE,
                text=decision["text"],
                initiative=item.initiative,
            )
            if "action" in decision:
                FollowUp.objects.create(
                    council=meeting.council,
                    decision=made,
                    title=decision["action"],
                    owner=decision["owner"],
                    due_date=decision["due"],
                )
        _items(meeting, spec.get("children", []), parent=item)


def _approve(meeting, when):
    meeting.minutes_approved_at = when
    meeting.minutes_version = 1
    meeting.save(update_fields=["minutes_approved_at", "minutes_version"])
    version = MinutesVersion.objects.create(
        meeting=meeting, number=1, content=minutes_content(meeting)
    )
    # Recorded when it was approved, not when the demo was loaded.
    MinutesVersion.objects.filter(pk=version.pk).update(created_at=when)


def _secretary(council):
    membership = (
        council.current_memberships().filter(position="secretary").first()
        or council.current_memberships().filter(position="chair").first()
    )
    return membership.person if membership else None


def load_demo_council_meetings(councils, plan, today):
    """`councils` maps council slugs to councils; returns (created, found) meetings."""
    areas = list(plan.focus_areas.order_by("order")) if plan else []
    roots = {
        area.pk: area.initiatives.filter(parent__isnull=True).order_by("order", "pk").first()
        for area in areas
    }
    created = found = 0
    kreds = councils.get("kredsraad")
    contact = councils.get("kontaktudvalg")
    owner = _secretary(contact) if contact else None
    if kreds is not None and areas and owner is not None:
        past_day = today - datetime.timedelta(days=42)
        meeting, new = _meeting(
            kreds, "Kredsrådsmøde, 2. kvartal", past_day, "Politigården, Næstved"
        )
        if new:
            _items(
                meeting,
                [
                    {"title": "Godkendelse af dagsorden", "minutes": "Dagsordenen blev godkendt."},
                    {
                        "title": "Status på samarbejdsplanen",
                        "focus_area": areas[0],
                        "minutes": "Sekretariatet gennemgik status for planens indsatser.",
                        "children": [
                            {
                                "title": roots[areas[0].pk].title,
                                "initiative": roots[areas[0].pk],
                                "minutes": "Indsatsen er godt i gang i de deltagende kommuner.",
                                "decisions": [
                                    {
                                        "text": "Kredsrådet tog orienteringen til efterretning "
                                        "og bad om en samlet oversigt til næste møde.",
                                        "action": "Samlet oversigt over tryghedsvandringer",
                                        "owner": owner,
                                        "due": today + datetime.timedelta(days=14),
                                    }
                                ],
                            },
                        ],
                    },
                    {
                        "title": "Kriminalitetsudviklingen i kredsen",
                        "minutes": "Politiet fremlagde tallene for første halvår.",
                        "decisions": [{"text": "Kredsrådet tog orienteringen til efterretning."}],
                    },
                    {"title": "Eventuelt", "minutes": "Intet."},
                ],
            )
            _approve(meeting, _at(past_day + datetime.timedelta(days=7), 10))
        created, found = created + new, found + (not new)
        next_day = today + datetime.timedelta(days=21)
        meeting, new = _meeting(kreds, "Kredsrådsmøde, 3. kvartal", next_day, "Rådhuset, Holbæk")
        if new:
            _items(
                meeting,
                [
                    {"title": "Godkendelse af dagsorden"},
                    {"title": "Opfølgning på åbne handlinger"},
                    {
                        "title": "Status på samarbejdsplanen",
                        "focus_area": areas[1] if len(areas) > 1 else areas[0],
                    },
                    {"title": "Eventuelt"},
                ],
            )
        created, found = created + new, found + (not new)
    koege = councils.get("lokalraad-koege")
    leader = _secretary(koege) if koege else None
    if koege is not None and leader is not None and areas:
        past_day = today - datetime.timedelta(days=30)
        meeting, new = _meeting(koege, "Lokalrådsmøde", past_day, "Køge Rådhus", hour=16)
        if new:
            _items(
                meeting,
                [
                    {
                        "title": "Lokal handleplan",
                        "focus_area": areas[-1],
                        "minutes": "Lokalrådet drøftede udkastet til handleplan.",
                        "decisions": [
                            {"text": "Lokalrådet vedtog handleplanen med de foreslåede ændringer."}
                        ],
                    },
                    {
                        "title": "Unge og knallerter ved stationen",
                        "minutes": "SSP orienterede om henvendelser fra beboerne.",
                        "decisions": [
                            {
                                "text": "SSP og politiet aftaler en fælles indsats.",
                                "action": "Aftale om fælles indsats ved stationen",
                                "owner": leader,
                                "due": today + datetime.timedelta(days=10),
                            }
                        ],
                    },
                ],
            )
        created, found = created + new, found + (not new)
        meeting, new = _meeting(
            koege,
            "Lokalrådsmøde, efterår",
            today + datetime.timedelta(days=35),
            "Køge Rådhus",
            hour=16,
        )
        if new:
            _items(meeting, [{"title": "Status på handleplanen"}, {"title": "Eventuelt"}])
        created, found = created + new, found + (not new)
    return created, found
