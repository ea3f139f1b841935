"""Councils and their members: who sees which council, and the secretariat's changes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.access import PERSONAS, StaffView, StaffViewAccess
from tryghed.audit.models import AuditEntry
from tryghed.organisation.models import Council, CouncilMembership, Organisation, Person

pytestmark = pytest.mark.django_db


DISTRICT_READERS = {"secretariat", "district_staff", "koege_officer", "greve_staff"}
SECRETARIAT = {"secretariat"}


def da(text):
    with translation.override("da"):
        return gettext(text)


@pytest.fixture
def mayor(councils, organisations):
    person = Person.objects.create(name="Marie Stærmose", title="Borgmester")
    membership = CouncilMembership.objects.create(
        council=councils["kredsraad"],
        person=person,
        organisation=organisations["koege"],
        position=CouncilMembership.Position.MEMBER,
        start_date=datetime.date(2022, 1, 1),
    )
    return membership


@pytest.fixture
def former_chair(councils, organisations):
    person = Person.objects.create(name="Henrik Olsen", title="Politidirektør")
    return CouncilMembership.objects.create(
        council=councils["kredsraad"],
        person=person,
        organisation=organisations["police"],
        position=CouncilMembership.Position.CHAIR,
        start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2021, 12, 31),
    )


def council_url(name, key):
    return lambda ctx: reverse(f"staff:organisation:{name}", args=[ctx[key].pk])


def new_member_data(ctx):
    return {
        "name": "Ny Person",
        "title": "Lokalpolitileder",
        "organisation": ctx["organisations"]["police"].pk,
        "position": "member",
        "start_date": "2024-01-01",
    }


class TestCouncilPages(StaffViewAccess):
    views = [
        StaffView("list", lambda ctx: reverse("staff:organisation:list"), set(PERSONAS)),
        StaffView(
            "kredsraad",
            council_url("council", "kredsraad"),
            DISTRICT_READERS | {"council_member"},
        ),
        StaffView(
            "koege_local_council",
            council_url("council", "koege"),
            {"secretariat", "district_staff", "koege_officer"},
        ),
        StaffView(
            "greve_local_council",
            council_url("council", "greve"),
            {"secretariat", "district_staff", "greve_staff"},
        ),
        StaffView("add_member_form", council_url("add_member", "kredsraad"), SECRETARIAT),
        StaffView(
            "add_member",
            council_url("add_member", "kredsraad"),
            SECRETARIAT,
            method="post",
            data=new_member_data,
            ok_status=302,
        ),
        StaffView("end_membership_form", council_url("end_membership", "mayor"), SECRETARIAT),
        StaffView(
            "end_membership",
            council_url("end_membership", "mayor"),
            SECRETARIAT,
            method="post",
            data={"end_date": "2024-06-30"},
            ok_status=302,
        ),
    ]

    @pytest.fixture
    def ctx(self, councils, organisations, mayor):
        return {**councils, "organisations": organisations, "mayor": mayor}


@pytest.mark.parametrize(
    ("who", "seen", "unseen"),
    [
        (
            "secretariat",
            {"Kredsrådet", "Kontaktudvalget", "Lokalråd Køge", "Lokalråd Greve"},
            set(),
        ),
        ("greve_staff", {"Kredsrådet", "Kontaktudvalget", "Lokalråd Greve"}, {"Lokalråd Køge"}),
        ("koege_officer", {"Kredsrådet", "Kontaktudvalget", "Lokalråd Køge"}, {"Lokalråd Greve"}),
        (
            "council_member",
            {"Kredsrådet"},
            {"Kontaktudvalget", "Lokalråd Køge", "Lokalråd Greve"},
        ),
        (
            "foreign_secretariat",
            set(),
            {"Kredsrådet", "Kontaktudvalget", "Lokalråd Køge", "Lokalråd Greve"},
        ),
        ("outsider", set(), {"Kredsrådet", "Kontaktudvalget", "Lokalråd Køge", "Lokalråd Greve"}),
    ],
)
def test_council_list_per_persona(who, seen, unseen, personas, client_for, councils):
    content = client_for(personas[who]).get(reverse("staff:organisation:list")).content
    content = content.decode()
    for name in seen:
        assert name in content, (who, name)
    for name in unseen:
        assert name not in content, (who, name)


def test_council_list_groups_by_district_and_kind(secretariat, client_for, councils):
    content = client_for(secretariat).get(reverse("staff:organisation:list")).content.decode()
    with translation.override("da"):
        district_council = str(Council.Kind.DISTRICT_COUNCIL.label)
        local_council = str(Council.Kind.LOCAL_COUNCIL.label)
    assert "<h2" in content and "Midt- og Vestsjællands Politi" in content
    # The statutory district council comes before the local councils.
    assert content.index(district_council) < content.index(local_council)
    assert content.index("Lokalråd Greve") > content.index(local_council)


def test_council_page_shows_current_and_former_members(
    greve_staff, client_for, councils, mayor, former_chair
):
    response = client_for(greve_staff).get(
        reverse("staff:organisation:council", args=[councils["kredsraad"].pk])
    )
    content = response.content.decode()
    current, former = content.split('id="former-heading"')
    assert "Marie Stærmose" in current and "Borgmester" in current
    assert "Køge Kommune" in current and "01.01.2022" in current
    assert "Henrik Olsen" in former and "31.12.2021" in former
    assert "Henrik Olsen" not in current
    # Reading is not editing.
    assert reverse("staff:organisation:add_member", args=[councils["kredsraad"].pk]) not in content
    assert reverse("staff:organisation:end_membership", args=[mayor.pk]) not in content


def test_secretariat_is_offered_the_changes(secretariat, client_for, councils, mayor):
    content = (
        client_for(secretariat)
        .get(reverse("staff:organisation:council", args=[councils["kredsraad"].pk]))
        .content.decode()
    )
    assert reverse("staff:organisation:add_member", args=[councils["kredsraad"].pk]) in content
    assert reverse("staff:organisation:end_membership", args=[mayor.pk]) in content


def add(client, council, **data):
    return client.post(reverse("staff:organisation:add_member", args=[council.pk]), data)


def test_add_a_new_person(secretariat, client_for, councils, organisations):
    council = councils["koege"]
    response = add(
        client_for(secretariat),
        council,
        name="Anna Jensen",
        title="SSP-konsulent",
        email="anna@koege.dk",
        organisation=organisations["koege"].pk,
        position="secretary",
        start_date="2024-02-01",
        end_date="2026-01-31",
    )
    assert response.status_code == 302
    membership = CouncilMembership.objects.get(council=council)
    assert membership.person.name == "Anna Jensen"
    assert membership.person.email == "anna@koege.dk"
    assert membership.position == "secretary"
    assert membership.start_date == datetime.date(2024, 2, 1)

    person_entry = AuditEntry.objects.get(
        object_id=str(membership.person.pk), object_repr="Anna Jensen"
    )
    assert person_entry.action == AuditEntry.Action.CREATE
    # Filed under the council's district, so the secretariat reads it in its log.
    assert person_entry.district == council.district
    entry = AuditEntry.objects.get(
        content_type__model="councilmembership", object_id=str(membership.pk)
    )
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.actor == secretariat
    assert entry.district == council.district
    assert entry.changes["position"] == [None, "secretary"]
    assert entry.changes["start_date"] == [None, "2024-02-01"]


def test_add_an_existing_person(secretariat, client_for, councils, organisations, mayor):
    response = add(
        client_for(secretariat),
        councils["koege"],
        person=mayor.person.pk,
        organisation=organisations["koege"].pk,
        position="chair",
    )
    assert response.status_code == 302
    assert councils["koege"].memberships.get().person == mayor.person
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "X", "start_date": "2024-05-01", "end_date": "2024-04-30"},
            "end_date",
            "The end date must be on or after the start date.",
        ),
        ({"name": ""}, "person", "Choose an existing person or enter the name of a new one."),
        ({"name": "X", "start_date": "31-31-2024"}, "start_date", None),
        ({"name": "X", "email": "not-an-address"}, "email", None),
        ({"name": "X", "position": "emperor"}, "position", None),
    ],
)
def test_bad_input_saves_nothing(
    data, field, message, secretariat, client_for, councils, organisations
):
    entries = AuditEntry.objects.count()
    payload = {"organisation": organisations["police"].pk, "position": "member", **data}
    response = add(client_for(secretariat), councils["kredsraad"], **payload)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    if message:
        assert da(message) in response.content.decode()
    assert not CouncilMembership.objects.exists()
    assert not Person.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_organisation_of_another_district_is_refused(
    secretariat, client_for, councils, other_district
):
    foreign = Organisation.objects.create(
        kind=Organisation.Kind.POLICE, name="Nordjyllands Politi", district=other_district
    )
    response = add(
        client_for(secretariat),
        councils["kredsraad"],
        name="X",
        organisation=foreign.pk,
        position="member",
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert "Nordjyllands Politi" not in response.content.decode()
    assert not CouncilMembership.objects.exists()


def test_choosing_and_entering_a_person_is_refused(
    secretariat, client_for, councils, organisations, mayor
):
    response = add(
        client_for(secretariat),
        councils["koege"],
        person=mayor.person.pk,
        name="Someone Else",
        organisation=organisations["koege"].pk,
        position="member",
    )
    assert "name" in response.context["form"].errors
    assert not councils["koege"].memberships.exists()


def test_overlapping_seat_is_refused(secretariat, client_for, councils, organisations, mayor):
    response = add(
        client_for(secretariat),
        councils["kredsraad"],
        person=mayor.person.pk,
        organisation=organisations["koege"].pk,
        position="member",
        start_date="2023-01-01",
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert councils["kredsraad"].memberships.count() == 1


def test_person_from_another_district_is_not_offered(
    secretariat, client_for, councils, organisations, other_district
):
    north = Council.objects.create(
        kind=Council.Kind.DISTRICT_COUNCIL, name="Kredsråd Nord", slug="k", district=other_district
    )
    stranger = Person.objects.create(name="Nordjysk Borgmester")
    CouncilMembership.objects.create(
        council=north,
        person=stranger,
        organisation=Organisation.objects.create(
            kind=Organisation.Kind.POLICE, name="Nordjyllands Politi", district=other_district
        ),
    )
    client = client_for(secretariat)
    url = reverse("staff:organisation:add_member", args=[councils["kredsraad"].pk])
    assert "Nordjysk Borgmester" not in client.get(url).content.decode()
    response = add(
        client,
        councils["kredsraad"],
        person=stranger.pk,
        organisation=organisations["police"].pk,
        position="member",
    )
    assert "person" in response.context["form"].errors
    assert not councils["kredsraad"].memberships.exists()


def end(client, membership, end_date):
    return client.post(
        reverse("staff:organisation:end_membership", args=[membership.pk]), {"end_date": end_date}
    )


def test_end_a_membership(secretariat, client_for, councils, mayor):
    client = client_for(secretariat)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = end(client, mayor, yesterday.isoformat())
    assert response.status_code == 302
    mayor.refresh_from_db()
    assert mayor.end_date == yesterday

    entry = AuditEntry.objects.get(
        content_type__model="councilmembership", action=AuditEntry.Action.UPDATE
    )
    assert entry.changes == {"end_date": [None, yesterday.isoformat()]}
    assert entry.actor == secretariat

    content = client.get(response["Location"]).content.decode()
    assert "Marie Stærmose" in content.split('id="former-heading"')[1]


@pytest.mark.parametrize("end_date", ["2021-12-31", "not a date", "", "9999-12-31", "2101-01-01"])
def test_bad_end_date_changes_nothing(end_date, secretariat, client_for, mayor):
    entries = AuditEntry.objects.count()
    response = end(client_for(secretariat), mayor, end_date)
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    mayor.refresh_from_db()
    assert mayor.end_date is None
    assert AuditEntry.objects.count() == entries


def test_an_ended_membership_cannot_be_ended_again(secretariat, client_for, former_chair):
    response = end(client_for(secretariat), former_chair, "2022-06-30")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    former_chair.refresh_from_db()
    assert former_chair.end_date == datetime.date(2021, 12, 31)


def test_council_list_queries_do_not_grow(
    secretariat, client_for, councils, district, organisations, django_assert_max_num_queries
):
    client = client_for(secretariat)
    url = reverse("staff:organisation:list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        council = Council.objects.create(
            kind=Council.Kind.FORUM, name=f"Forum {i}", slug=f"forum-{i}", district=district
        )
        CouncilMembership.objects.create(
            council=council,
            person=Person.objects.create(name=f"P{i}"),
            organisation=organisations["police"],
        )
    with CaptureQueriesContext(connection) as many:
        content = client.get(url).content.decode()
    assert "Forum 5" in content
    assert len(many) == len(few)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_council_page_queries_do_not_grow(secretariat, client_for, councils, organisations, mayor):
    client = client_for(secretariat)
    url = reverse("staff:organisation:council", args=[councils["kredsraad"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(6):
        CouncilMembership.objects.create(
            council=councils["kredsraad"],
            person=Person.objects.create(name=f"P{i}"),
            organisation=organisations["greve"],
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_a_membership_cannot_be_ended_after_the_persons_next_seat_begins(
    secretariat, client_for, councils, organisations, mayor
):
    """Ending a seat moves its end; moved past the start of the person's next seat on the
    same council, the two overlapped."""
    today = timezone.localdate()
    CouncilMembership.objects.filter(pk=mayor.pk).update(end_date=today + datetime.timedelta(10))
    CouncilMembership.objects.create(
        council=councils["kredsraad"],
        person=mayor.person,
        organisation=organisations["koege"],
        position=CouncilMembership.Position.CHAIR,
        start_date=today + datetime.timedelta(11),
    )
    entries = AuditEntry.objects.count()
    response = end(client_for(secretariat), mayor, (today + datetime.timedelta(400)).isoformat())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    mayor.refresh_from_db()
    assert mayor.end_date == today + datetime.timedelta(10)
    assert AuditEntry.objects.count() == entries
    assert end(client_for(secretariat), mayor, today.isoformat()).status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_date": "0001-01-01"}, "start_date"),
        ({"start_date": "1999-12-31"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"start_date": "0001-01-01", "end_date": "9999-12-31"}, "end_date"),
    ],
)
def test_a_membership_in_an_odd_year_is_refused(
    data, field, secretariat, client_for, councils, organisations
):
    payload = {"name": "X", "organisation": organisations["police"].pk, "position": "member"}
    response = add(client_for(secretariat), councils["kredsraad"], **payload | data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (
        da("Give a year from %(first)s to %(last)s.")
        % {
            "first": 2000,
            "last": 2100,
        }
        in response.content.decode()
    )
    assert not CouncilMembership.objects.exists()
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()
