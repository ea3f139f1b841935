"""Psykisk syge og udsatte borgere."""

AREA = {
    "slug": "psykisk-syge-og-udsatte-borgere",
    "title": "Psykisk syge og udsatte borgere",
    "title_en": "Mentally ill and vulnerable citizens",
    "description": """\
PSP-samarbejdet er et samarbejde mellem Politi, Socialforvaltning og Psykiatri. Gennem \
PSP-samarbejdet koordinerer myndighederne den indsats, der ydes over for særligt udsatte \
borgere med psykiske lidelser, misbrugsproblemer eller andre former for sociale problemer.

PSP-samarbejdet har eksisteret i en årrække og er organiseret med en PSP-gruppe i hver af \
politikredsens kommuner. Dertil har politikredsen etableret en særlig kredsdækkende enhed. \
Enheden er bygget op omkring en central PSP-koordinator, som sikrer, at de borgere, der oftest \
figurerer i politiets døgnrapporter med særlige psykiske eller sociale udfordringer, får \
særlig opmærksomhed, uanset i hvilken politikreds den pågældende borgers handlekommune ligger. \
Erfaringerne med indsatsen har været særdeles positive, hvorfor indsatsen videreføres i 2023.

I 2023 ønsker politikredsen derudover at øge samarbejdet og dialogen med de forskellige \
botilbud, der ligger i kredsens kommuner, og hvor politikredsen oplever, at der er \
udfordringer.""",
    "description_en": """\
The PSP cooperation is a cooperation between the Police, Social services and Psychiatry. \
Through the PSP cooperation the authorities coordinate the help given to particularly \
vulnerable citizens with mental illness, substance abuse or other kinds of social problems.

The PSP cooperation has existed for a number of years and is organised with a PSP group in \
each of the police district's municipalities. In addition, the police district has set up a \
special district-wide unit. The unit is built around a central PSP coordinator, who makes sure \
that the citizens who appear most often in the police's daily incident reports with particular \
mental or social problems get special attention, whichever police district the citizen's \
responsible municipality lies in. The experience with the effort has been very positive, which \
is why it continues in 2023.

In 2023 the police district also wants to increase the cooperation and dialogue with the \
various residential facilities in the district's municipalities where the police district \
experiences problems.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-PSP-01",
            "title": "Kredsdækkende PSP-enhed med en central PSP-koordinator",
            "title_en": "District-wide PSP unit with a central PSP coordinator",
            "description": (
                "Den kredsdækkende enhed er bygget op omkring en central PSP-koordinator, som "
                "sikrer, at de borgere, der oftest figurerer i politiets døgnrapporter med "
                "særlige psykiske eller sociale udfordringer, får særlig opmærksomhed, uanset i "
                "hvilken politikreds borgerens handlekommune ligger."
            ),
            "description_en": (
                "The district-wide unit is built around a central PSP coordinator, who makes "
                "sure that the citizens who appear most often in the police's daily incident "
                "reports with particular mental or social problems get special attention, "
                "whichever police district the citizen's responsible municipality lies in."
            ),
            "weight": 3,
            "responsible": ["police", "municipalities", "psykiatri"],
            "municipalities": "all",
            "councils": ["psp"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-03-01",
                    25,
                    "Koordinatoren gennemgår døgnrapporterne dagligt; 31 borgere er i fokus.",
                    "The coordinator goes through the daily reports every day; 31 citizens are "
                    "in focus.",
                ),
                (
                    "2023-06-14",
                    50,
                    "Fast aftale med nabokredsene om borgere med handlekommune uden for kredsen.",
                    "Standing agreement with the neighbouring districts about citizens whose "
                    "responsible municipality lies outside the district.",
                ),
                (
                    "2023-10-25",
                    75,
                    "Halvdelen af borgerne i fokus optræder sjældnere i døgnrapporterne end ved "
                    "årets start.",
                    "Half of the citizens in focus appear less often in the daily reports than "
                    "at the start of the year.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-PSP-02",
            "title": "En PSP-gruppe i hver kommune",
            "title_en": "A PSP group in every municipality",
            "description": (
                "PSP-samarbejdet er organiseret med en PSP-gruppe i hver af politikredsens "
                "kommuner, hvor politi, socialforvaltning og psykiatri koordinerer indsatsen "
                "over for særligt udsatte borgere."
            ),
            "description_en": (
                "The PSP cooperation is organised with a PSP group in each of the police "
                "district's municipalities, where police, social services and psychiatry "
                "coordinate the help for particularly vulnerable citizens."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities", "psykiatri"],
            "municipalities": "all",
            "councils": ["psp"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-02-28",
                    "Mødekalender for alle 10 PSP-grupper",
                    "Meeting calendar for all 10 PSP groups",
                    "2023-02-16",
                ),
                (
                    "2023-09-30",
                    "Fælles temadag for PSP-grupperne",
                    "Shared theme day for the PSP groups",
                    "2023-09-21",
                ),
            ],
            "timeline": [
                (
                    "2023-02-16",
                    20,
                    "Alle 10 PSP-grupper har fastlagt deres mødekalender for 2023.",
                    "All 10 PSP groups have set their meeting calendars for 2023.",
                ),
                (
                    "2023-06-28",
                    50,
                    "PSP-grupperne har holdt 28 møder i 1. halvår.",
                    "The PSP groups held 28 meetings in the first half-year.",
                ),
                (
                    "2023-09-21",
                    75,
                    "Fælles temadag om informationsudveksling efter retsplejelovens § 115.",
                    "Shared theme day on information sharing under section 115 of the "
                    "Administration of Justice Act.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-PSP-03",
            "title": "Øget samarbejde og dialog med botilbud",
            "title_en": "More cooperation and dialogue with residential facilities",
            "description": (
                "Politikredsen vil øge samarbejdet og dialogen med de forskellige botilbud i "
                "kredsens kommuner, hvor politikredsen oplever, at der er udfordringer."
            ),
            "description_en": (
                "The police district will increase the cooperation and dialogue with the "
                "various residential facilities in the district's municipalities where it "
                "experiences problems."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["psp"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-04-30",
                    "Botilbud med mange henvendelser kortlagt",
                    "Residential facilities with many calls mapped",
                    "2023-04-19",
                ),
                (
                    "2023-12-31",
                    "Dialogmøde holdt med alle kortlagte botilbud",
                    "Dialogue meeting held with every mapped facility",
                    None,
                ),
            ],
            "timeline": [
                (
                    "2023-04-19",
                    25,
                    "12 botilbud med mange henvendelser til politiet kortlagt sammen med "
                    "kommunerne.",
                    "12 residential facilities with many calls to the police mapped together "
                    "with the municipalities.",
                ),
                (
                    "2023-08-16",
                    50,
                    "Dialogmøder holdt med seks botilbud; faste kontaktpersoner aftalt.",
                    "Dialogue meetings held with six facilities; fixed contact persons agreed.",
                ),
                (
                    "2023-11-08",
                    70,
                    "Dialogmøder holdt med ni af de tolv botilbud.",
                    "Dialogue meetings held with nine of the twelve facilities.",
                ),
            ],
        },
    ],
}
