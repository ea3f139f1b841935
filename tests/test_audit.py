"""The audit log: who reads it, what the admin writes into it, and filtering it."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.access import StaffView, StaffViewAccess
from tests.conftest import PASSWORD
from tryghed.accounts.models import User
from tryghed.audit import log
from tryghed.audit.models import AuditEntry
from tryghed.organisation.models import Council, CouncilMembership, Organisation, Person
from tryghed.servicedesk import actions as desk_actions
from tryghed.servicedesk.models import Kind, Service

pytestmark = pytest.mark.django_db


def da(text):
    with translation.override("da"):
        return gettext(text)


@pytest.fixture
def entries(councils, organisations, secretariat, foreign_secretariat, other_district):
    """One entry in district 8 and one in district 1."""
    ours = log.record(
        councils["kredsraad"], by=secretariat, action=AuditEntry.Action.CREATE, message="seed"
    )
    north = Organisation.objects.create(
        kind=Organisation.Kind.POLICE, name="Nordjyllands Politi", district=other_district
    )
    theirs = log.record(north, by=foreign_secretariat, action=AuditEntry.Action.CREATE)
    return {"ours": ours, "theirs": theirs}


class TestAuditPages(StaffViewAccess):
    views = [
        # The foreign secretariat reads its own district's log; what it must not see in it
        # is tested below.
        StaffView(
            "list", lambda ctx: reverse("staff:audit:list"), {"secretariat", "foreign_secretariat"}
        ),
        StaffView(
            "entry",
            lambda ctx: reverse("staff:audit:entry", args=[ctx["ours"].pk]),
            {"secretariat"},
        ),
    ]

    @pytest.fixture
    def ctx(self, entries):
        return entries


def test_foreign_secretariat_sees_only_its_own_district(foreign_secretariat, client_for, entries):
    client = client_for(foreign_secretariat)
    content = client.get(reverse("staff:audit:list")).content.decode()
    assert "Nordjyllands Politi" in content
    assert "Kredsrådet" not in content
    assert reverse("staff:audit:entry", args=[entries["ours"].pk]) not in content
    # Nor do the filter's choices name anyone from district 8.
    assert "secretariat</option>" not in content.replace("foreign_secretariat</option>", "")
    assert client.get(reverse("staff:audit:entry", args=[entries["theirs"].pk])).status_code == 200


def test_secretariat_sees_its_district_and_not_the_other(secretariat, client_for, entries):
    content = client_for(secretariat).get(reverse("staff:audit:list")).content.decode()
    assert "Kredsrådet" in content
    assert "Nordjyllands Politi" not in content


def test_entry_shows_changes_before_and_after(secretariat, client_for, councils):
    council = councils["kredsraad"]
    before = log.snapshot(council)
    council.name = "Kredsrådet for Midt- og Vestsjælland"
    council.save()
    entry = log.record(council, by=secretariat, action=AuditEntry.Action.UPDATE, before=before)
    content = (
        client_for(secretariat).get(reverse("staff:audit:entry", args=[entry.pk])).content.decode()
    )
    with translation.override("da"):
        label = str(Council._meta.get_field("name").verbose_name).capitalize()
    row = content.split(f'<th scope="row">{label}</th>')[1].split("</tr>")[0]
    assert "Kredsrådet" in row and "Kredsrådet for Midt- og Vestsjælland" in row


def test_changes_name_the_records_they_point_at(secretariat, client_for, councils, organisations):
    person = Person.objects.create(name="Marie Stærmose")
    membership = CouncilMembership.objects.create(
        council=councils["koege"], person=person, organisation=organisations["koege"]
    )
    log.record(membership, by=secretariat, action=AuditEntry.Action.CREATE)
    gone = Person.objects.create(name="Slettet Person")
    other = CouncilMembership.objects.create(
        council=councils["koege"], person=gone, organisation=organisations["koege"]
    )
    entry = log.record(other, by=secretariat, action=AuditEntry.Action.CREATE)
    gone_pk = gone.pk
    gone.delete()
    client = client_for(secretariat)
    content = client.get(reverse("staff:audit:list")).content.decode()
    table = content.split('audit-log">')[1]
    assert "Marie Stærmose" in table and "Køge Kommune" in table and "Lokalråd Køge" in table
    assert f"#{gone_pk}" in table
    detail = client.get(reverse("staff:audit:entry", args=[entry.pk])).content.decode()
    assert f"#{gone_pk}" in detail and "Køge Kommune" in detail


def test_times_are_shown_in_danish_time(secretariat, client_for, councils):
    entry = log.record(councils["kredsraad"], by=secretariat, action=AuditEntry.Action.CREATE)
    AuditEntry.objects.filter(pk=entry.pk).update(
        at=datetime.datetime(2024, 6, 1, 22, 30, tzinfo=datetime.UTC)
    )
    content = client_for(secretariat).get(reverse("staff:audit:list")).content.decode()
    assert "02.06.2024 00:30" in content


# Admin writes --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client_for, reference):
    root = User.objects.create_superuser("root", password=PASSWORD)
    return client_for(root)


def test_admin_change_of_an_organisation_is_audited(admin_client, organisations):
    police = organisations["police"]
    response = admin_client.post(
        reverse("admin:organisation_organisation_change", args=[police.pk]),
        {
            "kind": "police",
            "name": "Midt- og Vestsjællands Politi (Ringsted)",
            "district": police.district_id,
            "municipality": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_id=str(police.pk), content_type__model="organisation")
    assert entry.action == AuditEntry.Action.UPDATE
    assert entry.actor_name == "root"
    assert entry.message == "admin"
    assert entry.changes == {
        "name": ["Midt- og Vestsjællands Politi", "Midt- og Vestsjællands Politi (Ringsted)"]
    }


def inline_management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_inline_rows_are_audited_one_by_one(admin_client, councils, organisations):
    council = councils["kredsraad"]
    person = Person.objects.create(name="Marie Stærmose")
    kept = CouncilMembership.objects.create(
        council=council, person=person, organisation=organisations["koege"]
    )
    dropped = CouncilMembership.objects.create(
        council=council,
        person=Person.objects.create(name="Gammelt Medlem"),
        organisation=organisations["greve"],
    )
    newcomer = Person.objects.create(name="Ny Borgmester")
    prefix = "memberships"
    data = {
        "kind": council.kind,
        "name": council.name,
        "slug": council.slug,
        "district": council.district_id,
        "municipality": "",
        "description": "",
        **inline_management(prefix, 3, 2),
        f"{prefix}-0-id": kept.pk,
        f"{prefix}-0-council": council.pk,
        f"{prefix}-0-person": person.pk,
        f"{prefix}-0-organisation": organisations["koege"].pk,
        f"{prefix}-0-position": "chair",
        f"{prefix}-1-id": dropped.pk,
        f"{prefix}-1-council": council.pk,
        f"{prefix}-1-person": dropped.person_id,
        f"{prefix}-1-organisation": organisations["greve"].pk,
        f"{prefix}-1-position": "member",
        f"{prefix}-1-DELETE": "on",
        f"{prefix}-2-council": council.pk,
        f"{prefix}-2-person": newcomer.pk,
        f"{prefix}-2-organisation": organisations["greve"].pk,
        f"{prefix}-2-position": "member",
        f"{prefix}-2-start_date": "2024-01-01",
    }
    response = admin_client.post(
        reverse("admin:organisation_council_change", args=[council.pk]), data
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    membership_entries = AuditEntry.objects.filter(content_type__model="councilmembership")
    changed = membership_entries.get(object_id=str(kept.pk))
    assert changed.action == AuditEntry.Action.UPDATE
    assert changed.changes == {"position": ["member", "chair"]}
    deleted = membership_entries.get(object_id=str(dropped.pk))
    assert deleted.action == AuditEntry.Action.DELETE
    assert deleted.changes["person"] == [dropped.person_id, None]
    created = membership_entries.get(action=AuditEntry.Action.CREATE)
    assert created.changes["person"] == [None, newcomer.pk]
    assert all(e.district_id == council.district_id for e in membership_entries)
    assert AuditEntry.objects.filter(
        content_type__model="council", object_id=str(council.pk)
    ).exists()


def test_admin_user_changes_are_audited_without_the_password_hash(
    admin_client, secretariat, district
):
    role = secretariat.roles.get()
    prefix = "roles"
    data = {
        "username": "secretariat",
        "first_name": "Sekretariat",
        "last_name": "",
        "email": "sek@politi.dk",
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "10:00:00",
        **inline_management(prefix, 1, 1),
        f"{prefix}-0-id": role.pk,
        f"{prefix}-0-user": secretariat.pk,
        f"{prefix}-0-role": "district_secretariat",
        f"{prefix}-0-district": district.pk,
        f"{prefix}-0-valid_until": "2030-12-31",
    }
    response = admin_client.post(reverse("admin:accounts_user_change", args=[secretariat.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user_entry = AuditEntry.objects.get(content_type__model="user", object_id=str(secretariat.pk))
    assert user_entry.changes["email"] == ["", "sek@politi.dk"]
    role_entry = AuditEntry.objects.get(content_type__model="roleassignment")
    assert role_entry.changes == {"valid_until": [None, "2030-12-31"]}
    assert role_entry.district_id == district.pk

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[secretariat.pk]),
        {"password1": "another-long-password-2", "password2": "another-long-password-2"},
    )
    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.check_password("another-long-password-2")
    password_entry = AuditEntry.objects.filter(content_type__model="user").latest("pk")
    assert password_entry.changes == {"password": ["(hidden)", "(changed)"]}
    for entry in AuditEntry.objects.all():
        assert secretariat.password not in str(entry.changes)
        assert "pbkdf2" not in str(entry.changes)


def test_admin_delete_is_audited(admin_client, organisations):
    org = Organisation.objects.create(
        kind=Organisation.Kind.PARTNER,
        name="Grundejerforening",
        district=organisations["police"].district,
    )
    response = admin_client.post(
        reverse("admin:organisation_organisation_delete", args=[org.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(content_type__model="organisation", object_id=str(org.pk))
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.changes["name"] == ["Grundejerforening", None]


def test_admin_pages_render(admin_client, councils, secretariat, organisations):
    for url in (
        reverse("admin:organisation_council_change", args=[councils["kredsraad"].pk]),
        reverse("admin:accounts_user_change", args=[secretariat.pk]),
        reverse("admin:accounts_user_add"),
        reverse("admin:organisation_person_add"),
        reverse("admin:organisation_councilmembership_add"),
        reverse("admin:organisation_organisation_changelist"),
        reverse("admin:organisation_municipality_changelist"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "MultiPolygon" not in response.content.decode(), url


def test_reference_data_is_read_only_in_the_admin(admin_client, district):
    url = reverse("admin:organisation_policedistrict_change", args=[district.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Midt- og Vestsjællands Politi" in content
    assert "coordinates" not in content and "MultiPolygon" not in content
    admin_client.post(url, {"number": 99, "name": "X", "slug": "x"})
    district.refresh_from_db()
    assert district.name == "Midt- og Vestsjællands Politi"
    assert admin_client.get(reverse("admin:organisation_municipality_add")).status_code == 403


# Filtering and pages -------------------------------------------------------------------------


@pytest.fixture
def varied_entries(councils, organisations, secretariat, district_staff):
    """Entries of several types, actions, users and days, all in district 8."""
    made = []
    days = [
        datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC),
        datetime.datetime(2024, 3, 10, 9, 0, tzinfo=datetime.UTC),
        # 23:30 UTC on 20 March is 00:30 on 21 March in Denmark.
        datetime.datetime(2024, 3, 20, 23, 30, tzinfo=datetime.UTC),
    ]
    for i, at in enumerate(days):
        made.append(
            log.record(
                councils["kredsraad"],
                by=secretariat,
                action=AuditEntry.Action.UPDATE,
                before={"name": f"old {i}"},
            )
        )
        made.append(
            log.record(organisations["police"], by=district_staff, action=AuditEntry.Action.CREATE)
        )
        AuditEntry.objects.filter(pk__in=[e.pk for e in made[-2:]]).update(at=at)
    return made


def listed(client, **params):
    response = client.get(reverse("staff:audit:list"), params)
    assert response.status_code == 200
    return response, {e.pk for e in response.context["page"].object_list}


def test_filter_by_type_action_user_and_dates(secretariat, client_for, varied_entries):
    client = client_for(secretariat)
    council_type = ContentType.objects.get_for_model(Council)
    _, found = listed(client, type=council_type.pk)
    assert found == {e.pk for e in varied_entries if e.content_type_id == council_type.pk}
    _, found = listed(client, action="create")
    assert found == {e.pk for e in varied_entries if e.action == "create"}
    _, found = listed(client, user="district_staff")
    assert found == {e.pk for e in varied_entries if e.actor_name == "district_staff"}
    _, found = listed(client, date_from="2024-03-05", date_to="2024-03-20")
    assert len(found) == 2  # 10 March only; the 20 March 23:30 UTC entries are on the 21st
    _, found = listed(client, date_from="2024-03-21")
    assert len(found) == 2
    _, found = listed(client, action="update", date_to="2024-03-01")
    assert len(found) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2024-02-30"},
        {"date_to": "yesterday"},
        {"type": "not-a-type"},
        {"action": "explode"},
        {"user": "nobody-of-ours"},
        {"page": "x"},
        {"page": "99999"},
    ],
)
def test_bad_filter_input_gives_a_message_not_an_error(
    params, secretariat, client_for, varied_entries
):
    response, found = listed(client_for(secretariat), **params)
    if "page" not in params:
        assert da("Part of the filter could not be used") in response.content.decode()
    # The valid parts still apply; with nothing valid left, every entry is listed.
    assert found == {e.pk for e in varied_entries}


def test_a_period_that_ends_before_it_starts_is_reported(secretariat, client_for, varied_entries):
    response, found = listed(client_for(secretariat), date_from="2024-03-10", date_to="2024-03-01")
    assert "date_to" in response.context["form"].errors
    assert da("The end of the period must not be before its start.") in response.content.decode()
    assert len(found) == 4  # from 10 March on


def test_a_bad_date_does_not_undo_the_rest_of_the_filter(secretariat, client_for, varied_entries):
    response, found = listed(client_for(secretariat), action="create", date_from="32.13.2024")
    assert "date_from" in response.context["form"].errors
    assert found == {e.pk for e in varied_entries if e.action == "create"}


def test_pagination(secretariat, client_for, councils):
    for _ in range(120):
        log.record(councils["kredsraad"], by=secretariat, action=AuditEntry.Action.UPDATE)
    client = client_for(secretariat)
    first, found_1 = listed(client, action="update")
    assert len(found_1) == 50
    assert first.context["page"].paginator.num_pages == 3
    content = first.content.decode()
    assert "?action=update&amp;page=2" in content
    _, found_2 = listed(client, action="update", page=2)
    _, found_3 = listed(client, action="update", page=3)
    assert len(found_2) == 50 and len(found_3) == 20
    assert not (found_1 & found_2) and not (found_2 & found_3)
    _, beyond = listed(client, action="update", page=4)
    assert beyond == found_3


def test_log_page_queries_do_not_grow(secretariat, client_for, councils):
    client = client_for(secretariat)
    url = reverse("staff:audit:list")
    # Names of linked records cost one query per kind of record, not one per entry.
    for _ in range(3):
        log.record(councils["koege"], by=secretariat, action=AuditEntry.Action.UPDATE)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for council in [councils["koege"], councils["greve"]] * 20:
        log.record(council, by=secretariat, action=AuditEntry.Action.UPDATE)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert len(many) <= 12


# What the entries say: the actions' codes as labels ---------------------------------------


@pytest.fixture
def desk_work(koege_officer, client_for, reference):
    """A Køge tip and a second one, worked at the desk by the Køge officer through the forms:
    every action that logs a code of the service desk."""
    service = Service.objects.create(
        code="test-tip-drugs",
        kind=Kind.TIP,
        name="Handel med narkotika",
        name_en="Drug dealing",
        incident_category="drug_sale",
        to_police=True,
    )
    tip, spam = (
        desk_actions.submit_request(
            service, description=text, lat=55.4581, lon=12.1822, place="Køge Hallen"
        )[0]
        for text in ("Salg af hash bag hallen", "Køb billige solbriller")
    )
    client = client_for(koege_officer)

    def act(request, action, data=None):
        handling = request.handlings.get()
        url = reverse(
            "staff:servicedesk_staff:action", args=[request.reference, handling.pk, action]
        )
        assert client.post(url, data or {}).status_code == 302

    act(tip, "triage", {"triage-service": service.pk, "triage-priority": "2"})
    act(tip, "assign", {"assign-assignee": koege_officer.pk})
    act(tip, "note", {"note-body": "Kendt sælger"})
    act(tip, "status", {"status-status": "new"})
    act(tip, "reply", {"reply-body": "Tak for dit tip."})
    act(tip, "close", {"close-outcome": "resolved"})
    act(spam, "spam")
    return tip


DESK_LABELS = {
    "triage": "Assessment saved",
    "assign": "Assignment changed",
    "status": "Status changed",
    "reply": "Status changed by a reply to the citizen",
    "close": "Closed for the queue",
    "spam": "Marked as spam",
    "internal_note": "Internal note",
    "public_reply": "Reply to the citizen",
}


def messages_shown(content):
    return set(re.findall(r'<br><span class="small-text">([^<]*)</span>', content))


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_log_names_the_service_desks_actions_in_words(
    desk_work, secretariat, client_for, language
):
    assert set(AuditEntry.objects.values_list("message", flat=True)) >= set(DESK_LABELS)
    content = client_for(secretariat, language).get(reverse("staff:audit:list")).content.decode()
    shown = messages_shown(content)
    with translation.override(language):
        assert {gettext(label) for label in DESK_LABELS.values()} <= shown
    # Not one raw code is left, in either language.
    assert not shown & set(DESK_LABELS)


def test_an_entry_page_names_its_action_in_words(desk_work, secretariat, client_for):
    entry = AuditEntry.objects.get(message="triage")
    client = client_for(secretariat)
    content = client.get(reverse("staff:audit:entry", args=[entry.pk])).content.decode()
    assert f"{da('Updated')} – {da('Assessment saved')}" in content
    assert "(triage)" not in content
    english = client_for(secretariat, "en").get(reverse("staff:audit:entry", args=[entry.pk]))
    assert "Updated – Assessment saved" in english.content.decode()


def test_free_text_and_coded_values_in_messages(secretariat, client_for, councils):
    council = councils["kredsraad"]
    for action, message in [
        (AuditEntry.Action.UPDATE, "Rettet efter mødet"),
        (AuditEntry.Action.CREATE, "copied from 2023"),
        (AuditEntry.Action.IMPORT, "CSV import plan.csv"),
    ]:
        log.record(council, by=secretariat, action=action, message=message)
    client = client_for(secretariat, "en")
    shown = messages_shown(client.get(reverse("staff:audit:list")).content.decode())
    assert shown == {"Rettet efter mødet", "Copied from the plan for 2023", "CSV file plan.csv"}


@pytest.mark.parametrize("field, day", [("date_to", "9999-12-31"), ("date_from", "0001-01-01")])
def test_a_search_from_or_to_the_edge_of_the_calendar_is_refused(
    councils, secretariat, client_for, field, day
):
    log.record(councils["kredsraad"], by=secretariat, action=AuditEntry.Action.CREATE)
    response = client_for(secretariat).get(reverse("staff:audit:list"), {field: day})
    assert response.status_code == 200
    assert "Angiv et år fra 2000 til 2100." in response.content.decode()


def test_admin_user_delete_logs_each_role_under_its_district(admin_client, secretariat, district):
    role = secretariat.roles.get()
    response = admin_client.post(
        reverse("admin:accounts_user_delete", args=[secretariat.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(content_type__model="roleassignment", object_id=str(role.pk))
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.district_id == district.pk
    assert AuditEntry.objects.filter(
        content_type__model="user", object_id=str(secretariat.pk), action="delete"
    ).exists()


def test_changing_ones_own_password_in_the_admin_is_logged(admin_client):
    response = admin_client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2",
            "new_password2": "another-long-password-2",
        },
    )
    assert response.status_code == 302
    root = User.objects.get(username="root")
    entry = AuditEntry.objects.get(content_type__model="user", object_id=str(root.pk))
    assert entry.changes == {"password": ["(hidden)", "(changed)"]}
    assert entry.actor == root
