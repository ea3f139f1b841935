"""Unges fester i det offentlige rum."""

AREA = {
    "slug": "unges-fester",
    "title": "Unges fester i det offentlige rum",
    "title_en": "Young people's parties in public spaces",
    "description": """\
Særligt i sommermånederne får politiet en del henvendelser fra borgere, der føler sig generet \
af unge mennesker, der forsamles og holder fest i det offentlige rum, f.eks. i parker, på \
strande eller i parkeringshuse til gene for de omkringboende.

Politiet er løbende i dialog og samarbejder med kommuner, SSP, naboer og ikke mindst de unge \
selv om de gener, de unges fester skaber for de borgere, der bor i områderne og om mulige \
løsninger på problemet.

Politikredsen og kommunerne har haft fokus på dette indsatsområde i flere år. I 2022 er det \
politikredsens vurdering, at udfordringen har været mindre end normalt, så det mangeårige \
fokus har virket.

I 2023 vil politikredsen i samarbejde med enkelte kommuner ligeledes fortsætte arbejdet med at \
revidere retningslinjerne for, hvordan de unge må opholde sig i parkerne, så det giver mindst \
mulig gene for naboerne til – og de øvrige brugere af – parkerne.""",
    "description_en": """\
Especially in the summer months, the police receive a fair number of calls from citizens who \
feel bothered by young people gathering and partying in public spaces, for example in parks, \
on beaches or in car parks, to the annoyance of those living nearby.

The police are in continuous dialogue and cooperation with municipalities, SSP, neighbours and \
not least the young people themselves about the nuisance their parties cause for the citizens \
who live in the areas, and about possible solutions to the problem.

The police district and the municipalities have focused on this area for several years. In \
2022 the police district judges that the problem was smaller than usual, so the focus over many \
years has worked.

In 2023 the police district will also, together with some of the municipalities, continue the \
work of revising the guidelines for how young people may spend time in the parks, so that it \
causes the least possible nuisance to the parks' neighbours and other users.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-FESTER-01",
            "title": "Dialog med kommuner, SSP, naboer og de unge om fester i det offentlige rum",
            "title_en": (
                "Dialogue with municipalities, SSP, neighbours and young people about parties "
                "in public spaces"
            ),
            "description": (
                "Politiet er i dialog og samarbejder med kommuner, SSP, naboer og ikke mindst de "
                "unge selv om de gener, de unges fester skaber for de omkringboende, og om "
                "mulige løsninger. Indsatsen er størst i sommermånederne."
            ),
            "description_en": (
                "The police talk and work with municipalities, SSP, neighbours and not least "
                "the young people themselves about the nuisance their parties cause for those "
                "living nearby, and about possible solutions. The effort peaks in the summer "
                "months."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-04-01",
            "end": "2023-09-30",
            "timeline": [
                (
                    "2023-04-26",
                    20,
                    "Sommerens indsats planlagt med SSP i alle kommuner.",
                    "The summer's effort planned with SSP in all municipalities.",
                ),
                (
                    "2023-06-30",
                    50,
                    "SSP-medarbejdere og lokalbetjente har været på gaden i parker og ved "
                    "strande i weekenderne.",
                    "SSP staff and local officers have been out in parks and on beaches at "
                    "weekends.",
                ),
                (
                    "2023-08-31",
                    85,
                    "Færre henvendelser om festende unge end i sommeren 2022.",
                    "Fewer calls about partying young people than in the summer of 2022.",
                ),
                (
                    "2023-09-30",
                    100,
                    "Sommerens indsats er evalueret i lokalrådene.",
                    "The summer's effort has been evaluated in the local councils.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-FESTER-02",
            "title": "Revision af retningslinjerne for unges ophold i parkerne",
            "title_en": "Revising the guidelines for young people's use of the parks",
            "description": (
                "Politikredsen fortsætter i samarbejde med enkelte kommuner arbejdet med at "
                "revidere retningslinjerne for, hvordan de unge må opholde sig i parkerne, så "
                "det giver mindst mulig gene for naboerne til – og de øvrige brugere af – "
                "parkerne."
            ),
            "description_en": (
                "Together with some of the municipalities, the police district continues the "
                "work of revising the guidelines for how young people may spend time in the "
                "parks, so that it causes the least possible nuisance to the parks' neighbours "
                "and other users."
            ),
            "weight": 1,
            "responsible": ["police", "0265", "0259"],
            "municipalities": ["0265", "0259"],
            "councils": ["lokalraad"],
            "start": "2023-02-01",
            "end": "2023-06-30",
            "continues": False,
            "by": "betjent.koege",
            "milestones": [
                (
                    "2023-03-31",
                    "Udkast drøftet med naboer og unge",
                    "Draft discussed with neighbours and young people",
                    "2023-03-29",
                ),
                (
                    "2023-05-31",
                    "Reviderede retningslinjer vedtaget i Roskilde",
                    "Revised guidelines adopted in Roskilde",
                    "2023-05-23",
                ),
                (
                    "2023-06-30",
                    "Reviderede retningslinjer vedtaget i Køge",
                    "Revised guidelines adopted in Køge",
                    "2023-06-27",
                ),
            ],
            "timeline": [
                (
                    "2023-02-22",
                    20,
                    "Arbejdsgruppe med parkforvaltningerne i Roskilde og Køge er nedsat.",
                    "A working group with the park departments of Roskilde and Køge has been "
                    "set up.",
                ),
                (
                    "2023-03-29",
                    50,
                    "Udkastet drøftet på dialogmøder med naboer og unge.",
                    "The draft discussed at dialogue meetings with neighbours and young people.",
                ),
                (
                    "2023-05-23",
                    75,
                    "Roskilde Kommune har vedtaget de reviderede retningslinjer.",
                    "Roskilde Municipality has adopted the revised guidelines.",
                ),
                (
                    "2023-06-27",
                    100,
                    "Køge Kommune har vedtaget de reviderede retningslinjer; skiltningen er sat "
                    "op før sommerferien.",
                    "Køge Municipality has adopted the revised guidelines; the signs went up "
                    "before the summer holidays.",
                ),
            ],
        },
    ],
}
