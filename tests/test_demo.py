"""The demo district: `load_demo` and `load_demo --logins`."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from tryghed.accounts.models import RoleAssignment, User
from tryghed.accounts.scope import scope_of
from tryghed.audit.models import AuditEntry
from tryghed.demo import loader
from tryghed.organisation.models import (
    Council,
    CouncilMembership,
    Municipality,
    Organisation,
    Person,
    PoliceDistrict,
)
from tryghed.plans.actions import record_progress
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    Milestone,
    ProgressUpdate,
    weighted_progress,
)

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-tryghed"
Kind = Council.Kind
Role = RoleAssignment.Role

FOCUS_AREAS = [
    "Stærke lokalråd",
    "Stærkt fokus på forebyggelse af indbrud",
    "Sammen om tryghed og sikkerhed i trafikken",
    "Handel med narkotika på gadeplan",
    "Unges fester i det offentlige rum",
    "Psykisk syge og udsatte borgere",
    "Lokal tilstedeværelse",
    "Samarbejde om kriminalitetsforebyggelse",
]

# What the plan names, by external id, with words its Danish title must contain.
NAMED_INITIATIVES = {
    "MVSJ-2023-LOKALRAAD-01": "Handleplaner i lokalrådene i alle 10 kommuner",
    "MVSJ-2023-LOKALRAAD-01-KOEGE": "Lokalråd Køge",
    "MVSJ-2023-INDBRUD-01": "“Bo Trygt”",
    "MVSJ-2023-INDBRUD-02": "Foredrag om indbrudssikring og nabohjælp",
    "MVSJ-2023-INDBRUD-03": "tippe politiet",
    "MVSJ-2023-INDBRUD-04": "Tryghedsopfølgninger til alle borgere, der har haft indbrud",
    "MVSJ-2023-INDBRUD-05": "inden for 24 timer",
    "MVSJ-2023-TRAFIK-01": "Mødeforum om trafiksikkerhed",
    "MVSJ-2023-TRAFIK-02": "Trafiksikkerhed ved skolerne",
    "MVSJ-2023-TRAFIK-03": "Knallertkørsel",
    "MVSJ-2023-TRAFIK-04": "Bestil en betjent",
    "MVSJ-2023-NARKO-01": "Dialog om narkotikahandel på gadeplan",
    "MVSJ-2023-NARKO-02": "tip om handel med narkotika",
    "MVSJ-2023-NARKO-03": "åbenlyst narkotikasalg ved skoler",
    "MVSJ-2023-NARKO-04": "Narkohunde",
    "MVSJ-2023-FESTER-01": "SSP, naboer og de unge",
    "MVSJ-2023-FESTER-02": "retningslinjerne",
    "MVSJ-2023-PSP-01": "central PSP-koordinator",
    "MVSJ-2023-PSP-02": "PSP-gruppe i hver kommune",
    "MVSJ-2023-PSP-03": "botilbud",
    "MVSJ-2023-LOKAL-01": "borger- og beboermøder",
    "MVSJ-2023-LOKAL-02": "tryghedsambassadører",
    "MVSJ-2023-LOKAL-03": "Tryghedsopfølgninger",
    "MVSJ-2023-LOKAL-04": "Bestil en betjent",
    "MVSJ-2023-FOREBYG-01": "bandekriminalitet",
    "MVSJ-2023-FOREBYG-02": "nære relationer",
    "MVSJ-2023-FOREBYG-03": "ulovlig billeddeling",
    "MVSJ-2023-FOREBYG-04": "bedrageri rettet mod ældre",
}

# The OCR's mangled forms of Danish words in the seed plan; none may reach a reader.
OCR_WORDS = [
    "Solred", "lebende", "Vestsjeellands", "Vestsjallands", "Vestsjeelland", "pa", "ar", "bade",
    "ogsa", "loses", "teet", "taeet", "lokalrad", "lokalrdd", "lokalradet", "lokalradene",
    "kredsrad", "kredsradet", "indsatsomrader", "omradet", "faelles", "fzlles", "falles",
    "ovrige", "oevrige", "seerligt", "seaerligt", "seerlig", "drefter", "sterre", "opstdede",
    "politiinspekter", "medes", "losninger", "lesninger", "lesningen", "tryghedsambassaderer",
    "borgermeder", "udmente", "udmentning", "udmentes", "handtere", "dedelig", "udgansg",
    "knallertkersel", "gere", "kontrolbeseg", "abenlyst", "sé", "degnrapporter", "pageeldende",
    "veeret", "vaere", "ensker", "lobet", "kraenkelser", "zldre", "aldre", "bdde", "skeerpe",
    "opmaerksomhed", "opmarksomhedspunkter", "tilstedevaerelse", "tryghedsopfelgninger",
    "folge", "felge", "felger", "forste", "naere", "spergsmal", "mistaenkeligt", "nabohjaelp",
]  # fmt: skip
OCR_FRAGMENTS = ["ege trygheden", "|", "  "]


def load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(reference):
    return load()


@pytest.fixture
def plan(demo):
    return CooperationPlan.objects.get(district__number=8, year=2023)


def initiative(external_id):
    return Initiative.objects.get(plan__district__number=8, external_id=external_id)


def row_counts():
    """Rows in every table the models have, many-to-many tables included."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in tables
    }


def test_creates_the_districts_councils(demo):
    district = PoliceDistrict.objects.get(number=8)
    councils = Council.objects.filter(district=district)
    local = councils.filter(kind=Kind.LOCAL_COUNCIL)
    assert local.count() == 10
    assert set(local.values_list("municipality__code", flat=True)) == set(
        district.municipalities.values_list("code", flat=True)
    )
    assert councils.filter(kind=Kind.PSP_GROUP).count() == 10
    assert councils.get(kind=Kind.FORUM).name == "Forum for trafiksikkerhed"

    kredsraad = councils.get(slug="kredsraad", kind=Kind.DISTRICT_COUNCIL)
    members = list(kredsraad.current_memberships())
    assert len(members) == 11
    (chair,) = [m for m in members if m.position == CouncilMembership.Position.CHAIR]
    assert chair.person.title.startswith("Politidirektør")
    assert chair.organisation.kind == Organisation.Kind.POLICE
    mayors = [m for m in members if m is not chair]
    assert all(m.person.title.startswith("Borgmester, ") for m in mayors)
    assert {m.organisation.municipality.code for m in mayors} == set(
        district.municipalities.values_list("code", flat=True)
    )

    kontaktudvalg = councils.get(slug="kontaktudvalg", kind=Kind.CONTACT_COMMITTEE)
    members = list(kontaktudvalg.current_memberships())
    assert len(members) == 12
    by_position = {m.position: m for m in members if m.position != "member"}
    assert by_position["chair"].person.title.startswith("Politiinspektør")
    assert by_position["secretary"].person.title.startswith("Sekretariatschef")
    municipal = [m.organisation.municipality_id for m in members if m.position == "member"]
    assert len(set(municipal)) == 10


def test_each_lokalraad_has_police_municipality_and_community(demo):
    today = datetime.date.today()
    for council in Council.objects.filter(district__number=8, kind=Kind.LOCAL_COUNCIL):
        assert council.slug.startswith("lokalraad-")
        members = list(council.current_memberships(today))
        chair = [m for m in members if m.position == "chair"]
        assert len(chair) == 1 and chair[0].organisation.kind == Organisation.Kind.POLICE
        secretary = [m for m in members if m.position == "secretary"]
        assert secretary[0].organisation.municipality == council.municipality
        community = [m for m in members if m.organisation.kind == Organisation.Kind.PARTNER]
        assert len(community) >= 2
        for m in council.memberships.filter(organisation__kind=Organisation.Kind.PARTNER):
            # Appointed for two years.
            assert m.end_date == m.start_date.replace(year=m.start_date.year + 2) - (
                datetime.timedelta(days=1)
            )
        assert all(m.start_date for m in members)


def test_psp_groups_join_police_social_services_and_psychiatry(demo):
    for group in Council.objects.filter(district__number=8, kind=Kind.PSP_GROUP):
        orgs = {m.organisation for m in group.current_memberships()}
        assert {o.kind for o in orgs} == {"police", "municipality", "partner"}
        assert "Psykiatrien i Region Sjælland" in {o.name for o in orgs}
        assert group.municipality in {o.municipality for o in orgs}


def test_council_members_have_fictional_names_with_real_titles(demo):
    mayor = Person.objects.get(title="Borgmester, Greve Kommune")
    assert mayor.name == "Hanne Lund"
    assert Person.objects.count() == Person.objects.values("email").distinct().count()
    assert Person.objects.count() == Person.objects.values("name").distinct().count()


def test_plan_is_the_published_2023_plan_with_its_focus_areas_in_order(plan):
    assert plan.title == "Samarbejdsplan 2023" and plan.title_en
    assert plan.status == CooperationPlan.Status.PUBLISHED
    assert plan.approved_at.year == plan.published_at.year == 2023
    assert plan.approved_at <= plan.published_at
    for heading in ("Indledning", "Samarbejdsplan", "Kredsråd", "Kontaktudvalg", "Lokalråd"):
        assert f"\n\n{heading}\n\n" in f"\n\n{plan.foreword}"
    assert "Kredsrådet består af politidirektøren og borgmestrene" in plan.foreword
    assert "The district council consists of the police director" in plan.foreword_en
    areas = list(plan.focus_areas.all())
    assert [a.title for a in areas] == FOCUS_AREAS
    assert all(a.description and a.title_en and a.description_en for a in areas)


def test_plan_has_every_initiative_the_document_names(plan):
    for external_id, words in NAMED_INITIATIVES.items():
        found = initiative(external_id)
        assert words in found.title, external_id
        assert found.title_en and found.description and found.description_en
    bo_trygt = initiative("MVSJ-2023-INDBRUD-01")
    assert bo_trygt.children.count() >= 3
    assert set(bo_trygt.municipalities.values_list("name", flat=True)) == {"Greve", "Solrød"}
    assert set(bo_trygt.councils.values_list("slug", flat=True)) == {
        "lokalraad-greve",
        "lokalraad-solroed",
    }
    assert initiative("MVSJ-2023-LOKALRAAD-01").children.count() == 10
    assert initiative("MVSJ-2023-TRAFIK-01").councils.get().kind == Kind.FORUM
    assert initiative("MVSJ-2023-PSP-02").councils.filter(kind=Kind.PSP_GROUP).count() == 10
    # One-off work ends with the year; the standing efforts carry on.
    assert not initiative("MVSJ-2023-TRAFIK-01").continues_next_year
    assert initiative("MVSJ-2023-INDBRUD-05").continues_next_year


def test_every_initiative_is_dated_in_2023_and_has_someone_responsible(plan):
    for item in plan.initiatives.all():
        assert item.start_date.year == item.end_date.year == 2023, item.external_id
        assert item.responsible_organisations.exists(), item.external_id
        assert item.municipalities.exists(), item.external_id
        for update in item.updates.all():
            assert item.start_date <= update.date <= item.end_date, item.external_id


def test_parents_progress_is_the_weighted_roll_up_of_their_parts(plan):
    parents = [i for i in plan.initiatives.all() if i.has_children()]
    assert len(parents) >= 2
    for parent in parents:
        children = list(parent.children.all())
        assert parent.progress == weighted_progress(children), parent.external_id
        assert not parent.updates.exists()
    # Bo Trygt's parts are weighted 3, 2, 2, 1, so the roll-up is not a plain mean.
    bo_trygt = initiative("MVSJ-2023-INDBRUD-01")
    plain = sum(c.progress for c in bo_trygt.children.all()) / bo_trygt.children.count()
    assert bo_trygt.progress != plain.quantize(Decimal("0.01"))


def test_leaves_show_their_latest_timeline_entry(plan):
    leaves = [i for i in plan.initiatives.all() if not i.has_children()]
    assert ProgressUpdate.objects.filter(initiative__plan=plan).count() >= 2 * len(leaves)
    for leaf in leaves:
        latest = leaf.updates.first()
        assert latest is not None, leaf.external_id
        assert (leaf.progress, leaf.status) == (latest.progress, latest.status)
        assert latest.text and latest.text_en
    assert Milestone.objects.filter(initiative__plan=plan, completed_on__isnull=False).exists()
    assert Milestone.objects.filter(initiative__plan=plan, completed_on__isnull=True).exists()


def test_danish_text_has_no_ocr_leftovers(plan):
    texts = [plan.title, plan.foreword]
    texts += [t for a in FocusArea.objects.filter(plan=plan) for t in (a.title, a.description)]
    texts += [t for i in plan.initiatives.all() for t in (i.title, i.description)]
    texts += list(Milestone.objects.filter(initiative__plan=plan).values_list("title", flat=True))
    texts += list(
        ProgressUpdate.objects.filter(initiative__plan=plan).values_list("text", flat=True)
    )
    texts += [t for c in Council.objects.all() for t in (c.name, c.description)]
    texts += [t for p in Person.objects.all() for t in (p.name, p.title)]
    texts += list(Organisation.objects.values_list("name", flat=True))
    text = "\n".join(texts)
    for word in OCR_WORDS:
        assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE), word
    for fragment in OCR_FRAGMENTS:
        assert fragment not in text, fragment
    for letter in "æøå":
        assert letter in text


def test_loading_again_creates_nothing(demo):
    before = row_counts()
    again = load()
    assert row_counts() == before
    first_line = demo.splitlines()[0]
    assert "1 plan" in first_line and first_line.endswith("fandtes allerede: intet.")
    assert "oprettet intet" in again and "42 indsatser" in again
    # Without the citizen services (not loaded here) their requests are left out, and said so.
    assert "Udeladt: borgerhenvendelserne, indtil `manage.py load_services` er kørt" in again


def test_loading_writes_no_audit_entries(demo):
    assert not AuditEntry.objects.exists()


def test_staff_changes_survive_a_reload(plan):
    officer = User.objects.get(username="betjent.greve")
    part = initiative("MVSJ-2023-INDBRUD-01.2")
    record_progress(
        part, by=officer, progress=Decimal("100"), status="completed", text="Alt udbedret."
    )
    plan.foreword = "Et forord skrevet af sekretariatet."
    plan.save()
    officer.set_password("a-new-password-of-my-own")
    officer.save()
    updates = ProgressUpdate.objects.count()
    load()
    part.refresh_from_db()
    assert (part.progress, part.status) == (Decimal("100"), "completed")
    assert ProgressUpdate.objects.count() == updates
    parent = initiative("MVSJ-2023-INDBRUD-01")
    assert parent.progress == weighted_progress(parent.children.all())
    plan.refresh_from_db()
    assert plan.foreword == "Et forord skrevet af sekretariatet."
    assert Client().login(username="betjent.greve", password="a-new-password-of-my-own")


def test_a_deleted_part_comes_back_and_its_parent_follows(plan):
    initiative("MVSJ-2023-INDBRUD-01.4").delete()
    load()
    parent = initiative("MVSJ-2023-INDBRUD-01")
    assert parent.children.count() == 4
    assert parent.progress == weighted_progress(parent.children.all())


DEMO_ROLES = {
    "sekretariat": (Role.DISTRICT_SECRETARIAT, "district", 8),
    "kreds": (Role.DISTRICT_STAFF, "district", 8),
    "betjent.koege": (Role.LOCAL_OFFICER, "municipality", "0259"),
    "betjent.greve": (Role.LOCAL_OFFICER, "municipality", "0253"),
    "kommune.greve": (Role.MUNICIPAL_STAFF, "municipality", "0253"),
    "kredsraad": (Role.COUNCIL_MEMBER, "council", "kredsraad"),
    "lokalraad.koege": (Role.COUNCIL_MEMBER, "council", "lokalraad-koege"),
}


def test_demo_accounts_log_in_with_their_roles(demo):
    for username, (role, kind, key) in DEMO_ROLES.items():
        assert Client().login(username=username, password=DEMO_PASSWORD), username
        user = User.objects.get(username=username)
        assert user.first_name and user.last_name
        assert not user.is_superuser and not user.is_staff
        (assignment,) = user.roles.all()
        assert assignment.role == role, username
        if kind == "district":
            assert assignment.district.number == key
        elif kind == "municipality":
            assert assignment.municipality.code == key
        else:
            assert assignment.council.slug == key and assignment.council.district.number == 8


def test_admin_account_is_a_superuser(demo):
    assert Client().login(username="admin", password=DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert scope_of(admin).is_global


def test_council_accounts_belong_to_council_members(demo):
    mayor = User.objects.get(username="kredsraad").person
    assert mayor.title.startswith("Borgmester, ")
    assert mayor.memberships.filter(council__slug="kredsraad").exists()
    member = User.objects.get(username="lokalraad.koege").person
    assert member.memberships.filter(council__slug="lokalraad-koege").exists()


def test_local_officer_may_edit_own_municipalitys_initiatives(demo):
    officer = User.objects.get(username="betjent.koege")
    editable = Initiative.objects.editable_by(officer)
    assert editable.filter(external_id="MVSJ-2023-LOKALRAAD-01-KOEGE").exists()
    assert not editable.filter(external_id="MVSJ-2023-LOKALRAAD-01-GREVE").exists()


def test_logins_prints_the_table_and_creates_nothing(reference):
    before = row_counts()
    out = StringIO()
    call_command("load_demo", "--logins", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Brugernavn", "Rolle", "Område", "Adgangskode"]
    rows = lines[2:]
    assert [row.split()[0] for row in rows] == [
        "sekretariat",
        "kreds",
        "betjent.koege",
        "betjent.greve",
        "kommune.greve",
        "kredsraad",
        "lokalraad.koege",
        "admin",
    ]
    assert all(row.endswith(DEMO_PASSWORD) for row in rows)
    assert "Lokalråd Køge" in out.getvalue()
    assert row_counts() == before


def test_without_reference_data_it_says_so_and_creates_nothing(reference):
    Municipality.objects.all().delete()
    PoliceDistrict.objects.all().delete()
    with pytest.raises(CommandError, match="load_reference") as failure:
        load()
    assert failure.value.returncode != 0
    assert not Organisation.objects.exists()
    assert not User.objects.exists()


def test_a_failure_half_way_leaves_nothing_behind(reference, monkeypatch):
    def broken(initiative):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "roll_up", broken)
    with pytest.raises(RuntimeError):
        load()
    assert not Organisation.objects.exists()
    assert not Person.objects.exists()
    assert not User.objects.exists()
    assert not CooperationPlan.objects.exists()
