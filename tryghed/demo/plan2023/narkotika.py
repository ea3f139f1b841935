"""Handel med narkotika på gadeplan."""

AREA = {
    "slug": "narkotika-paa-gadeplan",
    "title": "Handel med narkotika på gadeplan",
    "title_en": "Street-level drug dealing",
    "description": """\
Når borgerne oplever handel med narkotika i deres lokalområde, kan det skabe stor utryghed. \
Derfor er handel med narkotika på gadeplan fortsat et fælles indsatsområde i 2023.

Politiet er løbende i dialog med bl.a. kommuner, institutioner, boligselskaber, lokalråd og \
tryghedsambassadører om problemet og herunder om, hvordan der kan sættes ind med størst mulig \
effekt. Politikredsen følger også løbende op på de tip, som modtages fra borgerne om handel med \
narkotika.

Politikredsen vil i 2023 fortsætte indsatsen ikke mindst i forhold til narkotikasalg ved \
relevante skoler og uddannelsesinstitutioner, hvor man i henhold til de nye politigarantier \
skal rykke ud, når der er tale om åbenlyst salg af narkotika.

Det vil i 2023 som tidligere år også være muligt at få politikredsens narkohunde på \
kontrolbesøg på politikredsens skoler og uddannelsesinstitutioner, hvilket vurderes at have en \
præventiv effekt, ligesom det også konkret fører til, at der beslaglægges narkotika.""",
    "description_en": """\
When citizens see drugs being sold in their neighbourhood, it can make them feel very unsafe. \
Street-level drug dealing therefore remains a shared focus area in 2023.

The police are in continuous dialogue with, among others, municipalities, institutions, housing \
associations, local councils and safety ambassadors about the problem, including how to act \
with the greatest possible effect. The police district also continuously follows up on the \
tips it receives from citizens about drug dealing.

In 2023 the police district will continue the effort, not least against drug sales at relevant \
schools and education institutions, where the new police guarantees require the police to turn \
out when drugs are sold openly.

As in previous years, it will also be possible in 2023 to have the police district's drug dogs \
on inspection visits to the district's schools and education institutions, which is judged to \
have a preventive effect and also leads in practice to drugs being seized.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-NARKO-01",
            "title": "Dialog om narkotikahandel på gadeplan",
            "title_en": "Dialogue on street-level drug dealing",
            "description": (
                "Politiet er løbende i dialog med kommuner, institutioner, boligselskaber, "
                "lokalråd og tryghedsambassadører om handel med narkotika på gadeplan og om, "
                "hvordan der kan sættes ind med størst mulig effekt."
            ),
            "description_en": (
                "The police are in continuous dialogue with municipalities, institutions, "
                "housing associations, local councils and safety ambassadors about street-level "
                "drug dealing and how to act with the greatest possible effect."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities", "boligselskaber", "tryghedsambassadoerer"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-03-15",
                    25,
                    "Narkotika på gadeplan drøftet i alle 10 lokalråd.",
                    "Street-level drug dealing discussed in all 10 local councils.",
                ),
                (
                    "2023-06-07",
                    50,
                    "Møder med boligselskaberne i Holbæk og Roskilde om handel i boligområderne.",
                    "Meetings with the housing associations in Holbæk and Roskilde about dealing "
                    "in residential areas.",
                ),
                (
                    "2023-10-18",
                    75,
                    "Tryghedsambassadørerne i Køge og Greve har fået en fast kontakt hos "
                    "lokalpolitiet.",
                    "The safety ambassadors in Køge and Greve now have a fixed contact in the "
                    "local police.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-NARKO-02",
            "title": "Opfølgning på borgernes tip om handel med narkotika",
            "title_en": "Following up citizens' tips about drug dealing",
            "description": (
                "Politikredsen følger løbende op på de tip, som modtages fra borgerne om handel "
                "med narkotika. Tip kan gives anonymt."
            ),
            "description_en": (
                "The police district continuously follows up on the tips it receives from "
                "citizens about drug dealing. Tips can be given anonymously."
            ),
            "weight": 2,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-12",
                    25,
                    "96 tip om narkotikahandel i 1. kvartal; alle vurderet inden for en uge.",
                    "96 tips about drug dealing in the first quarter; all assessed within a week.",
                ),
                (
                    "2023-07-12",
                    50,
                    "Tip fra borgere har ført til tre ransagninger og beslaglæggelser i Holbæk.",
                    "Tips from citizens have led to three searches and seizures in Holbæk.",
                ),
                (
                    "2023-10-11",
                    75,
                    "Tip bruges nu systematisk i planlægningen af patruljer i boligområderne.",
                    "Tips are now used systematically when planning patrols in residential areas.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-NARKO-03",
            "title": (
                "Politigaranti: udrykning ved åbenlyst narkotikasalg ved skoler og "
                "uddannelsesinstitutioner"
            ),
            "title_en": (
                "Police guarantee: response to open drug sales at schools and education "
                "institutions"
            ),
            "description": (
                "I henhold til politigarantierne rykker politiet ud, når der er tale om "
                "åbenlyst salg af narkotika ved grundskoler og ungdomsuddannelser. Politiet "
                "arbejder også forebyggende og orienterer kommunen."
            ),
            "description_en": (
                "Under the police guarantees, the police turn out when drugs are sold openly at "
                "primary schools and youth education institutions. The police also work "
                "preventively and inform the municipality."
            ),
            "weight": 3,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-04-10",
                    25,
                    "1. kvartal: 4 anmeldelser om åbenlyst salg ved skoler; politiet rykkede ud "
                    "i alle tilfælde.",
                    "First quarter: 4 reports of open sales at schools; the police turned out "
                    "every time.",
                ),
                (
                    "2023-07-10",
                    50,
                    "2. kvartal: 3 anmeldelser; kommunen orienteret i alle sager.",
                    "Second quarter: 3 reports; the municipality was informed in every case.",
                ),
                (
                    "2023-10-09",
                    75,
                    "3. kvartal: 5 anmeldelser, heraf 2 ved samme gymnasium, hvor der nu "
                    "patruljeres fast.",
                    "Third quarter: 5 reports, 2 of them at the same upper secondary school, "
                    "which is now patrolled regularly.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-NARKO-04",
            "title": "Narkohunde på kontrolbesøg på skoler og uddannelsesinstitutioner",
            "title_en": "Drug dogs on inspection visits to schools and education institutions",
            "description": (
                "Skoler og uddannelsesinstitutioner kan som tidligere år få politikredsens "
                "narkohunde på kontrolbesøg. Besøgene vurderes at have en præventiv effekt og "
                "fører også konkret til, at der beslaglægges narkotika."
            ),
            "description_en": (
                "As in previous years, schools and education institutions can have the police "
                "district's drug dogs on inspection visits. The visits are judged to have a "
                "preventive effect and also lead in practice to drugs being seized."
            ),
            "weight": 1,
            "responsible": ["police"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-06-30",
                    "Besøg på 15 institutioner",
                    "Visits to 15 institutions",
                    "2023-06-22",
                ),
                ("2023-12-31", "Besøg på 30 institutioner", "Visits to 30 institutions", None),
            ],
            "timeline": [
                (
                    "2023-03-24",
                    25,
                    "7 kontrolbesøg gennemført; mindre mængder hash fundet på to skoler.",
                    "7 inspection visits carried out; small amounts of cannabis found at two "
                    "schools.",
                ),
                (
                    "2023-06-22",
                    50,
                    "15 institutioner besøgt inden sommerferien.",
                    "15 institutions visited before the summer holidays.",
                ),
                (
                    "2023-11-02",
                    80,
                    "24 institutioner besøgt; flere efterskoler har bestilt besøg i 2024.",
                    "24 institutions visited; several boarding schools have booked visits for "
                    "2024.",
                ),
            ],
        },
    ],
}
