"""Midt- og Vestsjællands Politi's cooperation plan for 2023, as data.

The Danish texts are the plan's own wording (seed/000_aed33b8ce7138661.txt) with the OCR
errors corrected; the English texts translate them. The initiatives follow what the plan
names; their progress, milestones and timeline entries are invented for the demo.

Each focus-area module holds one AREA dict. An initiative is a dict with:
  id, title, title_en, description, description_en, weight,
  responsible: "police", "municipalities" (those concerned), a municipality code or a partner key
  municipalities: "all" or a list of municipality codes
  councils: "lokalraad" / "psp" (those of the municipalities concerned), "forum", "kredsraad",
            "kontaktudvalg"
  start, end (ISO dates), continues (next year), by (the demo account that wrote the timeline)
  milestones: (due, title, title_en, completed_on or None)
  timeline: (date, progress, text, text_en); a leaf's status and progress are its last entry's
  children: initiatives that inherit responsible, municipalities, councils, start, end,
            continues and by unless they set them
"""

from tryghed.demo.plan2023 import (
    fester,
    forebyggelse,
    indbrud,
    lokalraad,
    narkotika,
    psp,
    tilstedevaerelse,
    trafik,
)

YEAR = 2023

PLAN = {
    "title": "Samarbejdsplan 2023",
    "title_en": "Cooperation plan 2023",
    # The kredsråd's first meeting of the year approved the plan; it was published a week later.
    "approved_at": "2023-01-25T14:00:00",
    "published_at": "2023-02-01T09:00:00",
    "foreword": """\
Indledning

Midt- og Vestsjællands Politi skaber tryghed og sikkerhed for borgerne, og den opgave løses \
bedst i et tæt samarbejde med kommunerne og de mange samarbejdspartnere i lokalsamfundene.

Dedikerede medarbejdere hos kommunerne bakker op om politiets indsats for at opretholde ro, \
orden og sikkerhed for borgerne i Midt- og Vestsjælland. De senere år har vi blandt andet \
arbejdet tæt sammen om indsatsen mod bandekriminalitet, indbrud og den utryghedsskabende adfærd \
i det offentlige rum, ligesom vi har styrket den fælles indsats for udsatte borgere med psykiske \
udfordringer.

Tak for samarbejdet i 2022. Midt- og Vestsjællands Politi ser frem til de mange nye opgaver, der \
venter forude, og som skal løses i et fortsat godt samarbejde mellem politi og kommuner.

Samarbejdsplan

Hvert år udarbejder Midt- og Vestsjællands Politi efter dialog med kredsrådet en plan for \
samarbejdet mellem politiet og kommunerne, andre offentlige myndigheder, \
interesseorganisationer og det øvrige lokalsamfund i politikredsen. Samarbejdsplanen indeholder \
fælles indsatsområder og danner blandt andet rammen for de konkrete indsatser, der skal udmøntes \
i lokalrådsregi.

Kredsråd

Kredsrådet består af politidirektøren og borgmestrene fra kredsens 10 kommuner. I kredsrådet \
sættes den strategiske retning for samarbejdet. Kredsrådet udpeger de indsatsområder, som \
politiet, kommunerne og øvrige relevante samarbejdspartnere skal have særligt fokus på i det \
kommende år.

Kredsrådet drøfter politiets forskellige opgaver og udviklingen i kriminaliteten. Hvis der \
skulle opstå et behov for at sætte ind over for konkret opståede problemer, eller hvis der skal \
etableres større indsatsområder med koordinering mellem politiet og kommunerne, kan kredsrådet \
tage stilling hertil.

Kontaktudvalg

I kontaktudvalget sidder en repræsentant fra hver kommune samt sekretariatschefen og en \
politiinspektør fra Midt- og Vestsjællands Politi. Kontaktudvalget varetager \
sekretariatsfunktionen for kredsrådet.

Lokalråd

Alle 10 kommuner i politikredsen har et lokalråd, der består af repræsentanter fra politiet, \
kommunen og lokalsamfundet. I lokalrådet mødes politiet, kommunen og lokalsamfundet i et \
struktureret samarbejde, hvor der samarbejdes om at finde fælles løsninger på lokale \
udfordringer, ligesom der udveksles informationer, som kan fremme samarbejdet og optimere \
opgaveløsningen.""",
    "foreword_en": """\
Introduction

Mid- and West Zealand Police creates safety and security for the citizens, and that task is \
best solved in close cooperation with the municipalities and the many partners in the local \
communities.

Dedicated staff in the municipalities support the police's work to maintain peace, order and \
safety for the citizens of Mid- and West Zealand. In recent years we have, among other things, \
worked closely together against gang crime, burglary and the behaviour in public spaces that \
makes people feel unsafe, and we have strengthened our joint efforts for vulnerable citizens \
with mental health problems.

Thank you for the cooperation in 2022. Mid- and West Zealand Police looks forward to the many \
new tasks that lie ahead, and which are to be solved in continued good cooperation between the \
police and the municipalities.

Cooperation plan

Every year, after dialogue with the district council (kredsråd), Mid- and West Zealand Police \
draws up a plan for the cooperation between the police and the municipalities, other public \
authorities, interest organisations and the rest of the local community in the police district. \
The cooperation plan contains shared focus areas and, among other things, sets the frame for the \
concrete initiatives to be put into practice by the local councils.

District council (kredsråd)

The district council consists of the police director and the mayors of the district's 10 \
municipalities. The district council sets the strategic direction of the cooperation. It \
selects the focus areas that the police, the municipalities and other relevant partners are to \
give particular attention in the coming year.

The district council discusses the various tasks of the police and the development in crime. \
Should a need arise to act on specific problems that have emerged, or should larger focus areas \
be established with coordination between the police and the municipalities, the district \
council can decide on it.

Contact committee (kontaktudvalg)

The contact committee has one representative from each municipality together with the head of \
secretariat and a chief superintendent from Mid- and West Zealand Police. The contact committee \
serves as the secretariat of the district council.

Local councils (lokalråd)

All 10 municipalities in the police district have a local council made up of representatives \
of the police, the municipality and the local community. In the local council, the police, the \
municipality and the local community meet in a structured cooperation, working together to \
find shared solutions to local challenges and exchanging information that can further the \
cooperation and improve how the tasks are solved.""",
}

# In the plan's own order.
FOCUS_AREAS = [
    lokalraad.AREA,
    indbrud.AREA,
    trafik.AREA,
    narkotika.AREA,
    fester.AREA,
    psp.AREA,
    tilstedevaerelse.AREA,
    forebyggelse.AREA,
]
