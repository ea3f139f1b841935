"""Logging in and out, the login requirement, and the staff start page."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from tests.access import PERSONAS, StaffView, StaffViewAccess
from tests.conftest import PASSWORD
from tryghed.accounts.models import RoleAssignment
from tryghed.organisation.models import Council
from tryghed.plans.models import CooperationPlan

pytestmark = pytest.mark.django_db


def da(text):
    """What the page shows for `text` in Danish, the default language."""
    with translation.override("da"):
        return gettext(text)


class TestStaffHomeAccess(StaffViewAccess):
    views = [StaffView("home", lambda ctx: reverse("staff:home"), set(PERSONAS))]

    @pytest.fixture
    def ctx(self, plan):
        return {}


def test_login_and_logout_through_the_forms(secretariat):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "secretariat", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
    assert client.get(reverse("staff:home")).status_code == 200

    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_follows_next(secretariat):
    client = Client()
    target = reverse("staff:organisation:list")
    response = client.post(
        reverse("accounts:login"),
        {"username": "secretariat", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_wrong_password_logs_nobody_in(secretariat):
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "secretariat", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:home")).status_code == 302


def test_staff_pages_require_login_by_default(reference):
    response = Client().get("/medarbejder/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/login/?next=/medarbejder/"


def test_public_front_page_needs_no_login(reference):
    assert Client().get("/").status_code == 200


@pytest.mark.parametrize(
    ("who", "role", "where"),
    [
        ("secretariat", RoleAssignment.Role.DISTRICT_SECRETARIAT, "Midt- og Vestsjællands Politi"),
        ("district_staff", RoleAssignment.Role.DISTRICT_STAFF, "Midt- og Vestsjællands Politi"),
        ("koege_officer", RoleAssignment.Role.LOCAL_OFFICER, "Køge"),
        ("greve_staff", RoleAssignment.Role.MUNICIPAL_STAFF, "Greve"),
        ("council_member", RoleAssignment.Role.COUNCIL_MEMBER, "Kredsrådet"),
        ("foreign_secretariat", RoleAssignment.Role.DISTRICT_SECRETARIAT, "Nordjyllands Politi"),
    ],
)
def test_home_shows_the_users_roles(who, role, where, personas, client_for, plan):
    content = client_for(personas[who]).get(reverse("staff:home")).content.decode()
    with translation.override("da"):
        label = str(role.label)
    roles_section = content.split('id="roles-heading"')[1].split("</section>")[0]
    assert label in roles_section
    assert where in roles_section


def test_home_lists_plans_with_progress_and_councils(secretariat, client_for, plan):
    plan.initiatives.filter(external_id="T-1").update(progress=40)
    content = client_for(secretariat).get(reverse("staff:home")).content.decode()
    assert "Samarbejdsplan 2023" in content
    assert "40 %" in content
    for name in ("Kredsrådet", "Kontaktudvalget", "Lokalråd Køge", "Lokalråd Greve"):
        assert name in content


def test_home_shows_a_municipal_user_only_their_own_local_council(greve_staff, client_for, plan):
    content = client_for(greve_staff).get(reverse("staff:home")).content.decode()
    assert "Lokalråd Greve" in content
    assert "Lokalråd Køge" not in content


def test_the_outsider_sees_no_plans_and_no_councils(outsider, client_for, plan):
    content = client_for(outsider).get(reverse("staff:home")).content.decode()
    assert plan.get_absolute_url() not in content
    assert f"{plan.title} {plan.year}" not in content
    for council in Council.objects.all():
        assert council.name not in content
    assert da("There are no plans that you can see.") in content
    assert da("There are no councils that you can see.") in content


def test_only_the_secretariat_is_offered_the_audit_log(personas, client_for, plan):
    log_url = reverse("staff:audit:list")
    assert log_url in client_for(personas["secretariat"]).get("/medarbejder/").content.decode()
    for persona in ("district_staff", "koege_officer", "council_member", "outsider"):
        content = client_for(personas[persona]).get("/medarbejder/").content.decode()
        assert log_url not in content, persona


def test_admin_link_only_for_superusers(secretariat, client_for, django_user_model, plan):
    admin_url = reverse("admin:index")
    assert admin_url not in client_for(secretariat).get("/medarbejder/").content.decode()
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    assert admin_url in client_for(root).get("/medarbejder/").content.decode()


def test_home_queries_do_not_grow_with_plans_and_councils(
    secretariat, client_for, plan, district, django_assert_max_num_queries
):
    client = client_for(secretariat)
    client.get(reverse("staff:home"))  # warm caches shared by every page

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:home"))
    for year in (2024, 2025, 2026):
        CooperationPlan.objects.create(district=district, year=year, title="Plan")
    for i in range(5):
        Council.objects.create(
            kind=Council.Kind.FORUM, name=f"Forum {i}", slug=f"forum-{i}", district=district
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("staff:home"))
    assert "Forum 4" in response.content.decode()
    assert len(many) == len(few)
    with django_assert_max_num_queries(12):
        client.get(reverse("staff:home"))


def test_failed_logins_are_limited_per_address(secretariat, district_staff, settings):
    """After too many failed attempts from one address the form is refused for a while,
    without checking the password, even with the right one and for another account."""
    settings.TRYGHED_LOGIN_RATE = ["3/10m"]
    client = Client()
    url = reverse("accounts:login")
    for n in range(3):
        response = client.post(url, {"username": "secretariat", "password": f"wrong-{n}"})
        assert response.status_code == 200
    response = client.post(url, {"username": "secretariat", "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    minutes = -(-int(response["Retry-After"]) // 60)
    with translation.override("da"):
        message = ngettext(
            "Too many failed attempts to log in. Try again in %(minutes)d minute.",
            "Too many failed attempts to log in. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    assert message in response.content.decode()
    response = client.post(url, {"username": "district_staff", "password": PASSWORD})
    assert response.status_code == 429
    assert client.get(reverse("staff:home")).status_code == 302


def test_failed_logins_are_limited_per_account(secretariat, settings):
    """Attempts on one account from many addresses count together."""
    settings.TRYGHED_LOGIN_RATE = ["3/10m"]
    url = reverse("accounts:login")
    for n in range(3):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert client.post(url, {"username": "Secretariat ", "password": "x"}).status_code == 200
    client = Client(REMOTE_ADDR="192.0.2.99")
    response = client.post(url, {"username": "secretariat", "password": PASSWORD})
    assert response.status_code == 429


def test_successful_logins_do_not_count(secretariat, settings):
    settings.TRYGHED_LOGIN_RATE = ["2/10m"]
    url = reverse("accounts:login")
    for _ in range(4):
        client = Client()
        response = client.post(url, {"username": "secretariat", "password": PASSWORD})
        assert response.status_code == 302


def test_the_admin_login_is_limited_too(secretariat, settings):
    settings.TRYGHED_LOGIN_RATE = ["2/10m"]
    client = Client()
    for n in range(2):
        client.post("/admin/login/", {"username": "secretariat", "password": f"wrong-{n}"})
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "secretariat", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_sent_to_the_login_page_goes_to_the_start_page(secretariat, client_for):
    response = client_for(secretariat).get(reverse("accounts:login") + "?next=/konto/login/")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:home")
