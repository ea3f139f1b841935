"""Lokal tilstedeværelse."""

AREA = {
    "slug": "lokal-tilstedevaerelse",
    "title": "Lokal tilstedeværelse",
    "title_en": "Local presence",
    "description": """\
En central del af samarbejdet mellem politiet og kommunerne er politiets synlige og \
tryghedsskabende tilstedeværelse i lokalsamfundene. Politiet følger med i, hvad der optager \
borgerne, og hvordan tryghedsniveauet udvikler sig i de enkelte kommuner. Politiet er jævnligt \
til stede på borger- og beboermøder, hvor der lyttes til borgernes opmærksomhedspunkter og \
bekymringer. Tilsvarende er politiet løbende i dialog med foreningslivet.

Politikredsens lokalbetjente arbejder for at skabe relationer til lokalsamfundet, bl.a. gennem \
samarbejde med lokalrådet, tryghedsambassadører, virksomheder og foreningslivet. Politiet laver \
‘tryghedsopfølgninger’, hvor politiet kontakter borgerne i tilfælde, hvor der er behov for \
ekstra politimæssig opfølgning eller vejledning på baggrund af borgerens første henvendelse til \
politiet, eksempelvis i forbindelse med et indbrud eller andre former for utryghedsskabende \
eller intimiderende oplevelser. Endvidere bidrager initiativet “Bestil en betjent” til, at \
borgerne kan rekvirere politiet til foredrag om tryghedsrelaterede emner.""",
    "description_en": """\
A central part of the cooperation between the police and the municipalities is the police's \
visible and reassuring presence in the local communities. The police keep track of what \
concerns citizens and how the sense of safety develops in each municipality. The police \
regularly attend citizen and residents' meetings, where they listen to citizens' points of \
attention and concerns. Likewise, the police are in continuous dialogue with local \
associations.

The police district's local officers work to build relations with the local community, among \
other things through cooperation with the local council, safety ambassadors, businesses and \
associations. The police make ‘safety follow-ups’, contacting citizens when extra police \
follow-up or guidance is needed after the citizen's first contact with the police, for example \
after a burglary or other experiences that were distressing or intimidating. Furthermore, the \
“Bestil en betjent” (Order an officer) initiative lets citizens book the police for talks on \
safety-related topics.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-LOKAL-01",
            "title": "Tilstedeværelse på borger- og beboermøder",
            "title_en": "Presence at citizen and residents' meetings",
            "description": (
                "Politiet er jævnligt til stede på borger- og beboermøder, hvor der lyttes til "
                "borgernes opmærksomhedspunkter og bekymringer, og følger med i, hvordan "
                "tryghedsniveauet udvikler sig i de enkelte kommuner."
            ),
            "description_en": (
                "The police regularly attend citizen and residents' meetings to listen to "
                "citizens' points of attention and concerns, and keep track of how the sense "
                "of safety develops in each municipality."
            ),
            "weight": 2,
            "responsible": ["police"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-03-31",
                    25,
                    "Lokalbetjente deltog i 17 borger- og beboermøder i 1. kvartal.",
                    "Local officers attended 17 citizen and residents' meetings in the first "
                    "quarter.",
                ),
                (
                    "2023-06-30",
                    50,
                    "Yderligere 21 møder; flest spørgsmål om indbrud og knallertkørsel.",
                    "A further 21 meetings; most questions were about burglary and mopeds.",
                ),
                (
                    "2023-10-31",
                    75,
                    "I alt 55 møder; opmærksomhedspunkterne er samlet til lokalrådene.",
                    "55 meetings in total; the points raised have been collected for the local "
                    "councils.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-LOKAL-02",
            "title": "Relationer til foreningsliv, virksomheder og tryghedsambassadører",
            "title_en": "Relations with associations, businesses and safety ambassadors",
            "description": (
                "Lokalbetjentene skaber relationer til lokalsamfundet gennem samarbejde med "
                "lokalrådet, tryghedsambassadører, virksomheder og foreningslivet."
            ),
            "description_en": (
                "The local officers build relations with the local community through "
                "cooperation with the local council, safety ambassadors, businesses and "
                "associations."
            ),
            "weight": 2,
            "responsible": ["police", "tryghedsambassadoerer", "foreninger"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-02-28",
                    20,
                    "Hver lokalbetjent har en liste over faste kontakter i foreninger og "
                    "erhvervsliv.",
                    "Every local officer has a list of regular contacts in associations and "
                    "businesses.",
                ),
                (
                    "2023-06-20",
                    50,
                    "Netværksmøde for tryghedsambassadører i Køge, Greve og Holbæk.",
                    "Network meeting for safety ambassadors in Køge, Greve and Holbæk.",
                ),
                (
                    "2023-10-12",
                    70,
                    "Handelsstandsforeninger i fire byer har fået besøg om butikstyverier og "
                    "tryghed i bymidten.",
                    "Retailers' associations in four towns have been visited about shoplifting "
                    "and safety in the town centre.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-LOKAL-03",
            "title": "Tryghedsopfølgninger efter utryghedsskabende oplevelser",
            "title_en": "Safety follow-ups after distressing experiences",
            "description": (
                "Politiet kontakter borgerne, når der er behov for ekstra politimæssig "
                "opfølgning eller vejledning på baggrund af borgerens første henvendelse til "
                "politiet, eksempelvis efter et indbrud eller andre utryghedsskabende eller "
                "intimiderende oplevelser."
            ),
            "description_en": (
                "The police contact citizens when extra police follow-up or guidance is needed "
                "after the citizen's first contact with the police, for example after a "
                "burglary or other distressing or intimidating experiences."
            ),
            "weight": 2,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-04",
                    25,
                    "Tryghedsopfølgning udvidet til borgere, der har oplevet chikane i nabolaget.",
                    "Safety follow-up extended to citizens who have experienced harassment in "
                    "their neighbourhood.",
                ),
                (
                    "2023-07-06",
                    50,
                    "312 tryghedsopfølgninger i 1. halvår ud over opfølgningerne efter indbrud.",
                    "312 safety follow-ups in the first half-year besides those after burglaries.",
                ),
                (
                    "2023-10-05",
                    75,
                    "Fælles vejledning for lokalbetjentene om samtaler efter intimiderende "
                    "oplevelser.",
                    "Shared guidance for local officers on conversations after intimidating "
                    "experiences.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-LOKAL-04",
            "title": "“Bestil en betjent”: foredrag om tryghedsrelaterede emner",
            "title_en": "“Bestil en betjent” (Order an officer): talks on safety topics",
            "description": (
                "Initiativet “Bestil en betjent” gør det muligt for borgere, foreninger og "
                "institutioner at rekvirere politiet til foredrag om tryghedsrelaterede emner. "
                "Hver bestilling vurderes, og borgeren får svar."
            ),
            "description_en": (
                "The “Bestil en betjent” (Order an officer) initiative lets citizens, "
                "associations and institutions book the police for talks on safety-related "
                "topics. Every request is assessed, and the citizen gets an answer."
            ),
            "weight": 1,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-03",
                    25,
                    "23 bestillinger af foredrag i 1. kvartal; 19 holdt.",
                    "23 requests for talks in the first quarter; 19 given.",
                ),
                (
                    "2023-07-04",
                    50,
                    "Foredrag om svindel for ældre og om digital dannelse er mest efterspurgt.",
                    "Talks on fraud against the elderly and on online behaviour are most in "
                    "demand.",
                ),
                (
                    "2023-10-02",
                    75,
                    "I alt 61 foredrag holdt; alle bestillinger besvaret inden for 30 dage.",
                    "61 talks given in total; every request answered within 30 days.",
                ),
            ],
        },
    ],
}
