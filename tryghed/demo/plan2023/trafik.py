"""Sammen om tryghed og sikkerhed i trafikken."""

AREA = {
    "slug": "tryghed-og-sikkerhed-i-trafikken",
    "title": "Sammen om tryghed og sikkerhed i trafikken",
    "title_en": "Together for safety and security in traffic",
    "description": """\
Hver ulykke er én for meget, og færdselssikkerhed er et væsentligt indsatsområde i samarbejdet \
mellem kommunerne og politiet. Formålet med dette indsatsområde er ved en bred og \
tværmyndighedsmæssig indsats at nedbringe antallet af færdselsuheld og i særdeleshed \
færdselsuheld med alvorlig personskade eller dødelig udgang.

Der arbejdes løbende på at forbedre trafiksikkerheden sammen med kommunerne. For eksempel \
starter politikredsens og kommunernes mødeforum om trafiksikkerhed op igen i 2023 efter et par \
års pause som følge af covid-19.

Kredsen agerer løbende på de udfordringer de bliver opmærksomme på, fx trafiksikkerhed ved \
skolerne eller knallertkørsel til ulempe, som skaber utryghed for de omkringboende borgere. \
Borgerne i politikredsens kommuner vil også i 2023 via løsningen “Bestil en betjent” have \
mulighed for at bestille en færdselskontrol eller gøre politiet opmærksom på \
færdselsrelaterede problemer.""",
    "description_en": """\
Every accident is one too many, and road safety is an important focus area in the cooperation \
between the municipalities and the police. The aim of this focus area is, through a broad \
effort across authorities, to bring down the number of road accidents, and in particular \
accidents with serious injury or a fatal outcome.

Work to improve road safety goes on continuously together with the municipalities. For \
example, the police district's and the municipalities' meeting forum on road safety restarts in \
2023 after a pause of a couple of years caused by covid-19.

The district acts continuously on the problems it becomes aware of, for example road safety at \
schools or moped riding that causes nuisance and makes the people living nearby feel unsafe. \
Again in 2023, citizens in the police district's municipalities can use “Bestil en betjent” \
(Order an officer) to order a traffic check or draw the police's attention to traffic-related \
problems.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-TRAFIK-01",
            "title": "Mødeforum om trafiksikkerhed starter op igen",
            "title_en": "The meeting forum on road safety restarts",
            "description": (
                "Politikredsens og kommunernes mødeforum om trafiksikkerhed starter op igen i "
                "2023 efter et par års pause som følge af covid-19. Forummet udveksler viden om "
                "uheld og utrygge steder og aftaler fælles indsatser."
            ),
            "description_en": (
                "The police district's and the municipalities' meeting forum on road safety "
                "restarts in 2023 after a pause of a couple of years caused by covid-19. The "
                "forum shares knowledge of accidents and unsafe places and agrees joint efforts."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["forum"],
            "start": "2023-02-01",
            "end": "2023-06-30",
            "continues": False,
            "milestones": [
                (
                    "2023-03-31",
                    "Kommissorium og deltagere aftalt",
                    "Terms of reference and members agreed",
                    "2023-03-02",
                ),
                (
                    "2023-05-31",
                    "Første møde i forummet",
                    "First meeting of the forum",
                    "2023-05-09",
                ),
                (
                    "2023-06-30",
                    "Mødeplan for resten af året vedtaget",
                    "Meeting schedule for the rest of the year agreed",
                    "2023-06-20",
                ),
            ],
            "timeline": [
                (
                    "2023-02-14",
                    20,
                    "Kontaktudvalget har godkendt, at forummet genstartes.",
                    "The contact committee has approved the restart of the forum.",
                ),
                (
                    "2023-03-02",
                    40,
                    "Kommissorium aftalt; hver kommune udpeger en trafikplanlægger.",
                    "Terms of reference agreed; each municipality appoints a traffic planner.",
                ),
                (
                    "2023-05-09",
                    80,
                    "Første møde afholdt med deltagelse fra alle 10 kommuner.",
                    "First meeting held, attended by all 10 municipalities.",
                ),
                (
                    "2023-06-20",
                    100,
                    "Mødeplan for efteråret vedtaget; forummet er i gang igen.",
                    "Meeting schedule for the autumn agreed; the forum is up and running again.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-TRAFIK-02",
            "title": "Trafiksikkerhed ved skolerne",
            "title_en": "Road safety at schools",
            "description": (
                "Politiet og kommunerne følger op på henvendelser om utrygge skoleveje og "
                "farlig kørsel ved skolerne med færdselskontroller, dialog med skolerne og "
                "forslag til trafikale ændringer."
            ),
            "description_en": (
                "The police and the municipalities follow up on reports of unsafe routes to "
                "school and dangerous driving near schools with traffic checks, dialogue with "
                "the schools and proposals for changes to the roads."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["forum"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-08-31",
                    "Kontroller ved skolestart i alle kommuner",
                    "Checks at the start of the school year in all municipalities",
                    "2023-08-25",
                ),
            ],
            "timeline": [
                (
                    "2023-03-20",
                    20,
                    "14 skoleveje, som borgere og skoler oplever som utrygge, er kortlagt.",
                    "14 routes to school that citizens and schools find unsafe have been mapped.",
                ),
                (
                    "2023-08-25",
                    60,
                    "Færdselskontroller ved 22 skoler i de første to uger efter sommerferien.",
                    "Traffic checks at 22 schools in the first two weeks after the summer "
                    "holidays.",
                ),
                (
                    "2023-11-07",
                    75,
                    "Tre kommuner har besluttet hastighedsdæmpning på kortlagte skoleveje.",
                    "Three municipalities have decided on traffic calming on mapped routes to "
                    "school.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-TRAFIK-03",
            "title": "Knallertkørsel til ulempe",
            "title_en": "Moped riding that causes nuisance",
            "description": (
                "Politiet reagerer på henvendelser om knallertkørsel, der skaber utryghed for de "
                "omkringboende, med kontroller, dialog med de unge og deres forældre og "
                "samarbejde med SSP."
            ),
            "description_en": (
                "The police respond to reports of moped riding that makes the people living "
                "nearby feel unsafe with checks, dialogue with the young people and their "
                "parents, and cooperation with SSP."
            ),
            "weight": 1,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-03-01",
            "end": "2023-10-31",
            "timeline": [
                (
                    "2023-04-18",
                    30,
                    "Kontroller i Køge og Ringsted efter henvendelser fra beboere; 11 "
                    "knallerter kontrolleret.",
                    "Checks in Køge and Ringsted after complaints from residents; 11 mopeds "
                    "checked.",
                ),
                (
                    "2023-07-05",
                    60,
                    "SSP har holdt forældremøder om knallertkørsel i to kommuner.",
                    "SSP has held parents' meetings about moped riding in two municipalities.",
                ),
                (
                    "2023-10-31",
                    100,
                    "Sæsonen er slut; henvendelserne om knallertkørsel er faldet i de berørte "
                    "områder.",
                    "The season is over; complaints about moped riding have fallen in the "
                    "areas concerned.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-TRAFIK-04",
            "title": "“Bestil en betjent”: færdselskontroller",
            "title_en": "“Bestil en betjent” (Order an officer): traffic checks",
            "description": (
                "Borgerne kan via løsningen “Bestil en betjent” bestille en færdselskontrol eller "
                "gøre politiet opmærksom på færdselsrelaterede problemer. Hver bestilling "
                "vurderes, og borgeren får svar."
            ),
            "description_en": (
                "Through “Bestil en betjent” (Order an officer), citizens can order a traffic "
                "check or draw the police's attention to traffic-related problems. Every "
                "request is assessed, and the citizen gets an answer."
            ),
            "weight": 2,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-03",
                    25,
                    "38 bestillinger af færdselskontrol i 1. kvartal; 29 gennemført.",
                    "38 requests for traffic checks in the first quarter; 29 carried out.",
                ),
                (
                    "2023-07-04",
                    50,
                    "51 bestillinger i 2. kvartal; 40 gennemført, de øvrige vurderet uden behov "
                    "for kontrol.",
                    "51 requests in the second quarter; 40 carried out, the rest assessed as not "
                    "needing a check.",
                ),
                (
                    "2023-10-02",
                    75,
                    "44 bestillinger i 3. kvartal; svartiden er i gennemsnit 9 dage.",
                    "44 requests in the third quarter; the average response time is 9 days.",
                ),
            ],
        },
    ],
}
