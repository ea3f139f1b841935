"""Stærke lokalråd."""

from tryghed.demo.people import MUNICIPALITIES

# When each lokalråd adopted, reviewed and evaluated its action plan (None: not yet).
_ACTION_PLANS = {
    "0253": ("2023-03-14", "2023-09-19", "2023-12-05"),
    "0259": ("2023-03-02", "2023-09-07", "2023-12-12"),
    "0265": ("2023-03-21", "2023-09-26", None),
    "0269": ("2023-03-16", "2023-09-21", None),
    "0306": ("2023-06-20", None, None),
    "0316": ("2023-02-28", "2023-08-29", None),
    "0326": ("2023-03-09", "2023-09-14", None),
    "0329": ("2023-02-23", "2023-08-24", "2023-11-28"),
    "0336": ("2023-05-25", None, None),
    "0350": ("2023-03-28", "2023-10-03", None),
}
# The demo accounts that keep their own municipality's timeline.
_AUTHORS = {"0253": "kommune.greve", "0259": "betjent.koege"}


def _action_plan(code, slug, name):
    adopted, reviewed, evaluated = _ACTION_PLANS[code]
    timeline = [
        (
            "2023-01-31",
            10,
            "Udkast til handleplan for 2023 drøftet i lokalrådet.",
            "Draft action plan for 2023 discussed in the local council.",
        ),
        (
            adopted,
            50,
            "Lokalrådet har vedtaget handleplanen for 2023.",
            "The local council has adopted its action plan for 2023.",
        ),
    ]
    if reviewed:
        timeline.append(
            (
                reviewed,
                75,
                "Midtvejsstatus drøftet på lokalrådets møde; handleplanen følger tidsplanen.",
                "Mid-year status discussed at the council's meeting; the action plan is on "
                "schedule.",
            )
        )
    if evaluated:
        timeline.append(
            (
                evaluated,
                100,
                "Årets handleplan er evalueret, og erfaringerne indgår i handleplanen for 2024.",
                "This year's action plan has been evaluated, and the lessons feed into the "
                "action plan for 2024.",
            )
        )
    return {
        "id": f"MVSJ-2023-LOKALRAAD-01-{slug.upper()}",
        "title": f"Handleplan 2023 for Lokalråd {name}",
        "title_en": f"2023 action plan of the {name} local council",
        "description": (
            f"Lokalråd {name} udarbejder, vedtager og følger op på sin handleplan for 2023."
        ),
        "description_en": (
            f"The {name} local council drafts, adopts and follows up on its action plan for 2023."
        ),
        "municipalities": [code],
        "responsible": ["police", code],
        "by": _AUTHORS.get(code, "sekretariat"),
        "milestones": [
            ("2023-03-31", "Handleplan vedtaget", "Action plan adopted", adopted),
            ("2023-09-30", "Midtvejsstatus i lokalrådet", "Mid-year review", reviewed),
            ("2023-12-15", "Handleplan evalueret", "Action plan evaluated", evaluated),
        ],
        "timeline": timeline,
    }


AREA = {
    "slug": "staerke-lokalraad",
    "title": "Stærke lokalråd",
    "title_en": "Strong local councils",
    "description": """\
Lokalrådene arbejder med den konkrete udmøntning af udvalgte dele af samarbejdsplanens \
indsatsområder, som lokalrådet finder relevante for politikredsens kommuner.

Lokalrådet i den enkelte kommune er med til at håndtere kriminalitetsbekæmpelsen i kommunen og \
udmønte kriminalpræventive tiltag lokalt. Det sker i samarbejde mellem politi, kommune, lokale \
myndigheder, institutioner, foreninger, tryghedsambassadører og andre relevante repræsentanter \
for lokalsamfundet.

Lokalrådene er vigtige aktører i arbejdet med det nære, som optager borgerne i lokalområderne, \
og de går i dialog med borgerne, bl.a. i forbindelse med afholdelse af borgermøder. Alle 10 \
kommuner i politikredsen bakker op om lokalrådsarbejdet og har et lokalråd, og der arbejdes \
kontinuerligt med at sikre det bedst mulige samarbejde i lokalrådene.""",
    "description_en": """\
The local councils put into practice selected parts of the cooperation plan's focus areas that \
the council finds relevant for the police district's municipalities.

The local council in each municipality helps to handle the fight against crime in the \
municipality and to put crime prevention measures into practice locally. This happens in \
cooperation between the police, the municipality, local authorities, institutions, \
associations, safety ambassadors and other relevant representatives of the local community.

The local councils are important players in the work with the everyday matters that concern \
citizens in their neighbourhoods, and they engage in dialogue with citizens, among other things \
by holding citizen meetings. All 10 municipalities in the police district support the local \
council work and have a local council, and work goes on continuously to ensure the best \
possible cooperation in the local councils.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-LOKALRAAD-01",
            "title": "Handleplaner i lokalrådene i alle 10 kommuner",
            "title_en": "Action plans in the local councils of all 10 municipalities",
            "description": (
                "Hvert lokalråd vedtager en handleplan for 2023, der udmønter de dele af "
                "samarbejdsplanens indsatsområder, som lokalrådet finder relevante for "
                "kommunen, og følger op på den på sine møder."
            ),
            "description_en": (
                "Each local council adopts an action plan for 2023 that puts into practice the "
                "parts of the cooperation plan's focus areas it finds relevant for the "
                "municipality, and follows it up at its meetings."
            ),
            "weight": 3,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "children": [_action_plan(*m) for m in MUNICIPALITIES],
        },
        {
            "id": "MVSJ-2023-LOKALRAAD-02",
            "title": "Borgermøder i lokalrådsregi",
            "title_en": "Citizen meetings held by the local councils",
            "description": (
                "Lokalrådene går i dialog med borgerne om det nære, som optager dem i "
                "lokalområderne, bl.a. ved at afholde borgermøder om tryghed og kriminalitet."
            ),
            "description_en": (
                "The local councils talk with citizens about the everyday matters that concern "
                "them in their neighbourhoods, among other things by holding citizen meetings "
                "on safety and crime."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-02-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-06-30",
                    "Borgermøde afholdt i mindst halvdelen af kommunerne",
                    "Citizen meeting held in at least half of the municipalities",
                    "2023-06-15",
                ),
                (
                    "2023-12-31",
                    "Borgermøde afholdt i alle 10 kommuner",
                    "Citizen meeting held in all 10 municipalities",
                    None,
                ),
            ],
            "timeline": [
                (
                    "2023-03-30",
                    20,
                    "Første borgermøde afholdt i Køge med ca. 120 deltagere.",
                    "First citizen meeting held in Køge with about 120 participants.",
                ),
                (
                    "2023-06-15",
                    50,
                    "Borgermøder afholdt i fem kommuner; indbrud og trafik fylder mest.",
                    "Citizen meetings held in five municipalities; burglary and traffic take up "
                    "the most time.",
                ),
                (
                    "2023-10-26",
                    80,
                    "Borgermøder afholdt i otte af de ti kommuner; Odsherred og Stevns holder "
                    "deres i foråret 2024.",
                    "Citizen meetings held in eight of the ten municipalities; Odsherred and "
                    "Stevns will hold theirs in the spring of 2024.",
                ),
            ],
        },
    ],
}
