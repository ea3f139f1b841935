"""Samarbejde om kriminalitetsforebyggelse."""

AREA = {
    "slug": "kriminalitetsforebyggelse",
    "title": "Samarbejde om kriminalitetsforebyggelse",
    "title_en": "Cooperation on crime prevention",
    "description": """\
Politikredsen, kommunerne og øvrige samarbejdspartnere samarbejder om mange områder med et \
kriminalitetsforebyggende sigte. I løbet af 2022 har der blandt andet været fokus på følgende \
områder:

• Den forebyggende indsats mod bandekriminalitet, der løbende udvikles i tæt samarbejde med \
andre vigtige interessenter i lokalområdet.
• Forebyggelse af vold og krænkelser i nære relationer og mellem parter der kender hinanden, \
eksempelvis på bosteder og behandlingsinstitutioner.
• Forebyggelse af IT-kriminalitet, herunder ulovlig billeddeling, rettet mod unge. Formålet er \
at skærpe de unges opmærksomhed, så de bedre kan beskytte sig mod tyveri af data, falske mails \
og ulovlig deling af billeder, både overfor IT-kriminelle med onde hensigter og overfor andre \
unge.
• Forebyggelse af bedrageri rettet mod ældre borgere ved på møder mv. at oplyse om, hvordan de \
ældre skal forholde sig for at undgå at blive udsat for bedrageri.

Disse emner vil politikredsen sammen med relevante samarbejdspartnere også have fokus på i \
2023, ligesom det vil være muligt at sætte fokus på nye områder, hvis der opstår særlige \
kriminalitetsrelaterede udfordringer i løbet af 2023.""",
    "description_en": """\
The police district, the municipalities and other partners cooperate in many areas with a view \
to preventing crime. During 2022 the focus has, among other things, been on the following \
areas:

• The preventive effort against gang crime, which is continuously developed in close \
cooperation with other important stakeholders in the local area.
• Preventing violence and abuse in close relationships and between people who know each \
other, for example at residential homes and treatment institutions.
• Preventing IT crime aimed at young people, including illegal image sharing. The aim is to \
sharpen young people's awareness so that they can better protect themselves against data \
theft, fake e-mails and illegal sharing of images, both from IT criminals with bad intentions \
and from other young people.
• Preventing fraud against elderly citizens by informing them at meetings and the like about \
how to avoid becoming victims of fraud.

The police district and relevant partners will also focus on these topics in 2023, and it will \
be possible to focus on new areas if particular crime-related problems arise during 2023.""",
    "initiatives": [
        {
            "id": "MVSJ-2023-FOREBYG-01",
            "title": "Forebyggende indsats mod bandekriminalitet",
            "title_en": "Preventive work against gang crime",
            "description": (
                "Den forebyggende indsats mod bandekriminalitet udvikles løbende i tæt "
                "samarbejde med andre vigtige interessenter i lokalområdet, bl.a. kommunernes "
                "SSP-samarbejde og boligselskaberne."
            ),
            "description_en": (
                "The preventive effort against gang crime is continuously developed in close "
                "cooperation with other important stakeholders in the local area, among them "
                "the municipalities' SSP cooperation and the housing associations."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities", "boligselskaber"],
            "municipalities": "all",
            "councils": ["lokalraad"],
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-03-22",
                    25,
                    "Fælles overblik over unge i risiko for at blive rekrutteret, delt i SSP-regi.",
                    "A shared overview of young people at risk of recruitment, shared within SSP.",
                ),
                (
                    "2023-06-27",
                    50,
                    "Exit-samtaler tilbudt til fire unge i samarbejde med kommunerne.",
                    "Exit talks offered to four young people together with the municipalities.",
                ),
                (
                    "2023-10-19",
                    70,
                    "Boligselskaberne i Holbæk og Roskilde indgår nu i den lokale koordinering.",
                    "The housing associations in Holbæk and Roskilde now take part in the local "
                    "coordination.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-FOREBYG-02",
            "title": (
                "Forebyggelse af vold og krænkelser i nære relationer, herunder på bosteder og "
                "behandlingsinstitutioner"
            ),
            "title_en": (
                "Preventing violence and abuse in close relationships, including at residential "
                "homes and treatment institutions"
            ),
            "description": (
                "Forebyggelse af vold og krænkelser i nære relationer og mellem parter, der "
                "kender hinanden, eksempelvis på bosteder og behandlingsinstitutioner."
            ),
            "description_en": (
                "Preventing violence and abuse in close relationships and between people who "
                "know each other, for example at residential homes and treatment institutions."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-05-31",
                    "Temadag for personale på bosteder",
                    "Theme day for staff at residential homes",
                    "2023-05-16",
                ),
            ],
            "timeline": [
                (
                    "2023-02-27",
                    20,
                    "Kontaktpersoner for vold i nære relationer udpeget i alle kommuner.",
                    "Contact persons for violence in close relationships appointed in all "
                    "municipalities.",
                ),
                (
                    "2023-05-16",
                    50,
                    "Temadag for 80 medarbejdere fra bosteder og behandlingsinstitutioner.",
                    "Theme day for 80 staff from residential homes and treatment institutions.",
                ),
                (
                    "2023-10-10",
                    70,
                    "Fælles procedure for anmeldelse af vold på bosteder aftalt med tre kommuner.",
                    "A shared procedure for reporting violence at residential homes agreed "
                    "with three municipalities.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-FOREBYG-03",
            "title": (
                "Forebyggelse af IT-kriminalitet rettet mod unge, herunder ulovlig billeddeling"
            ),
            "title_en": (
                "Preventing IT crime aimed at young people, including illegal image sharing"
            ),
            "description": (
                "Formålet er at skærpe de unges opmærksomhed, så de bedre kan beskytte sig mod "
                "tyveri af data, falske mails og ulovlig deling af billeder, både overfor "
                "IT-kriminelle med onde hensigter og overfor andre unge."
            ),
            "description_en": (
                "The aim is to sharpen young people's awareness so that they can better protect "
                "themselves against data theft, fake e-mails and illegal sharing of images, both "
                "from IT criminals with bad intentions and from other young people."
            ),
            "weight": 2,
            "responsible": ["police", "municipalities", "dkr"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "milestones": [
                (
                    "2023-06-30",
                    "Oplæg i alle 8. klasser i to kommuner",
                    "Talks in every 8th grade in two municipalities",
                    "2023-06-15",
                ),
            ],
            "timeline": [
                (
                    "2023-03-09",
                    25,
                    "Oplæg om digital dannelse og billeddeling udviklet med SSP.",
                    "A talk on online behaviour and image sharing developed with SSP.",
                ),
                (
                    "2023-06-15",
                    50,
                    "Oplæg holdt i alle 8. klasser i Ringsted og Lejre.",
                    "Talks given in every 8th grade in Ringsted and Lejre.",
                ),
                (
                    "2023-11-01",
                    75,
                    "Forældremøder om ulovlig billeddeling holdt i fem kommuner.",
                    "Parents' meetings on illegal image sharing held in five municipalities.",
                ),
            ],
        },
        {
            "id": "MVSJ-2023-FOREBYG-04",
            "title": "Forebyggelse af bedrageri rettet mod ældre borgere",
            "title_en": "Preventing fraud against elderly citizens",
            "description": (
                "Politiet oplyser på møder mv. om, hvordan de ældre skal forholde sig for at "
                "undgå at blive udsat for bedrageri."
            ),
            "description_en": (
                "At meetings and the like, the police inform elderly citizens about how to avoid "
                "becoming victims of fraud."
            ),
            "weight": 1,
            "responsible": ["police", "municipalities"],
            "municipalities": "all",
            "start": "2023-01-01",
            "end": "2023-12-31",
            "timeline": [
                (
                    "2023-02-23",
                    25,
                    "Oplæg om telefonsvindel og falske bankmedarbejdere holdt i tre ældreråd.",
                    "Talks on phone scams and fake bank staff given in three senior citizens' "
                    "councils.",
                ),
                (
                    "2023-06-08",
                    50,
                    "Pjece om bedrageri delt ud via hjemmeplejen i alle kommuner.",
                    "A leaflet on fraud handed out through home care in all municipalities.",
                ),
                (
                    "2023-10-26",
                    80,
                    "I alt 26 møder for ældre; flere ældreklubber har bestilt opfølgning.",
                    "26 meetings for the elderly in total; several senior clubs have asked for "
                    "a follow-up.",
                ),
            ],
        },
    ],
}
