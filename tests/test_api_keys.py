"""API keys for Open311 clients: from the shell and from the back office."""

import hashlib
import io
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.access import StaffView, StaffViewAccess
from tests.test_open311 import make_services, valid_fields
from tryghed.audit.models import AuditEntry
from tryghed.open311 import keys, memo
from tryghed.servicedesk.models import ApiClient, ServiceRequest

pytestmark = pytest.mark.django_db

KEY = re.compile(r"tg_[A-Za-z0-9_-]{40,}")
LIST_URL = "/medarbejder/api-noegler/"


@pytest.fixture(autouse=True)
def fresh_memo():
    """Each test's database has its own services and keys; a worker's memory of another
    test's rows would outlive them."""
    memo.forget_all()


@pytest.fixture
def services(reference):
    return make_services()


def post_request(key):
    return Client().post("/open311/v2/requests.json", {"api_key": key, **valid_fields()})


def api_client_entries(client):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ApiClient), object_id=str(client.pk)
    ).order_by("pk")


def test_the_command_prints_a_key_that_files_requests(services, district):
    out = io.StringIO()
    call_command("create_api_key", "Giv et praj", stdout=out)
    (key,) = KEY.findall(out.getvalue())
    client = ApiClient.objects.get(name="Giv et praj")
    assert client.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(client.key_prefix) and len(client.key_prefix) < len(key) // 3
    assert key not in str(list(ApiClient.objects.values()))
    response = post_request(key)
    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().channel == ServiceRequest.Channel.OPEN311
    client.refresh_from_db()
    assert client.last_used_at is not None
    (entry,) = api_client_entries(client)
    assert entry.action == AuditEntry.Action.CREATE and entry.actor is None
    assert entry.district == district
    assert "key_hash" not in entry.changes


def test_a_duplicate_name_fails_with_a_clear_error_and_exit_code(reference):
    call_command("create_api_key", "Borgerapp", stdout=io.StringIO())
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="already exists") as failure:
        call_command("create_api_key", "borgerapp", stdout=out)
    # manage.py prints a CommandError's message and exits with its return code.
    assert failure.value.returncode != 0
    assert not KEY.search(out.getvalue())
    assert ApiClient.objects.count() == 1


def test_keys_are_unique_and_random(reference):
    _, first = keys.create_client("A", by=None)
    _, second = keys.create_client("B", by=None)
    assert first != second and KEY.fullmatch(first) and KEY.fullmatch(second)


@pytest.fixture
def api_ctx(reference, services):
    client, key = keys.create_client("Eksisterende app", by=None)
    return {"client": client, "key": key}


class TestApiKeyPages(StaffViewAccess):
    views = [
        StaffView("list", lambda ctx: reverse("staff:api_keys:list"), {"secretariat"}),
        StaffView(
            "create",
            lambda ctx: reverse("staff:api_keys:list"),
            {"secretariat"},
            method="post",
            data={"name": "Ny app"},
        ),
        StaffView(
            "deactivate",
            lambda ctx: reverse("staff:api_keys:deactivate", args=[ctx["client"].pk]),
            {"secretariat"},
            method="post",
            ok_status=302,
        ),
    ]

    @pytest.fixture
    def ctx(self, api_ctx, personas):
        return api_ctx


def test_the_page_creates_a_key_shows_it_once_and_logs_it(
    services, secretariat, client_for, district
):
    browser = client_for(secretariat)
    response = browser.post(LIST_URL, {"name": "Tryghedsappen"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    (key,) = KEY.findall(response.content.decode())
    client = ApiClient.objects.get(name="Tryghedsappen")
    assert client.created_by == secretariat
    assert post_request(key).status_code == 201

    page = browser.get(LIST_URL).content.decode()
    assert "Tryghedsappen" in page and client.key_prefix in page
    assert key not in page
    (entry,) = api_client_entries(client)
    assert entry.actor == secretariat and entry.action == AuditEntry.Action.CREATE
    assert AuditEntry.objects.visible_to(secretariat).filter(pk=entry.pk).exists()


def test_a_bad_or_duplicate_name_creates_nothing(secretariat, client_for, api_ctx):
    browser = client_for(secretariat)
    entries = AuditEntry.objects.count()
    for name in ("", "   ", "eksisterende app", "x" * 201):
        response = browser.post(LIST_URL, {"name": name})
        assert response.status_code == 400, name
        assert KEY.search(response.content.decode()) is None
    assert ApiClient.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_deactivating_stops_the_key_and_is_logged(services, secretariat, client_for, api_ctx):
    assert post_request(api_ctx["key"]).status_code == 201
    browser = client_for(secretariat)
    response = browser.post(
        reverse("staff:api_keys:deactivate", args=[api_ctx["client"].pk]), follow=True
    )
    assert response.status_code == 200
    assert "Eksisterende app" in response.content.decode()
    assert post_request(api_ctx["key"]).status_code == 403
    assert ServiceRequest.objects.count() == 1
    create, deactivate = api_client_entries(api_ctx["client"])
    assert deactivate.actor == secretariat and deactivate.action == AuditEntry.Action.UPDATE
    assert deactivate.changes == {"active": [True, False]}
    # A second deactivation changes nothing and logs nothing.
    browser.post(reverse("staff:api_keys:deactivate", args=[api_ctx["client"].pk]))
    assert api_client_entries(api_ctx["client"]).count() == 2


def test_deactivate_is_post_only(secretariat, client_for, api_ctx):
    url = reverse("staff:api_keys:deactivate", args=[api_ctx["client"].pk])
    assert client_for(secretariat).get(url).status_code == 405
    assert ApiClient.objects.get().active
