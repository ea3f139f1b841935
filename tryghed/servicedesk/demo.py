"""The demo district's service desk: reply templates with placeholders (replies.py), in
Danish and English, and citizen requests of the last weeks worked by the demo staff. Found
by title or key and created only when missing, so staff's changes stay."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from tryghed.accounts.models import User
from tryghed.guarantees import actions as guarantee_actions
from tryghed.guarantees import counts
from tryghed.guarantees.models import DANISH_TIME, Deadline, deadline_window, month_of
from tryghed.organisation.models import Municipality
from tryghed.servicedesk import actions, notify, replies
from tryghed.servicedesk.models import (
    Handling,
    Queue,
    ReplyTemplate,
    Service,
    ServiceRequest,
)

UTC = datetime.UTC
# The key in a demo request's details that finds it again; a leading underscore keeps it
# out of the answers staff read.
DEMO_KEY = "_demo"

TEMPLATES = [
    (
        "Tak for dit tip",
        "Tak for dit tip ({reference}). {team} har læst det og tager det med i "
        "planlægningen af patruljer og efterforskning. Vi kan ikke fortælle, hvad der "
        "videre sker i sagen, men dit tip er vigtigt for os.",
        "Thank you for your tip ({reference}). {team} has read it and takes it into "
        "account when planning patrols and investigations. We cannot tell you what happens "
        "next in the case, but your tip matters to us.",
    ),
    (
        "Gener: vi holder øje",
        "Tak for din henvendelse om gener i {municipality} ({reference}). Vi har sat "
        "stedet på listen over steder, patruljen kører forbi de kommende weekender.",
        "Thank you for telling us about the nuisance in {municipality} ({reference}). The "
        "place is on the list that patrols pass by in the coming weekends.",
    ),
    (
        "Bestil en betjent: vi kontakter dig",
        "Tak for din bestilling ({reference}, {service}) modtaget {received}. Vi kontakter "
        "dig inden for 14 dage for at aftale tid og indhold.",
        "Thank you for your booking ({reference}, {service}) received {received}. We will "
        "contact you within 14 days to agree on a date and what to cover.",
    ),
    (
        "Akut: ring 112",
        "Hvis det sker lige nu, eller nogen er i fare, så ring 112. Din henvendelse "
        "({reference}) bliver ikke overvåget døgnet rundt.",
        "If it is happening now or anyone is in danger, call 112. Your request "
        "({reference}) is not watched around the clock.",
    ),
]


def load_demo_reply_templates(district):
    """(created, found) reply templates of `district`."""
    created = found = 0
    for title, body, body_en in TEMPLATES:
        _template, new = ReplyTemplate.objects.get_or_create(
            district=district, title=title, defaults={"body": body, "body_en": body_en}
        )
        created += new
        found += not new
    return created, found


# Citizen requests ---------------------------------------------------------------------------

# Points well inside the municipalities.
POINTS = {
    "0259": (55.4581, 12.1822),  # Køge
    "0253": (55.5890, 12.2700),  # Greve
    "0265": (55.6415, 12.0803),  # Roskilde
    "0316": (55.7155, 11.7120),  # Holbæk
    "0326": (55.6800, 11.1000),  # Kalundborg
    "0329": (55.4430, 11.7900),  # Ringsted
}


@dataclass(frozen=True)
class DemoRequest:
    """A request as a citizen sent it `days_ago` (at `hour`, Danish time), and what the desk
    has done with it since: `story` is a list of (username, action, argument)."""

    key: str
    service: str
    municipality: str
    place: str
    description: str
    days_ago: int
    hour: int
    details: dict = field(default_factory=dict)
    contact: tuple = ("", "", "")  # name, e-mail, phone
    story: tuple = ()


REQUESTS = [
    DemoRequest(
        "skole-koege",
        "tip-narkotika",
        "0259",
        "Stien bag Køge Gymnasium",
        "To unge mænd sælger hash fra en knallert ved stien bag gymnasiet, lige når "
        "eleverne har frikvarter. Det er sket hele ugen.",
        days_ago=6,
        hour=10,
        details={
            "naer-skole": "ja",
            "hyppighed": "dagligt",
            "personer": "To drenge, ca. 18 år, mørke jakker",
            "koeretoejer": "Sort knallert uden nummerplade",
        },
        story=(
            ("betjent.koege", "assign", "betjent.koege"),
            ("betjent.koege", "priority", 1),
            ("betjent.koege", "on_site", 11),
            (
                "betjent.koege",
                "note",
                "Patrulje ved gymnasiet i frikvartererne tirs-fre. "
                "Kendt knallert, se sag 0900-12345-00123-26.",
            ),
            ("betjent.koege", "reply", "Tak for dit tip"),
            ("betjent.koege", "close", "resolved"),
        ),
    ),
    DemoRequest(
        "villavej-koege",
        "tip-mistaenkelig-aktivitet",
        "0259",
        "Villavejene ved Ølby",
        "En hvid varevogn har kørt langsomt rundt på villavejene tre aftener i træk, og to "
        "personer gik op ad indkørslerne og kiggede ind ad vinduerne.",
        days_ago=1,
        hour=21,
        details={"hyppighed": "flere-gange", "koeretoejer": "Hvid Ford Transit, polske plader"},
    ),
    DemoRequest(
        "foredrag-koege",
        "betjent-foredrag",
        "0259",
        "Grundejerforeningen Skovkvarteret, fælleshuset",
        "Vi har haft fire indbrud i kvarteret siden sommer og vil gerne høre, hvordan vi "
        "sikrer husene og starter nabohjælp.",
        days_ago=5,
        hour=19,
        details={
            "emner": ["indbrud", "nabohjaelp"],
            "maalgruppe": "grundejerforening",
            "deltagere": 40,
            "organisation": "Grundejerforeningen Skovkvarteret",
            "oensket-dato": 30,
        },
        contact=("Lone Frandsen", "lone.frandsen@example.dk", "20 30 40 50"),
        story=(
            ("betjent.koege", "assign", "betjent.koege"),
            ("betjent.koege", "reply", "Bestil en betjent: vi kontakter dig"),
            ("betjent.koege", "status", "in_progress"),
        ),
    ),
    DemoRequest(
        "kontrol-koege",
        "betjent-faerdselskontrol",
        "0259",
        "Ølbyvej ved skolen",
        "Bilerne kører alt for stærkt forbi skolen om morgenen, og børnene krydser vejen "
        "uden fodgængerfelt.",
        days_ago=16,
        hour=8,
        details={"vej": "Ølbyvej", "organisation": "Ølby Skoles forældreråd", "oensket-dato": 12},
        contact=("Jesper Holm", "jesper.holm@example.dk", ""),
    ),
    DemoRequest(
        "strandfest-greve",
        "gene-unges-fester",
        "0253",
        "Greve Strand ved Mosede Havn",
        "Fest med høj musik og mange unge på stranden til langt ud på natten. Der ligger "
        "glasskår og lattergaspatroner tilbage om morgenen.",
        days_ago=2,
        hour=23,
        details={"stedtype": "strand", "antal-personer": 40, "hyppighed": "ugentligt"},
        story=(
            ("betjent.greve", "assign", "betjent.greve"),
            ("betjent.greve", "status", "in_progress"),
            (
                "kommune.greve",
                "note",
                "Ekstra affaldsspande og rengøring lørdag og søndag morgen; SSP er orienteret.",
            ),
            ("kommune.greve", "reply", "Gener: vi holder øje"),
        ),
    ),
    DemoRequest(
        "strandfest-greve-2",
        "gene-unges-fester",
        "0253",
        "Mosede Strand",
        "Larm fra stranden hele natten, unge der råber og spiller musik fra en bil.",
        days_ago=2,
        hour=23,
        details={"stedtype": "strand"},
        story=(("betjent.greve", "duplicate", "strandfest-greve"),),
    ),
    DemoRequest(
        "knallert-greve",
        "gene-knallertkoersel",
        "0253",
        "Hundige Strandvej og stierne i Hundige Park",
        "Knallerter kører stærkt på stierne i parken om aftenen, hvor børn og hunde går.",
        days_ago=5,
        hour=20,
        details={"koeretoejer": "3-4 knallerter, en rød Puch"},
        story=(
            ("betjent.greve", "priority", 2),
            ("kommune.greve", "reply", "Gener: vi holder øje"),
            ("kommune.greve", "close", "referred"),
        ),
    ),
    DemoRequest(
        "reklame-greve",
        "tip-andet",
        "0253",
        "",
        "Køb billige solbriller og ure på vores hjemmeside, fri fragt i hele Danmark!!!",
        days_ago=3,
        hour=4,
        story=(("betjent.greve", "spam", ""),),
    ),
    DemoRequest(
        "opgang-greve",
        "tip-narkotika",
        "0253",
        "Opgangen i Askerød",
        "Der kommer mange forskellige mennesker i en lejlighed i vores opgang hele døgnet "
        "og bliver kun et par minutter.",
        days_ago=8,
        hour=17,
        details={"naer-skole": "nej", "hyppighed": "dagligt"},
        story=(
            ("betjent.greve", "reply", "Tak for dit tip"),
            (
                "citizen",
                "message",
                "Det er fortsat hver aften efter kl. 22, og nu også i weekenden.",
            ),
        ),
    ),
    DemoRequest(
        "narkohund-roskilde",
        "betjent-narkohund",
        "0265",
        "Roskilde Tekniske Skole",
        "Vi vil gerne have besøg af en narkohund og en samtale med eleverne om stoffer efter "
        "nogle episoder på skolens område.",
        days_ago=4,
        hour=11,
        details={
            "institution": "ungdomsuddannelse",
            "deltagere": 300,
            "organisation": "Roskilde Tekniske Skole",
            "oensket-dato": 21,
        },
        contact=("Mette Skov", "mette.skov@example.dk", "46 30 30 30"),
    ),
    DemoRequest(
        "byggeplads-holbaek",
        "gene-andet",
        "0316",
        "Havnefronten i Holbæk",
        "Larm fra byggepladsen på havnen om natten, og unge kravler over hegnet og hopper "
        "fra kranen ud i vandet.",
        days_ago=11,
        hour=1,
    ),
    DemoRequest(
        "parkering-kalundborg",
        "tip-mistaenkelig-aktivitet",
        "0326",
        "Parking garage at Kalundborg station",
        "Two men are opening car doors one after another in the parking garage on the "
        "second floor.",
        days_ago=0,
        hour=7,
        details={
            "_language": "en",
            "hyppighed": "en-gang",
            "personer": "Two men, 25-30, grey hoodies",
        },
    ),
    DemoRequest(
        "parkeringshus-ringsted",
        "gene-unges-fester",
        "0329",
        "P-huset ved Ringsted station, øverste dæk",
        "Unge mødes på øverste dæk i p-huset fredag og lørdag aften med musik, drifting og "
        "lattergas.",
        days_ago=13,
        hour=22,
        details={"stedtype": "parkeringshus", "antal-personer": 25, "hyppighed": "ugentligt"},
    ),
]


def load_demo_requests(district, users, now=None):
    """(created, found) demo requests of `district`: citizen requests of the last weeks in
    every state the desk knows, worked by the demo district's staff (`users` by username).

    Each goes through the desk's own actions, as a citizen and staff would, then its
    receipt is dated back to when the citizen sent it (the desk's work is dated the day of
    loading), with its guarantees' deadlines from that moment. Found by the key kept in
    its details, so a re-run changes nothing."""
    services = {s.code: s for s in Service.objects.all()}
    if not all(r.service in services for r in REQUESTS):
        return 0, 0  # the services are not loaded: nothing to file the requests under
    now = now or timezone.now()
    have = {
        r.details.get(DEMO_KEY): r
        for r in ServiceRequest.objects.filter(district=district, details__has_key=DEMO_KEY)
    }
    municipalities = {m.code: m for m in Municipality.objects.filter(district=district)}
    made = dict(have)
    created = 0
    # Oldest first, so that the reference numbers follow the dates.
    for spec in sorted(REQUESTS, key=lambda r: (-r.days_ago, r.hour)):
        if spec.key in have or spec.municipality not in municipalities:
            continue
        made[spec.key] = _submit(spec, services[spec.service], now)
        created += 1
        for username, action, argument in spec.story:
            _act(made[spec.key], users.get(username), action, argument, made)
    return created, len(have)


def _submit(spec, service, now):
    at = _local(now, spec.days_ago, spec.hour)
    details = {DEMO_KEY: spec.key}
    for code, value in spec.details.items():
        if code == "oensket-dato":
            value = (now + datetime.timedelta(days=value)).astimezone(DANISH_TIME).date()
            value = value.isoformat()
        details[code] = value
    if service.attributes.filter(code="tidspunkt").exists():
        details["tidspunkt"] = (at - datetime.timedelta(minutes=20)).astimezone(UTC).isoformat()
    lat, lon = POINTS[spec.municipality]
    name, email, phone = spec.contact
    request, _token = actions.submit_request(
        service,
        description=spec.description,
        lat=lat,
        lon=lon,
        place=spec.place,
        details=details,
        reporter_name=name,
        reporter_email=email,
        reporter_phone=phone,
    )
    _date_back(request, at)
    return request


def _local(now, days_ago, hour):
    """`days_ago` days before `now` at `hour` Danish time, never in the future nor before
    this year (the reference numbers carry the year)."""
    local_now = now.astimezone(DANISH_TIME)
    day = local_now.date() - datetime.timedelta(days=days_ago)
    at = datetime.datetime.combine(day, datetime.time(hour), tzinfo=DANISH_TIME)
    start_of_year = datetime.datetime(local_now.year, 1, 1, tzinfo=DANISH_TIME)
    return max(min(at, now - datetime.timedelta(minutes=30)), start_of_year)


def _date_back(request, at):
    """Date the request (its handlings, untouched so far, and the clocks of its deadlines)
    back to `at`. A deadline may move
    to an earlier month: the compliance counts are rebuilt before the desk works on it, as
    its writes move the counts of the deadline's month."""
    ServiceRequest.objects.filter(pk=request.pk).update(submitted_at=at)
    Handling.objects.filter(request=request).update(updated_at=at)
    request.submitted_at = at
    deadlines = Deadline.objects.filter(service_request=request).select_related("version")
    for deadline in deadlines:
        due, warn = deadline_window(deadline.version, at)
        Deadline.objects.filter(pk=deadline.pk).update(
            started_at=at, due_at=due, warn_at=warn, month=month_of(at)
        )
    if deadlines:
        counts.recount()


def _act(request, user, action, argument, made):
    if action == "message":
        actions.add_citizen_message(request, body=argument)
        return
    handling = _handling_of(request, user)
    if handling is None:
        return
    if action == "assign":
        actions.assign_handling(handling, by=user, assignee=User.objects.get(username=argument))
    elif action == "priority":
        actions.triage_handling(handling, by=user, priority=argument)
    elif action == "status":
        actions.change_status(handling, by=user, status=argument)
    elif action == "note":
        actions.add_internal_note(handling, by=user, body=argument)
    elif action == "reply":
        template = ReplyTemplate.objects.filter(district=request.district, title=argument).first()
        if template is not None:
            body = replies.fill(template.body, handling, language=notify.language_of(request))
            actions.send_public_reply(handling, by=user, body=body)
    elif action == "on_site":
        # The patrol's arrival, `argument` minutes after the tip came in.
        arrived = request.submitted_at + datetime.timedelta(minutes=argument)
        for deadline in Deadline.objects.filter(service_request=request, outcome="open"):
            guarantee_actions.record_stop(deadline, by=user, at=arrived)
    elif action == "close":
        actions.close_handling(handling, by=user, outcome=argument)
    elif action == "spam":
        actions.mark_spam(handling, by=user)
    elif action == "duplicate":
        actions.mark_duplicate(handling, by=user, original=made[argument])


def _handling_of(request, user):
    """The handling of the request in a queue `user` works, or None."""
    if user is None:
        return None
    workable = Queue.objects.workable_by(user)
    return (
        Handling.objects.filter(request=request, queue__in=workable)
        .select_related("request", "queue")
        .first()
    )
