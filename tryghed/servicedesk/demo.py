"""The demo district's reply templates: the answers a service desk sends most often, with
placeholders (replies.py), in Danish and English. Found by title and created only when
missing, so staff's changes stay."""

from tryghed.servicedesk.models import ReplyTemplate

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
