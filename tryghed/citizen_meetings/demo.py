"""Upcoming citizen meetings and talks of the demo district, for the demo loader.

An event is found by its municipality and title among the upcoming ones, and created only
when there is none: a re-run adds nothing, and once the demo's events are past, a re-run
puts new ones in the calendar.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from tryghed.citizen_meetings.models import CitizenMeeting

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
Kind = CitizenMeeting.Kind

# (municipality code, kind, weeks ahead, weekday (0 = Monday), start, hours, seats, title,
#  English title, place, address, description)
EVENTS = [
    (
        "0265",
        Kind.CITIZEN_MEETING,
        2,
        1,
        "19:00",
        2,
        80,
        "Borgermøde om tryghed i Roskilde midtby",
        "Citizen meeting on safety in central Roskilde",
        "Roskilde Bibliotek, salen",
        "Dronning Margrethes Vej 14, 4000 Roskilde",
        "Politiet og Roskilde Kommune fortæller om indsatsen i midtbyen om aftenen og i "
        "weekenden og lytter til jeres oplevelser. Der er kaffe og kage.",
    ),
    (
        "0259",
        Kind.PREVENTION_TALK,
        3,
        2,
        "19:00",
        2,
        40,
        "Sådan sikrer du dit hjem mod indbrud",
        "How to protect your home against burglary",
        "Køge Bibliotek",
        "Kirkestræde 18, 4600 Køge",
        "En forebyggelsesbetjent viser, hvordan indbrudstyve arbejder, og hvad der virker: "
        "lys, lås, nabohjælp og mærkning af værdigenstande.",
    ),
    (
        "0253",
        Kind.PREVENTION_TALK,
        4,
        3,
        "17:00",
        2,
        30,
        "Indbrudsforebyggelse for grundejerforeninger i Greve",
        "Burglary prevention for homeowners' associations in Greve",
        "Greve Rådhus, mødesal 1",
        "Rådhusholmen 10, 2670 Greve",
        "For bestyrelser og beboere i grundejerforeninger: nabohjælp, tryghedsvandringer og "
        "hvad politiet gør efter et indbrud.",
    ),
    (
        "0316",
        Kind.CITIZEN_MEETING,
        5,
        0,
        "19:30",
        2,
        100,
        "Borgermøde: Politiet i Holbæk Kommune",
        "Citizen meeting: the police in Holbæk Municipality",
        "Holbæk Medborgerhus",
        "Jernbanevej 2, 4300 Holbæk",
        "Lokalpolitiet fortæller om kriminaliteten i kommunen og svarer på spørgsmål.",
    ),
    (
        "0326",
        Kind.PREVENTION_TALK,
        6,
        1,
        "14:00",
        2,
        25,
        "Svindel mod ældre – sådan undgår du det",
        "Fraud against the elderly – how to avoid it",
        "Kalundborg Bibliotek",
        "Kordilgade 2, 4400 Kalundborg",
        "Om telefonsvindel, falske håndværkere og svindel på nettet, og hvad du gør, hvis det "
        "er sket.",
    ),
]


def _start(today, weeks, weekday, clock):
    day = today + datetime.timedelta(weeks=weeks)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    hour, minute = map(int, clock.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=COPENHAGEN)


def load_demo_meetings(district, municipalities, today):
    """Create the demo's upcoming events that are missing; returns (created, found)."""
    created = found = 0
    now = timezone.now()
    for (
        code,
        kind,
        weeks,
        weekday,
        clock,
        hours,
        seats,
        title,
        title_en,
        place,
        address,
        description,
    ) in EVENTS:
        municipality = municipalities[code]
        if CitizenMeeting.objects.filter(
            municipality=municipality, title=title, ends_at__gte=now
        ).exists():
            found += 1
            continue
        starts = _start(today, weeks, weekday, clock)
        CitizenMeeting.objects.create(
            kind=kind,
            title=title,
            title_en=title_en,
            description=description,
            district=district,
            municipality=municipality,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=hours),
            place=place,
            address=address,
            capacity=seats,
            is_public=True,
            contact_email=f"lokalpoliti.{code}@example.dk",
        )
        created += 1
    return created, found
