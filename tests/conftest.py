"""Shared fixtures: the reference data, a small slice of district 8, and one persona per role.

Personas (all with password PASSWORD):
- secretariat: district secretariat of Midt- og Vestsjællands Politi (district 8)
- district_staff: district staff of district 8 (reads the district, edits nothing)
- koege_officer: local police officer in Køge
- greve_staff: municipal staff in Greve
- council_member: member of district 8's kredsråd
- foreign_secretariat: secretariat of Nordjyllands Politi (district 1)
- outsider: a logged-in account with no role at all; must see nothing
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from tryghed.accounts.models import RoleAssignment, User
from tryghed.guarantees import rules
from tryghed.organisation.models import Council, Municipality, Organisation, PoliceDistrict
from tryghed.organisation.reference import load_reference
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative
from tryghed.servicedesk import routing

PASSWORD = "a-long-test-password-1"
Role = RoleAssignment.Role


def pytest_configure(config):
    # Hashing a password the production way takes a good part of a second; the tests log in
    # hundreds of times and test access, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language: a request in English leaves English
    active in the thread, and a command run afterwards would speak it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def forget_routing():
    """Each test routes by its own rows: what the worker remembers from an earlier test would
    be confirmed away when stored, but would still make what a test sees depend on order.
    So with the guarantees' rules: a test's guarantees are gone after it, and a deadline
    opened by rules remembered from it would point at nothing."""
    routing.forget()
    rules.forget()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture
def reference(db):
    """The reference data, reloaded when a transactional test has flushed it."""
    if not Municipality.objects.exists():
        load_reference()


@pytest.fixture
def district(reference):
    return PoliceDistrict.objects.get(number=8)


@pytest.fixture
def other_district(reference):
    return PoliceDistrict.objects.get(number=1)


@pytest.fixture
def koege(reference):
    return Municipality.objects.get(code="0259")


@pytest.fixture
def greve(reference):
    return Municipality.objects.get(code="0253")


@pytest.fixture
def councils(district, koege, greve):
    return {
        "kredsraad": Council.objects.create(
            kind=Council.Kind.DISTRICT_COUNCIL,
            name="Kredsrådet",
            slug="kredsraad",
            district=district,
        ),
        "kontaktudvalg": Council.objects.create(
            kind=Council.Kind.CONTACT_COMMITTEE,
            name="Kontaktudvalget",
            slug="kontaktudvalg",
            district=district,
        ),
        "koege": Council.objects.create(
            kind=Council.Kind.LOCAL_COUNCIL,
            name="Lokalråd Køge",
            slug="lokalraad-koege",
            district=district,
            municipality=koege,
        ),
        "greve": Council.objects.create(
            kind=Council.Kind.LOCAL_COUNCIL,
            name="Lokalråd Greve",
            slug="lokalraad-greve",
            district=district,
            municipality=greve,
        ),
    }


@pytest.fixture
def organisations(district, koege, greve):
    return {
        "police": Organisation.objects.create(
            kind=Organisation.Kind.POLICE,
            name="Midt- og Vestsjællands Politi",
            district=district,
        ),
        "koege": Organisation.objects.create(
            kind=Organisation.Kind.MUNICIPALITY,
            name="Køge Kommune",
            district=district,
            municipality=koege,
        ),
        "greve": Organisation.objects.create(
            kind=Organisation.Kind.MUNICIPALITY,
            name="Greve Kommune",
            district=district,
            municipality=greve,
        ),
    }


def _user(username, **scope):
    user = User.objects.create_user(username, password=PASSWORD, first_name=username)
    if scope:
        RoleAssignment.objects.create(user=user, **scope)
    return user


@pytest.fixture
def secretariat(district):
    return _user("secretariat", role=Role.DISTRICT_SECRETARIAT, district=district)


@pytest.fixture
def district_staff(district):
    return _user("district_staff", role=Role.DISTRICT_STAFF, district=district)


@pytest.fixture
def koege_officer(koege):
    return _user("koege_officer", role=Role.LOCAL_OFFICER, municipality=koege)


@pytest.fixture
def greve_staff(greve):
    return _user("greve_staff", role=Role.MUNICIPAL_STAFF, municipality=greve)


@pytest.fixture
def council_member(councils):
    return _user("council_member", role=Role.COUNCIL_MEMBER, council=councils["kredsraad"])


@pytest.fixture
def foreign_secretariat(other_district):
    return _user("foreign_secretariat", role=Role.DISTRICT_SECRETARIAT, district=other_district)


@pytest.fixture
def outsider(reference):
    return _user("outsider")


@pytest.fixture
def personas(
    secretariat,
    district_staff,
    koege_officer,
    greve_staff,
    council_member,
    foreign_secretariat,
    outsider,
):
    return {
        "secretariat": secretariat,
        "district_staff": district_staff,
        "koege_officer": koege_officer,
        "greve_staff": greve_staff,
        "council_member": council_member,
        "foreign_secretariat": foreign_secretariat,
        "outsider": outsider,
    }


@pytest.fixture
def client_for():
    """A test client logged in as the given user; in Danish, as the site is by default,
    unless a language is asked for."""

    def make(user, language=None):
        client = Client(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
        client.force_login(user)
        return client

    return make


@pytest.fixture
def plan(district, koege, greve, councils, organisations):
    """A 2023 plan: one focus area whose parent initiative has a Køge and a Greve part."""
    plan = CooperationPlan.objects.create(
        district=district,
        year=2023,
        title="Samarbejdsplan",
        title_en="Cooperation plan",
        foreword="Forord",
        status=CooperationPlan.Status.PUBLISHED,
    )
    area = FocusArea.objects.create(
        plan=plan,
        order=1,
        slug="indbrud",
        title="Forebyggelse af indbrud",
        title_en="Burglary prevention",
    )
    parent = Initiative.objects.create(
        plan=plan,
        focus_area=area,
        external_id="T-1",
        title="Tryghedsopfølgninger",
        title_en="Safety follow-ups",
    )
    koege_part = Initiative.objects.create(
        plan=plan,
        focus_area=area,
        parent=parent,
        external_id="T-1.1",
        title="Opfølgning i Køge",
        weight=Decimal("3"),
    )
    koege_part.municipalities.set([koege])
    koege_part.councils.set([councils["koege"]])
    greve_part = Initiative.objects.create(
        plan=plan,
        focus_area=area,
        parent=parent,
        external_id="T-1.2",
        title="Opfølgning i Greve",
        weight=Decimal("1"),
    )
    greve_part.municipalities.set([greve])
    parent.responsible_organisations.set([organisations["police"]])
    return plan


def pytest_generate_tests(metafunc):
    """Walk every listed staff view (and every persona) of a StaffViewAccess class."""
    views = getattr(metafunc.cls, "views", None)
    if views and "view" in metafunc.fixturenames:
        metafunc.parametrize("view", views, ids=[v.name for v in views])
    if "persona" in metafunc.fixturenames:
        from tests.access import PERSONAS

        metafunc.parametrize("persona", PERSONAS)
