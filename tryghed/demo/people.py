"""The demo district's organisations, councils, people and staff accounts.

Everyone here is fictional: real titles, invented names. The people who sit on councils
without an account get names from a fixed list, so the same person gets the same name (and
the same e-mail, which is the key the loader finds them by) on every run.
"""

import datetime
from dataclasses import dataclass

DISTRICT_NUMBER = 8
POLICE = "Midt- og Vestsjællands Politi"
PASSWORD = "demo-tryghed"

# The district's ten municipalities in code order, with the ASCII slugs used in council slugs
# and e-mail domains (Django's slugify drops æ, ø and å).
MUNICIPALITIES = [
    ("0253", "greve", "Greve"),
    ("0259", "koege", "Køge"),
    ("0265", "roskilde", "Roskilde"),
    ("0269", "solroed", "Solrød"),
    ("0306", "odsherred", "Odsherred"),
    ("0316", "holbaek", "Holbæk"),
    ("0326", "kalundborg", "Kalundborg"),
    ("0329", "ringsted", "Ringsted"),
    ("0336", "stevns", "Stevns"),
    ("0350", "lejre", "Lejre"),
]
CODES = [code for code, _, _ in MUNICIPALITIES]
SLUG = {code: slug for code, slug, _ in MUNICIPALITIES}
NAME = {code: name for code, _, name in MUNICIPALITIES}

# Partners named in the plan. Keys are what plan data and memberships refer to.
PARTNERS = {
    "psykiatri": "Psykiatrien i Region Sjælland",
    "boligselskaber": "Boligselskaberne i Midt- og Vestsjælland",
    "dkr": "Det Kriminalpræventive Råd",
    "grundejerforeninger": "Grundejerforeninger i politikredsen",
    "tryghedsambassadoerer": "Tryghedsambassadørerne",
    "foreninger": "Foreningslivet og erhvervslivet i lokalsamfundene",
}

EMAIL_DOMAIN = {
    "police": "politi.example",
    "psykiatri": "psykiatri-regionsjaelland.example",
    "boligselskaber": "boligselskab.example",
    "grundejerforeninger": "grundejerforening.example",
    "tryghedsambassadoerer": "tryghedsambassadoer.example",
    "foreninger": "forening.example",
}

MAYORS = {
    "0253": "Hanne Lund",
    "0259": "Peter Kjær",
    "0265": "Birgitte Holm",
    "0269": "Lars Vinther",
    "0306": "Susanne Bach",
    "0316": "Anders Dam",
    "0326": "Lone Thygesen",
    "0329": "Michael Hviid",
    "0336": "Karen Brink",
    "0350": "Torben Lykke",
}

# People whose names are fixed because a demo account belongs to them.
NAMED = {
    "director": "Karin Mølgaard",
    "secretariat_head": "Mette Skov",
    "chief_inspector": "Thomas Wind",
    "psp_coordinator": "Anja Lindholm",
    "traffic_head": "Kim Halberg",
    ("local_officer", "0253"): "Camilla Frost",
    ("local_officer", "0259"): "Rasmus Bendtsen",
    ("contact", "0253"): "Louise Krogh",
    ("resident_current_1", "0259"): "Bent Juhl",
}

FIRST_NAMES = [
    "Anne", "Jesper", "Maria", "Henrik", "Line", "Martin", "Sofie", "Niels", "Pia", "Kasper",
    "Helle", "Morten", "Trine", "Jakob", "Lene", "Christian", "Julie", "Ole", "Marianne",
    "Frederik", "Tina", "Søren", "Ida", "Mads", "Charlotte", "Nikolaj", "Birthe", "Rune",
    "Malene", "Steen", "Katrine", "Allan", "Signe", "Poul", "Gitte", "Emil", "Bodil",
    "Kristian", "Nanna", "Finn", "Rikke",
]  # fmt: skip
LAST_NAMES = [
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen",
    "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Christiansen", "Poulsen",
    "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen", "Lauridsen", "Holst", "Bruun",
    "Dahl", "Lind", "Kjeldsen", "Vestergaard", "Nørgaard", "Skovgaard", "Birk", "Ravn",
]  # fmt: skip

KREDSRAAD = "kredsraad"
KONTAKTUDVALG = "kontaktudvalg"
TRAFFIC_FORUM = "forum-trafiksikkerhed"

TERM_START = datetime.date(2022, 1, 1)  # the municipal councils' term 2022-2025
RESIDENT_TERM_YEARS = 2


@dataclass(frozen=True)
class PersonSpec:
    name: str
    title: str
    org: str  # "police", a municipality code, or a partner key

    @property
    def email(self):
        local = self.name.lower()
        for letter, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), (" ", ".")):
            local = local.replace(letter, ascii_)
        if self.org in SLUG:
            domain = f"{SLUG[self.org]}-kommune.example"
        else:
            domain = EMAIL_DOMAIN.get(self.org, "tryghed.example")
        return f"{local}@{domain}"


@dataclass(frozen=True)
class CouncilSpec:
    slug: str
    kind: str
    name: str
    description: str
    municipality: str | None = None


@dataclass(frozen=True)
class MemberSpec:
    council: str
    person: PersonSpec
    position: str = "member"
    start: datetime.date | None = TERM_START
    end: datetime.date | None = None


@dataclass(frozen=True)
class AccountSpec:
    username: str
    first_name: str
    last_name: str
    role: str  # a RoleAssignment.Role value, or "superuser"
    scope: str  # "district", a municipality code, or a council slug
    scope_label: str
    person: PersonSpec | None = None


class _Names:
    """Hands out distinct generated names, never one of the fixed ones."""

    def __init__(self):
        self.index = 0
        self.used = set(NAMED.values()) | set(MAYORS.values())

    def next(self):
        while True:
            i = self.index
            self.index += 1
            # 41 and 31 are coprime, so the pairs repeat only after 41 * 31 names.
            name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i * 7) % len(LAST_NAMES)]}"
            if name not in self.used:
                self.used.add(name)
                return name


def _resident_terms(today):
    """The 2022-2023 term (the plan year's representatives) and the term running today."""
    first = (TERM_START, _term_end(TERM_START))
    year = TERM_START.year
    while year + RESIDENT_TERM_YEARS <= today.year:
        year += RESIDENT_TERM_YEARS
    current_start = datetime.date(year, 1, 1)
    if current_start == TERM_START:
        return [first]
    return [first, (current_start, _term_end(current_start))]


def _term_end(start):
    return datetime.date(start.year + RESIDENT_TERM_YEARS, 1, 1) - datetime.timedelta(days=1)


def build(today):
    """Councils, memberships and accounts of the demo district, as plain specs."""
    names = _Names()

    def person(key, title, org):
        return PersonSpec(NAMED.get(key) or names.next(), title, org)

    director = person("director", f"Politidirektør, {POLICE}", "police")
    secretariat_head = person("secretariat_head", f"Sekretariatschef, {POLICE}", "police")
    chief_inspector = person("chief_inspector", f"Politiinspektør, {POLICE}", "police")
    psp_coordinator = person("psp_coordinator", f"Central PSP-koordinator, {POLICE}", "police")
    traffic_head = person(
        "traffic_head", f"Politikommissær, Færdselsafdelingen, {POLICE}", "police"
    )

    councils = [
        CouncilSpec(
            KREDSRAAD,
            "district_council",
            "Kredsrådet",
            "Politidirektøren og borgmestrene fra kredsens 10 kommuner. Kredsrådet sætter den "
            "strategiske retning for samarbejdet og udpeger årets indsatsområder "
            "(retsplejelovens § 111).",
        ),
        CouncilSpec(
            KONTAKTUDVALG,
            "contact_committee",
            "Kontaktudvalget",
            "En repræsentant fra hver kommune samt sekretariatschefen og en politiinspektør "
            "fra Midt- og Vestsjællands Politi. Kontaktudvalget varetager "
            "sekretariatsfunktionen for kredsrådet.",
        ),
        CouncilSpec(
            TRAFFIC_FORUM,
            "forum",
            "Forum for trafiksikkerhed",
            "Politikredsens og kommunernes mødeforum om trafiksikkerhed, genstartet i 2023 "
            "efter et par års pause som følge af covid-19.",
        ),
    ]
    members = [MemberSpec(KREDSRAAD, director, "chair", datetime.date(2020, 3, 1))]
    members += [
        MemberSpec(KONTAKTUDVALG, chief_inspector, "chair"),
        MemberSpec(KONTAKTUDVALG, secretariat_head, "secretary"),
        MemberSpec(TRAFFIC_FORUM, traffic_head, "chair", datetime.date(2023, 2, 1)),
    ]
    local = {}
    for code, slug, name in MUNICIPALITIES:
        kommune = f"{name} Kommune"
        mayor = PersonSpec(MAYORS[code], f"Borgmester, {kommune}", code)
        contact = person(("contact", code), f"Chefkonsulent, {kommune}", code)
        officer = person(("local_officer", code), f"Lokalbetjent, {name}, {POLICE}", "police")
        local[code] = {"mayor": mayor, "contact": contact, "officer": officer}
        members += [
            MemberSpec(KREDSRAAD, mayor),
            MemberSpec(KONTAKTUDVALG, contact),
            MemberSpec(
                TRAFFIC_FORUM,
                person(("traffic", code), f"Trafikplanlægger, {kommune}", code),
                start=datetime.date(2023, 2, 1),
            ),
        ]

        lokalraad = f"lokalraad-{slug}"
        councils.append(
            CouncilSpec(
                lokalraad,
                "local_council",
                f"Lokalråd {name}",
                f"Lokalrådet i {kommune}: politiet, kommunen og lokalsamfundet finder sammen "
                "fælles løsninger på lokale udfordringer og vedtager en handleplan.",
                code,
            )
        )
        members += [
            MemberSpec(
                lokalraad,
                person(("police_leader", code), f"Lokalpolitileder, {name}, {POLICE}", "police"),
                "chair",
            ),
            MemberSpec(lokalraad, contact, "secretary"),
            MemberSpec(lokalraad, person(("ssp", code), f"SSP-koordinator, {kommune}", code)),
        ]
        resident_roles = [
            ("Formand for en grundejerforening i {name}", "grundejerforeninger"),
            ("Tryghedsambassadør i {name}", "tryghedsambassadoerer"),
            ("Repræsentant for boligselskaberne i {name}", "boligselskaber"),
            ("Repræsentant for foreningslivet i {name}", "foreninger"),
        ]
        for term, (start, end) in enumerate(_resident_terms(today)):
            for seat in range(2):
                title, org = resident_roles[(2 * term + seat) % len(resident_roles)]
                key = ("resident_first" if term == 0 else "resident_current") + f"_{seat + 1}"
                resident = person((key, code), title.format(name=name), org)
                members.append(MemberSpec(lokalraad, resident, start=start, end=end))
                if key == "resident_current_1":
                    local[code]["resident"] = resident

        psp = f"psp-{slug}"
        councils.append(
            CouncilSpec(
                psp,
                "psp_group",
                f"PSP-gruppe {name}",
                f"Politi, socialforvaltning og psykiatri i {kommune} koordinerer indsatsen for "
                "særligt udsatte borgere (retsplejelovens § 115).",
                code,
            )
        )
        members += [
            MemberSpec(psp, officer),
            MemberSpec(psp, psp_coordinator),
            MemberSpec(
                psp,
                person(("social", code), f"Afdelingsleder, Socialpsykiatrien, {kommune}", code),
            ),
            MemberSpec(
                psp,
                person(
                    ("psychiatry", code),
                    f"Afdelingssygeplejerske, Distriktspsykiatrien, {PARTNERS['psykiatri']}",
                    "psykiatri",
                ),
            ),
        ]

    accounts = [
        AccountSpec(
            "sekretariat",
            *secretariat_head.name.split(" ", 1),
            "district_secretariat",
            "district",
            POLICE,
            secretariat_head,
        ),
        AccountSpec("kreds", "Jonas", "Holm", "district_staff", "district", POLICE),
        AccountSpec(
            "betjent.koege",
            *local["0259"]["officer"].name.split(" ", 1),
            "local_officer",
            "0259",
            "Køge",
            local["0259"]["officer"],
        ),
        AccountSpec(
            "betjent.greve",
            *local["0253"]["officer"].name.split(" ", 1),
            "local_officer",
            "0253",
            "Greve",
            local["0253"]["officer"],
        ),
        AccountSpec(
            "kommune.greve",
            *local["0253"]["contact"].name.split(" ", 1),
            "municipal_staff",
            "0253",
            "Greve",
            local["0253"]["contact"],
        ),
        AccountSpec(
            "kredsraad",
            *local["0253"]["mayor"].name.split(" ", 1),
            "council_member",
            KREDSRAAD,
            "Kredsrådet",
            local["0253"]["mayor"],
        ),
        AccountSpec(
            "lokalraad.koege",
            *local["0259"]["resident"].name.split(" ", 1),
            "council_member",
            "lokalraad-koege",
            "Lokalråd Køge",
            local["0259"]["resident"],
        ),
        AccountSpec("admin", "Søren", "Østergaard", "superuser", "", "Alle politikredse"),
    ]
    return councils, members, accounts
