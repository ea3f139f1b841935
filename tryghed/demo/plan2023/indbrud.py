"""Stærkt fokus på forebyggelse af indbrud."""

AREA = {
    "slug": "forebyggelse-af-indbrud",
    "title": "Stærkt fokus på forebyggelse af indbrud",
    "title_en": "A strong focus on preventing burglary",
    "description": """\
Indbrud skaber utryghed både hos de borgere, det går ud over, og hos andre, der bor i området. \
Indbrud er derfor også i 2023 et opmærksomhedspunkt for lokalrådene i alle kommuner. Midt- og \
Vestsjællands Politi vil i 2023 fortsætte den bredspektrede indsats, som har skabt gode \
resultater igennem de seneste år.

“Bo Trygt” partnerskabet mellem Greve og Solrød kommuner og politikredsen fortsætter i 2023. \
Partnerskabet omfatter en række konkrete aktiviteter, der over en årrække skal nedbringe \
antallet af indbrud, øge trygheden og styrke nabofællesskabet i de to kommuner.

Politikredsens lokalbetjente holder derudover foredrag om indbrudssikring og nabohjælp, blandt \
andet på borgermøder og i grundejerforeninger. Endvidere sættes fokus på muligheden for at tippe \
politiet, hvis man ser noget mistænkeligt i sit lokalområde. Lokalbetjentene laver som \
udgangspunkt også tryghedsopfølgninger til alle borgere, der har haft indbrud med henblik på at \
følge op på eventuelle spørgsmål og vejlede om indbrudssikring.

Politiet fortsætter også med at rykke ud indenfor 24 timer efter borgerens anmeldelse om indbrud \
som følge af de nye politigarantier.""",
    "description_en": """\
Burglary makes people feel unsafe, both the citizens it affects and others who live in the \
area. Burglary is therefore again in 2023 a point of attention for the local councils in all \
municipalities. In 2023, Mid- and West Zealand Police will continue the broad effort that has \
produced good results in recent years.

The “Bo Trygt” (Live Safely) partnership between the municipalities of Greve and Solrød and the \
police district continues in 2023. The partnership comprises a number of concrete activities \
which, over a period of years, are to bring down the number of burglaries, increase safety and \
strengthen the sense of community among neighbours in the two municipalities.

The police district's local officers also give talks on burglary protection and neighbourhood \
watch, among other places at citizen meetings and in homeowners' associations. Attention is \
also drawn to the possibility of tipping off the police when you see something suspicious in \
your neighbourhood. As a rule, the local officers also make safety follow-ups with every \
citizen who has had a burglary, to follow up on any questions and advise on burglary \
protection.

The police also continue to turn out within 24 hours of a citizen's report of a burglary, as a \
result of the new police guarantees.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-INDBRUD-01",
            "title": "“Bo Trygt” – partnerskab mellem Greve og Solrød kommuner og politikredsen",
            "title_en": (
                "“Bo Trygt” (Live Safely) – partnership between the municipalities of Greve and "
                "Solrød and the police district"
            ),
            "description": (
                "Partnerskabet fortsætter i 2023 og omfatter en række konkrete aktiviteter, der "
                "over en årrække skal nedbringe antallet af indbrud, øge trygheden og styrke "
                "nabofællesskabet i de to kommuner."
            ),
            "description_en": (
                "The partnership continues in 2023 and comprises a number of concrete "
                "activities which, over a period of years, are to bring down the number of "
                "burglaries, increase safety and strengthen the sense of community among "
                "neighbours in the two municipalities."
            ),
            "weight": 3,
            "responsible": ["police", "0253", "0269"],
            "municipalities": ["0253", "0269"],
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "by": "betjent.greve",
            "children": [
                {
                    "id": "MVSJ-2023-INDBRUD-01.1",
                    "title": "Nabohjælp: kampagne for flere tilmeldte husstande",
                    "title_en": "Neighbourhood watch: campaign for more registered households",
                    "description": (
                        "Lokalbetjente og kommunerne opfordrer borgerne til at tilmelde sig "
                        "Nabohjælp og sætte Nabohjælp-skilte op, bl.a. via grundejerforeninger "
                        "og boligselskaber."
                    ),
                    "description_en": (
                        "Local officers and the municipalities encourage citizens to sign up "
                        "for Nabohjælp (neighbourhood watch) and put up its signs, among other "
                        "channels through homeowners' associations and housing associations."
                    ),
                    "weight": 3,
                    "responsible": ["police", "0253", "0269", "dkr", "grundejerforeninger"],
                    "start": "2023-02-01",
                    "end": "2023-09-30",
                    "continues": False,
                    "timeline": [
                        (
                            "2023-02-20",
                            25,
                            "Kampagnemateriale sendt til grundejerforeninger og boligselskaber "
                            "i begge kommuner.",
                            "Campaign material sent to homeowners' and housing associations in "
                            "both municipalities.",
                        ),
                        (
                            "2023-05-10",
                            60,
                            "Stande ved indkøbscentre i Greve og Solrød; 340 nye husstande "
                            "tilmeldt siden januar.",
                            "Stands at shopping centres in Greve and Solrød; 340 new households "
                            "registered since January.",
                        ),
                        (
                            "2023-09-28",
                            100,
                            "Kampagnen er afsluttet med 780 nye husstande tilmeldt Nabohjælp i "
                            "de to kommuner.",
                            "The campaign has ended with 780 new households registered for "
                            "neighbourhood watch in the two municipalities.",
                        ),
                    ],
                },
                {
                    "id": "MVSJ-2023-INDBRUD-01.2",
                    "title": "Tryghedsvandringer i boligområder",
                    "title_en": "Safety walks in residential areas",
                    "description": (
                        "Politi, kommune, boligselskaber og beboere går sammen rundt i udvalgte "
                        "boligområder og peger på mørke stier, tæt beplantning og andet, der gør "
                        "det lettere at begå indbrud eller skaber utryghed."
                    ),
                    "description_en": (
                        "Police, municipality, housing associations and residents walk through "
                        "selected residential areas together and point out dark paths, dense "
                        "planting and other things that make burglary easier or make people "
                        "feel unsafe."
                    ),
                    "weight": 2,
                    "responsible": ["police", "0253", "0269", "boligselskaber"],
                    "milestones": [
                        (
                            "2023-05-31",
                            "Tryghedsvandring i Greve",
                            "Safety walk in Greve",
                            "2023-04-25",
                        ),
                        (
                            "2023-10-31",
                            "Tryghedsvandring i Solrød",
                            "Safety walk in Solrød",
                            "2023-10-03",
                        ),
                        (
                            "2023-12-31",
                            "Opfølgning på forbedringsforslagene",
                            "Follow-up on the suggested improvements",
                            None,
                        ),
                    ],
                    "timeline": [
                        (
                            "2023-04-25",
                            40,
                            "Tryghedsvandring i et boligområde i Greve med 25 deltagere; 14 "
                            "forslag om bedre belysning og beskæring.",
                            "Safety walk in a residential area in Greve with 25 participants; "
                            "14 suggestions for better lighting and pruning.",
                        ),
                        (
                            "2023-10-03",
                            80,
                            "Tryghedsvandring i Solrød; Greve Kommune har allerede forbedret "
                            "belysningen på to stier.",
                            "Safety walk in Solrød; Greve Municipality has already improved the "
                            "lighting on two paths.",
                        ),
                    ],
                },
                {
                    "id": "MVSJ-2023-INDBRUD-01.3",
                    "title": "Indbrudstal og tryghedsmåling for de to kommuner",
                    "title_en": "Burglary figures and safety survey for the two municipalities",
                    "description": (
                        "Politiet følger antallet af anmeldte indbrud i Greve og Solrød kvartal "
                        "for kvartal, og kommunerne gennemfører en tryghedsmåling blandt "
                        "borgerne, så partnerskabets effekt kan vurderes."
                    ),
                    "description_en": (
                        "The police follow the number of reported burglaries in Greve and "
                        "Solrød quarter by quarter, and the municipalities carry out a safety "
                        "survey among citizens, so that the partnership's effect can be judged."
                    ),
                    "weight": 2,
                    "timeline": [
                        (
                            "2023-04-20",
                            25,
                            "Indbrudstal for 1. kvartal fremlagt for de to lokalråd.",
                            "Burglary figures for the first quarter presented to the two local "
                            "councils.",
                        ),
                        (
                            "2023-07-18",
                            50,
                            "Tal for 2. kvartal fremlagt; spørgeskemaet til tryghedsmålingen er "
                            "godkendt.",
                            "Second-quarter figures presented; the safety survey questionnaire "
                            "has been approved.",
                        ),
                        (
                            "2023-10-24",
                            70,
                            "Tal for 3. kvartal fremlagt; tryghedsmålingen er sendt til 2.000 "
                            "tilfældigt udvalgte borgere.",
                            "Third-quarter figures presented; the safety survey has been sent "
                            "to 2,000 randomly selected citizens.",
                        ),
                    ],
                },
                {
                    "id": "MVSJ-2023-INDBRUD-01.4",
                    "title": "Sikringsrådgivning dør til dør i hårdt ramte villakvarterer",
                    "title_en": "Door-to-door security advice in badly hit neighbourhoods",
                    "description": (
                        "Lokalbetjentene går dør til dør i villakvarterer, hvor der har været "
                        "flere indbrud, og rådgiver om lys, låse og nabohjælp."
                    ),
                    "description_en": (
                        "The local officers go door to door in neighbourhoods that have had "
                        "several burglaries and advise on lighting, locks and neighbourhood "
                        "watch."
                    ),
                    "weight": 1,
                    "responsible": ["police"],
                    "timeline": [
                        (
                            "2023-03-08",
                            20,
                            "Første runde i et villakvarter i Solrød efter en række indbrud.",
                            "First round in a neighbourhood in Solrød after a series of "
                            "burglaries.",
                        ),
                        (
                            "2023-08-30",
                            50,
                            "Runder gennemført i to kvarterer i Greve; 210 husstande besøgt.",
                            "Rounds completed in two neighbourhoods in Greve; 210 households "
                            "visited.",
                        ),
                        (
                            "2023-11-14",
                            60,
                            "Runde i Solrød Strand udsat til efter jul på grund af travlhed.",
                            "Round in Solrød Strand postponed until after Christmas because of "
                            "workload.",
                        ),
                    ],
                },
            ],
        },
        {
            "id": "MVSJ-2023-INDBRUD-02",
            "title": (
                "Foredrag om indbrudssikring og nabohjælp på borgermøder og i grundejerforeninger"
            ),
            "title_en": (
                "Talks on burglary protection and neighbourhood watch at citizen meetings and "
                "in homeowners' associations"
            ),
            "description": (
                "Politikredsens lokalbetjente holder foredrag om indbrudssikring og nabohjælp, "
                "blandt andet på borgermøder og i grundejerforeninger. Foreninger kan bestille "
                "et foredrag via “Bestil en betjent”."
            ),
            "description_en": (
                "The police district's local officers give talks on burglary protection and "
                "neighbourhood watch, among other places at citizen meetings and in homeowners' "
                "associations. Associations can book a talk through “Bestil en betjent” (Order "
                "an officer)."
            ),
            "weight": 2,
            "responsible": ["police", "grundejerforeninger"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                ("2023-06-30", "20 foredrag holdt", "20 talks given", "2023-06-12"),
                ("2023-12-31", "40 foredrag holdt", "40 talks given", None),
            ],
            "timeline": [
                (
                    "2023-03-31",
                    20,
                    "8 foredrag holdt i 1. kvartal, bl.a. for grundejerforeninger i Roskilde og "
                    "Holbæk.",
                    "8 talks given in the first quarter, among them for homeowners' associations "
                    "in Roskilde and Holbæk.",
                ),
                (
                    "2023-06-12",
                    50,
                    "20 foredrag holdt; størst efterspørgsel i Greve, Solrød og Køge.",
                    "20 talks given; the highest demand is in Greve, Solrød and Køge.",
                ),
                (
                    "2023-10-31",
                    80,
                    "32 foredrag holdt for i alt ca. 1.400 borgere.",
                    "32 talks given to about 1,400 citizens in total.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-INDBRUD-03",
            "title": "Fokus på muligheden for at tippe politiet",
            "title_en": "Encouraging citizens to tip off the police",
            "description": (
                "Borgerne gøres opmærksomme på muligheden for at tippe politiet, hvis de ser "
                "noget mistænkeligt i deres lokalområde, bl.a. via lokalbetjentenes foredrag, "
                "kommunernes hjemmesider og politiets sociale medier."
            ),
            "description_en": (
                "Citizens are made aware that they can tip off the police when they see "
                "something suspicious in their neighbourhood, among other channels through the "
                "local officers' talks, the municipalities' websites and the police's social "
                "media."
            ),
            "weight": 1,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-02-15",
                    30,
                    "Fælles tekst om at tippe politiet lagt på alle 10 kommuners hjemmesider.",
                    "A shared text on tipping off the police published on all 10 "
                    "municipalities' websites.",
                ),
                (
                    "2023-09-01",
                    60,
                    "Kampagne på politiets sociale medier op til efterårets mørke måneder.",
                    "Campaign on the police's social media ahead of the dark autumn months.",
                ),
                (
                    "2023-11-15",
                    75,
                    "Flere tip om mistænkelig adfærd i boligområder end i samme periode i 2022.",
                    "More tips about suspicious behaviour in residential areas than in the same "
                    "period of 2022.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-INDBRUD-04",
            "title": "Tryghedsopfølgninger til alle borgere, der har haft indbrud",
            "title_en": "Safety follow-ups with every citizen who has had a burglary",
            "description": (
                "Lokalbetjentene kontakter som udgangspunkt alle borgere, der har haft indbrud, "
                "for at følge op på eventuelle spørgsmål og vejlede om indbrudssikring."
            ),
            "description_en": (
                "As a rule, the local officers contact every citizen who has had a burglary to "
                "follow up on any questions and advise on burglary protection."
            ),
            "weight": 2,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-05",
                    25,
                    "Fast arbejdsgang: lokalbetjenten ringer senest 14 dage efter anmeldelsen.",
                    "Fixed routine: the local officer calls no later than 14 days after the "
                    "report.",
                ),
                (
                    "2023-07-03",
                    50,
                    "Tryghedsopfølgning gennemført efter 9 ud af 10 indbrud i 1. halvår.",
                    "Safety follow-up made after 9 out of 10 burglaries in the first half-year.",
                ),
                (
                    "2023-10-04",
                    75,
                    "Opfølgningerne fortsætter; borgerne beskriver samtalerne som nyttige.",
                    "The follow-ups continue; citizens describe the calls as useful.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-INDBRUD-05",
            "title": "Politigaranti: politiet på stedet inden for 24 timer efter anmeldt indbrud",
            "title_en": "Police guarantee: police on site within 24 hours of a reported burglary",
            "description": (
                "Som følge af politigarantierne rykker politiet ud inden for 24 timer efter "
                "borgerens anmeldelse om indbrud i private hjem, medmindre borgeren selv ønsker "
                "et senere tidspunkt, og straks, hvis gerningsmanden stadig er på stedet. "
                "Borgeren får vejledning i at sikre spor."
            ),
            "description_en": (
                "Under the police guarantees, the police turn out within 24 hours of a "
                "citizen's report of a burglary in a private home, unless the citizen asks for "
                "a later time, and at once if the burglar is still there. The citizen is "
                "advised on how to preserve traces."
            ),
            "weight": 3,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-10",
                    25,
                    "1. kvartal: garantien overholdt i 97 % af sagerne.",
                    "First quarter: the guarantee was kept in 97% of cases.",
                ),
                (
                    "2023-07-10",
                    50,
                    "2. kvartal: garantien overholdt i 98 % af sagerne.",
                    "Second quarter: the guarantee was kept in 98% of cases.",
                ),
                (
                    "2023-10-09",
                    75,
                    "3. kvartal: garantien overholdt i 96 % af sagerne; to klager behandlet.",
                    "Third quarter: the guarantee was kept in 96% of cases; two complaints "
                    "handled.",
                ),
            ],
        },
    ],
}
