"""Date and time answers through Open311 are held to the web form's rules (when it happened:
not in the future, not years ago; the day wished for an officer: after today, within a
year), and every time Open311 writes out has a W3C offset."""

import datetime as dt
import json
import re
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.test_servicedesk_public import officer_request, tip
from tryghed.open311 import keys, memo
from tryghed.servicedesk import actions, services
from tryghed.servicedesk.models import Service, ServiceRequest

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
ROSKILDE = ("55.6425", "12.0803")
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(autouse=True)
def fresh_memo():
    memo.forget_all()


@pytest.fixture
def api_key(reference):
    services.load()
    return keys.create_client("Borgerapp", by=None)[1]


@pytest.fixture
def client():
    return Client(headers={"accept-language": "en"})


def happened_fields(api_key, when):
    return {
        "api_key": api_key,
        "service_code": "tip-narkotika",
        "lat": ROSKILDE[0],
        "long": ROSKILDE[1],
        "description": "Salg af hash ved cykelskuret",
        "attribute[naer-skole]": "ja",
        "attribute[tidspunkt]": when,
    }


def wished_day_fields(api_key, day):
    return {
        "api_key": api_key,
        "service_code": "betjent-faerdselskontrol",
        "address_id": "0265",
        "description": "Der køres meget stærkt om morgenen.",
        "attribute[vej]": "Skolevej",
        "attribute[organisation]": "Grundejerforeningen Solbakken",
        "attribute[oensket-dato]": day,
        "first_name": "Karen",
        "email": "karen@example.dk",
    }


def errors(response, fmt):
    if fmt == "json":
        return [(e["code"], e["description"]) for e in json.loads(response.content)]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root]


def local(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def today():
    return timezone.localdate()


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "when,problem",
    [
        ("0001-01-01T00:00:00Z", "within the last five years"),
        ("0001-01-02", "within the last five years"),
        (lambda: local(timezone.now() - dt.timedelta(days=6 * 365)), "within the last five years"),
        (lambda: local(timezone.now() + dt.timedelta(days=1)), "cannot be in the future"),
        ("9999-12-31T22:59:59Z", "cannot be in the future"),
    ],
    ids=["year 1", "year 1 as a date", "six years ago", "tomorrow", "year 9999"],
)
def test_when_it_happened_must_be_recent_and_not_in_the_future(client, api_key, fmt, when, problem):
    value = when() if callable(when) else when
    response = client.post(f"{BASE}requests.{fmt}", happened_fields(api_key, value))
    assert response.status_code == 400, response.content[:500]
    found = errors(response, fmt)
    assert all(code == 400 for code, _ in found)
    assert any("attribute[tidspunkt]" in text and problem in text for _, text in found), found
    assert not ServiceRequest.objects.exists()


def test_a_recent_time_is_taken_and_stored_with_a_w3c_offset(client, api_key):
    yesterday = timezone.now() - dt.timedelta(days=1)
    response = client.post(f"{BASE}requests.json", happened_fields(api_key, local(yesterday)))
    assert response.status_code == 201, response.content
    stored = ServiceRequest.objects.get().details["tidspunkt"]
    assert W3C.match(stored) and stored.endswith(("+01:00", "+02:00"))


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "day,problem",
    [
        (lambda: today().isoformat(), "after today"),
        (lambda: (today() - dt.timedelta(days=30)).isoformat(), "after today"),
        (lambda: (today() + dt.timedelta(days=2 * 365)).isoformat(), "within the next year"),
        (lambda: "0001-01-01T00:00:00Z", "after today"),
    ],
    ids=["today", "last month", "in two years", "year 1"],
)
def test_the_day_wished_for_an_officer_must_be_after_today_and_within_a_year(
    client, api_key, fmt, day, problem
):
    response = client.post(f"{BASE}requests.{fmt}", wished_day_fields(api_key, day()))
    assert response.status_code == 400, response.content[:500]
    found = errors(response, fmt)
    assert any("attribute[oensket-dato]" in text and problem in text for _, text in found), found
    assert not ServiceRequest.objects.exists()


def test_a_day_in_three_weeks_is_taken(client, api_key):
    day = (today() + dt.timedelta(days=21)).isoformat()
    response = client.post(f"{BASE}requests.json", wished_day_fields(api_key, day))
    assert response.status_code == 201, response.content
    assert ServiceRequest.objects.get().details["oensket-dato"].startswith(day + "T00:00:00+")


@pytest.mark.parametrize(
    "form_value,open311_value,field,data",
    [
        (
            lambda: (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            lambda: local(timezone.now() + dt.timedelta(hours=2)),
            "tidspunkt",
            "happened",
        ),
        (
            lambda: (timezone.localtime() - dt.timedelta(days=6 * 365)).strftime("%Y-%m-%dT%H:%M"),
            lambda: local(timezone.now() - dt.timedelta(days=6 * 365)),
            "tidspunkt",
            "happened",
        ),
        (
            lambda: today().isoformat(),
            lambda: today().isoformat(),
            "oensket-dato",
            "wished",
        ),
    ],
    ids=["in two hours", "six years ago", "today as the wished day"],
)
def test_the_web_form_and_open311_refuse_the_same_answer_in_the_same_words(
    client, api_key, form_value, open311_value, field, data
):
    if data == "happened":
        form = tip(**{f"q-{field}": form_value()})
        fields = happened_fields(api_key, open311_value())
        url = reverse("servicedesk:tip")
    else:
        form = officer_request(**{f"q-{field}": form_value()})
        fields = wished_day_fields(api_key, open311_value())
        url = reverse("servicedesk:officer_request")
    page = Client(HTTP_ACCEPT_LANGUAGE="en").post(url, form)
    assert page.status_code == 200
    form_errors = page.context["form"].errors[f"q-{field}"]
    response = client.post(f"{BASE}requests.json", fields)
    assert response.status_code == 400
    assert [f"attribute[{field}]: {e}" for e in form_errors] == [
        text for _, text in errors(response, "json") if field in text
    ]
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_time_from_before_danish_standard_time_is_written_with_a_w3c_offset(client, api_key, fmt):
    # Stored otherwise than by a citizen (an import, an old system's data): Danish time was
    # then Copenhagen's mean solar time, 50 min 20 s ahead of UTC.
    request, _token = actions.submit_request(
        Service.objects.get(code="gene-unges-fester"),
        description="Fest på stranden",
        lat=float(ROSKILDE[0]),
        lon=float(ROSKILDE[1]),
    )
    long_ago = dt.datetime(1850, 7, 1, 12, 0, tzinfo=dt.UTC)
    ServiceRequest.objects.filter(pk=request.pk).update(submitted_at=long_ago)
    response = client.get(f"{BASE}requests/{request.reference}.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        [record] = json.loads(response.content)
    else:
        record = {c.tag: c.text for c in ElementTree.fromstring(response.content).find("request")}
    assert W3C.match(record["requested_datetime"]), record["requested_datetime"]
    assert dt.datetime.fromisoformat(record["requested_datetime"]) == long_ago
