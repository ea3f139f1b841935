"""Open311 GeoReport v2 conformance: every endpoint in XML and JSON, as a third-party client
uses them, with the spec's element names, filters, limits, errors and status codes."""

import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.utils import timezone

from tryghed.open311 import keys, memo
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import (
    ApiClient,
    Handling,
    Kind,
    Message,
    Service,
    ServiceAttribute,
    ServiceRequest,
    hash_token,
)

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
ROSKILDE = ("55.6425", "12.0803")
KOEGE = ("55.4580", "12.1821")
AARHUS = ("56.1572", "10.2107")
BERLIN = ("52.5200", "13.4050")
JURISDICTION = "politi.dk/midt-og-vestsjaellands-politi"
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
FORMATS = ["json", "xml"]

# A reporter whose details must never come back out of a GET.
REPORTER = {
    "first_name": "Ingeborg",
    "last_name": "Mikkelsen-Toft",
    "email": "ingeborg.toft@example.dk",
    "phone": "+45 61 23 45 67",
}
PERSONAL = [
    "Ingeborg",
    "Mikkelsen-Toft",
    "ingeborg.toft@example.dk",
    "+45 61 23 45 67",
    "61 23 45 67",
    "61234567",
]

Datatype = ServiceAttribute.Datatype


@pytest.fixture(autouse=True)
def fresh_memo():
    """Each test's database has its own services and keys; a worker's memory of another
    test's rows would outlive them."""
    memo.forget_all()


def make_services():
    """A tip, two nuisances (one without questions), an officer request and a retired one."""
    tip = Service.objects.create(
        code="tip-narko",
        kind=Kind.TIP,
        name="Handel med narkotika",
        name_en="Drug dealing",
        description="Salg af stoffer",
        group="Tip politiet",
        keywords="narko, hash",
        order=1,
    )
    ServiceAttribute.objects.create(
        service=tip,
        code="naer-skole",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        description="Ved en skole?",
        description_en="Near a school?",
        values=[
            {"key": "ja", "name": "Ja", "name_en": "Yes"},
            {"key": "nej", "name": "Nej", "name_en": "No"},
        ],
        order=1,
    )
    ServiceAttribute.objects.create(
        service=tip,
        code="tidspunkt",
        datatype=Datatype.DATETIME,
        description="Hvornår?",
        order=2,
    )
    party = Service.objects.create(
        code="gene-fest",
        kind=Kind.NUISANCE,
        name="Fest i park",
        group="Anmeld gener",
        keywords="fest, park",
        to_police=True,
        to_municipality=True,
    )
    ServiceAttribute.objects.create(
        service=party, code="antal", datatype=Datatype.NUMBER, description="Hvor mange?"
    )
    other = Service.objects.create(
        code="gene-andet",
        kind=Kind.NUISANCE,
        name="Anden gene",
        to_police=True,
        to_municipality=True,
        order=2,
    )
    talk = Service.objects.create(
        code="betjent-foredrag", kind=Kind.OFFICER_REQUEST, name="Foredrag", group="Bestil"
    )
    ServiceAttribute.objects.create(
        service=talk,
        code="emner",
        datatype=Datatype.MULTIVALUELIST,
        required=True,
        description="Emner",
        values=[{"key": "indbrud", "name": "Indbrud"}, {"key": "svindel", "name": "Svindel"}],
        order=1,
    )
    ServiceAttribute.objects.create(
        service=talk,
        code="organisation",
        datatype=Datatype.STRING,
        required=True,
        description="Forening",
        order=2,
    )
    retired = Service.objects.create(code="gammel", kind=Kind.NUISANCE, name="Gammel", active=False)
    return {"tip": tip, "party": party, "other": other, "talk": talk, "retired": retired}


def valid_fields(code="gene-andet", **extra):
    fields = {
        "service_code": code,
        "lat": ROSKILDE[0],
        "long": ROSKILDE[1],
        "description": "Larm og glasskår ved søen hver fredag",
    }
    if code == "tip-narko":
        fields["attribute[naer-skole]"] = "ja"
    if code == "betjent-foredrag":
        fields["attribute[emner][]"] = ["indbrud", "svindel"]
        fields["attribute[organisation]"] = "Grundejerforeningen Søbredden"
    fields.update(extra)
    return fields


@pytest.fixture
def client():
    """An API client that reads the messages in English, the language of the spec."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def services(reference):
    return make_services()


@pytest.fixture
def api_key(services):
    _client, key = keys.create_client("Borgerapp", by=None)
    return key


def get(client, resource, fmt, **params):
    return client.get(f"{BASE}{resource}.{fmt}", params)


def post(client, fmt="json", **fields):
    return client.post(f"{BASE}requests.{fmt}", fields)


def xml(response):
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ElementTree.fromstring(response.content)


def body(response, fmt):
    """The response as a client reads it: JSON data, or the parsed XML root."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    return xml(response)


def errors_of(response, fmt):
    """The spec's error list as [(code, description)], checking its shape on the way."""
    if fmt == "json":
        data = json.loads(response.content)
        assert isinstance(data, list) and data
        assert all(set(e) == {"code", "description"} for e in data)
        return [(e["code"], e["description"]) for e in data]
    root = xml(response)
    assert root.tag == "errors"
    assert [e.tag for e in root] == ["error"] * len(root) and len(root)
    return [(int(e.findtext("code")), e.findtext("description")) for e in root]


def assert_error(response, fmt, status, contains=""):
    assert response.status_code == status, response.content
    found = errors_of(response, fmt)
    assert all(code == status for code, _ in found)
    if contains:
        assert any(contains in d for _, d in found), found


def request_records(response, fmt):
    """GET requests / one request / POST answers as a list of dicts of text values."""
    data = body(response, fmt)
    if fmt == "json":
        return data
    assert data.tag == "service_requests"
    assert all(r.tag == "request" for r in data)
    return [{child.tag: child.text for child in r} for r in data]


def submit(service, *, when=None, **extra):
    fields = {"description": "Fest ved søen", "lat": 55.6425, "lon": 12.0803, **extra}
    request, token = actions.submit_request(service, **fields)
    if when is not None:
        ServiceRequest.objects.filter(pk=request.pk).update(submitted_at=when)
        request.refresh_from_db()
    return request, token


def close(request):
    request.handlings.update(status=Handling.Status.CLOSED, outcome=Handling.Outcome.RESOLVED)


# Discovery and services


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_endpoint_its_formats_and_the_jurisdiction(client, services, fmt):
    response = get(client, "discovery", fmt)
    assert response.status_code == 200
    if fmt == "json":
        data = body(response, fmt)
        endpoint = data["endpoints"][0]
        formats = endpoint["formats"]
        jurisdiction_ids = [j["jurisdiction_id"] for j in data["jurisdictions"]]
        changeset, contact, key_service = data["changeset"], data["contact"], data["key_service"]
    else:
        root = body(response, fmt)
        assert root.tag == "discovery"
        endpoint_el = root.find("endpoints/endpoint")
        endpoint = {child.tag: child.text for child in endpoint_el}
        formats = [f.text for f in endpoint_el.findall("formats/format")]
        jurisdiction_ids = [
            j.findtext("jurisdiction_id") for j in root.findall("jurisdictions/jurisdiction")
        ]
        changeset = root.findtext("changeset")
        contact, key_service = root.findtext("contact"), root.findtext("key_service")
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    assert set(formats) == {"text/xml", "application/json"}
    assert W3C.match(changeset)
    assert jurisdiction_ids == [JURISDICTION]
    assert "Midt- og Vestsjællands Politi" in contact
    assert "/medarbejder/api-noegler/" in key_service


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list_has_the_spec_fields_and_only_active_services(client, services, fmt):
    response = get(client, "services", fmt)
    assert response.status_code == 200
    if fmt == "json":
        listed = body(response, fmt)
    else:
        root = body(response, fmt)
        assert root.tag == "services"
        assert {s.tag for s in root} == {"service"}
        listed = [{child.tag: child.text for child in s} for s in root]
        for s in listed:
            s["metadata"] = {"true": True, "false": False}[s["metadata"]]
    by_code = {s["service_code"]: s for s in listed}
    assert set(by_code) == {"tip-narko", "gene-fest", "gene-andet", "betjent-foredrag"}
    for s in listed:
        assert set(s) == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
        assert s["type"] == "realtime"
    assert by_code["tip-narko"]["metadata"] is True
    assert by_code["gene-andet"]["metadata"] is False
    assert by_code["tip-narko"]["service_name"] == "Drug dealing"
    assert by_code["gene-andet"]["service_name"] == "Anden gene"  # no English name written
    assert by_code["tip-narko"]["keywords"] == "narko, hash"
    assert by_code["tip-narko"]["group"] == "Tip politiet"


def test_service_names_are_danish_unless_the_client_asks_for_english(services):
    response = Client().get(f"{BASE}services.json")
    names = {s["service_code"]: s["service_name"] for s in response.json()}
    assert names["tip-narko"] == "Handel med narkotika"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_lists_the_attributes_in_order(client, services, fmt):
    response = get(client, "services/tip-narko", fmt)
    assert response.status_code == 200
    if fmt == "json":
        data = body(response, fmt)
        code, attributes = data["service_code"], data["attributes"]
    else:
        root = body(response, fmt)
        assert root.tag == "service_definition"
        code = root.findtext("service_code")
        attributes = []
        for el in root.findall("attributes/attribute"):
            attribute = {child.tag: child.text for child in el if child.tag != "values"}
            attribute["values"] = [
                {"key": v.findtext("key"), "name": v.findtext("name")}
                for v in el.findall("values/value")
            ]
            attribute["variable"] = attribute["variable"] == "true"
            attribute["required"] = attribute["required"] == "true"
            attribute["order"] = int(attribute["order"])
            attributes.append(attribute)
    assert code == "tip-narko"
    assert [a["code"] for a in attributes] == ["naer-skole", "tidspunkt"]
    first, second = attributes
    assert set(first) == {
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    }
    assert first["variable"] is True and first["required"] is True
    assert first["datatype"] == "singlevaluelist" and first["order"] == 1
    assert first["description"] == "Near a school?"
    assert first["values"] == [{"key": "ja", "name": "Yes"}, {"key": "nej", "name": "No"}]
    assert second["datatype"] == "datetime" and second["required"] is False
    assert "W3C" in second["datatype_description"] and second["values"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_or_retired_service_definition_is_404(client, services, fmt):
    assert_error(get(client, "services/findes-ikke", fmt), fmt, 404, "findes-ikke")
    assert_error(get(client, "services/gammel", fmt), fmt, 404)


# POST requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_the_request_and_answers_its_reference_and_token(
    client, api_key, services, fmt
):
    response = post(client, fmt, api_key=api_key, **valid_fields("gene-fest", **REPORTER))
    assert response.status_code == 201, response.content
    (answer,) = request_records(response, fmt)
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    assert answer["account_id"] is None
    stored = ServiceRequest.objects.get(reference=answer["service_request_id"])
    assert answer["service_request_id"].startswith("GENE-")
    assert stored.channel == ServiceRequest.Channel.OPEN311
    assert stored.check_token(answer["token"])
    assert stored.municipality.code == "0265"
    assert stored.reporter_name == "Ingeborg Mikkelsen-Toft"
    assert stored.reporter_email == REPORTER["email"]
    assert stored.reporter_phone == REPORTER["phone"]
    assert {h.queue.owner for h in stored.handlings.select_related("queue")} == {
        "police",
        "municipality",
    }
    assert answer["service_notice"]


def test_the_same_request_posted_twice_is_filed_twice_each_with_its_own_token(
    client, api_key, services
):
    # A client files for many citizens, anonymous ones too, from one address, and each of
    # them needs the token of their own status link: the web form's check for a request
    # sent again (servicedesk/resubmission.py) is not applied here.
    fields = valid_fields("gene-fest", **REPORTER)
    answers = [request_records(post(client, api_key=api_key, **fields), "json")[0] for _ in "12"]
    assert answers[0]["service_request_id"] != answers[1]["service_request_id"]
    for answer in answers:
        stored = ServiceRequest.objects.get(reference=answer["service_request_id"])
        assert stored.check_token(answer["token"])


def test_post_stores_the_attribute_answers_by_their_types(client, api_key, services):
    # Last night at 21:30, Danish time: a time answer must be recent and not in the future.
    when = (timezone.localtime() - timedelta(days=1)).replace(hour=21, minute=30, second=0)
    when = when.isoformat(timespec="seconds")
    response = post(
        client,
        api_key=api_key,
        **valid_fields("tip-narko", **{"attribute[tidspunkt]": when}),
    )
    assert response.status_code == 201, response.content
    stored = ServiceRequest.objects.get()
    # The language the client asked in is kept for the e-mails and replies to the citizen.
    assert stored.details == {"naer-skole": "ja", "tidspunkt": when, "_language": "en"}

    response = post(client, api_key=api_key, **valid_fields("betjent-foredrag"))
    assert response.status_code == 201, response.content
    talk = ServiceRequest.objects.get(service__code="betjent-foredrag")
    assert talk.details == {
        "emner": ["indbrud", "svindel"],
        "organisation": "Grundejerforeningen Søbredden",
        "_language": "en",
    }
    assert talk.reference.startswith("BETJENT-")

    response = post(
        client, api_key=api_key, **valid_fields("gene-fest", **{"attribute[antal]": "12"})
    )
    assert ServiceRequest.objects.get(service__code="gene-fest").details == {
        "antal": 12,
        "_language": "en",
    }
    post(client, api_key=api_key, **valid_fields("gene-fest", **{"attribute[antal]": "40.0"}))
    assert ServiceRequest.objects.filter(details__antal=40).count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_a_working_key_is_403_and_stores_nothing(client, services, api_key, fmt):
    assert_error(post(client, fmt, **valid_fields()), fmt, 403, "api_key")
    assert_error(post(client, fmt, api_key="tg_" + "x" * 43, **valid_fields()), fmt, 403)
    assert_error(post(client, fmt, api_key="not a key", **valid_fields()), fmt, 403)
    inactive, inactive_key = keys.create_client("Gammel app", by=None)
    keys.deactivate_client(inactive, by=None)
    assert_error(post(client, fmt, api_key=inactive_key, **valid_fields()), fmt, 403)
    assert not ServiceRequest.objects.exists()


def test_a_client_that_keeps_sending_wrong_keys_is_slowed_down(client, services, api_key):
    for _ in range(30):
        assert (
            post(client, api_key="tg_wrong_key_0123456789abcdef", **valid_fields()).status_code
            == 403
        )
    response = post(client, api_key="tg_wrong_key_0123456789abcdef", **valid_fields())
    assert_error(response, "json", 429)
    assert int(response["Retry-After"]) > 0
    # A client with a valid key is not counted and not stopped.
    assert post(client, api_key=api_key, **valid_fields()).status_code == 201


BAD_POSTS = [
    ("no service", {"service_code": ""}, 400, "service_code"),
    # The spec: "404 - service_code or jurisdiction_id provided were not found".
    ("unknown service", {"service_code": "findes-ikke"}, 404, "findes-ikke"),
    ("retired service", {"service_code": "gammel"}, 404, "gammel"),
    ("no location", {"lat": "", "long": ""}, 400, "location"),
    ("lat without long", {"long": ""}, 400, "together"),
    ("lat not a number", {"lat": "nord"}, 400, "lat"),
    ("lat written as Python writes numbers", {"lat": "5_5.6425"}, 400, "lat"),
    ("lat in exponent notation", {"lat": "5.56425e1"}, 400, "lat"),
    ("NUL inside lat", {"lat": "55.6\x00425"}, 400, "lat"),
    ("NUL in the description", {"description": "Fest\x00 i parken"}, 400, "description"),
    (
        "number attribute with underscores",
        {"service_code": "gene-fest", "attribute[antal]": "1_000"},
        400,
        "antal",
    ),
    ("lat out of range", {"lat": "91"}, 400, "lat"),
    ("long not finite", {"long": "inf"}, 400, "long"),
    ("outside Denmark", {"lat": BERLIN[0], "long": BERLIN[1]}, 400, "Denmark"),
    ("other district", {"lat": AARHUS[0], "long": AARHUS[1]}, 400, "Østjyllands Politi"),
    ("no description", {"description": "  "}, 400, "description"),
    ("description too long", {"description": "x" * 4001}, 400, "4000"),
    ("bad e-mail", {"email": "ikke en adresse"}, 400, "email"),
    ("e-mail no mail can reach", {"email": "a@" + "ø" * 60 + ".dk"}, 400, "email"),
    ("bad phone", {"phone": "ring til mig"}, 400, "phone"),
    ("unknown attribute", {"attribute[farve]": "rød"}, 400, "farve"),
    ("malformed attribute", {"attribute[a][b]": "x"}, 400, "attribute"),
    ("number attribute", {"service_code": "gene-fest", "attribute[antal]": "mange"}, 400, "antal"),
    # The web form takes a whole number from 0 to 100,000 only, and so does Open311.
    ("negative number", {"service_code": "gene-fest", "attribute[antal]": "-5"}, 400, "antal"),
    ("fraction", {"service_code": "gene-fest", "attribute[antal]": "2.5"}, 400, "antal"),
    (
        "huge number",
        {"service_code": "gene-fest", "attribute[antal]": "999999999999"},
        400,
        "antal",
    ),
    ("missing required attribute", {"service_code": "tip-narko"}, 400, "naer-skole"),
    (
        "value not in list",
        {"service_code": "tip-narko", "attribute[naer-skole]": "måske"},
        400,
        "måske",
    ),
    (
        "bad datetime attribute",
        {
            "service_code": "tip-narko",
            "attribute[naer-skole]": "ja",
            "attribute[tidspunkt]": "i går",
        },
        400,
        "W3C",
    ),
    ("unknown address", {"lat": "", "long": "", "address_string": "Et sted"}, 400, "address"),
    ("address_id not a code", {"lat": "", "long": "", "address_id": "abc"}, 400, "address_id"),
    ("unknown jurisdiction", {"jurisdiction_id": "example.com"}, 404, "jurisdiction_id"),
    (
        "jurisdiction not served",
        {"jurisdiction_id": "politi.dk/oestjyllands-politi"},
        404,
        "Østjyllands Politi",
    ),
    (
        "coordinates outside the jurisdiction's municipality",
        {"address_id": "0259"},
        400,
        "Køge",
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "change,status,contains", [b[1:] for b in BAD_POSTS], ids=[b[0] for b in BAD_POSTS]
)
def test_bad_posts_get_the_spec_error_and_store_nothing(
    client, api_key, services, fmt, change, status, contains
):
    fields = {**valid_fields(), **change}
    fields = {k: v for k, v in fields.items() if v != "" or k in change}
    assert_error(post(client, fmt, api_key=api_key, **fields), fmt, status, contains)
    assert not ServiceRequest.objects.exists()


def test_several_problems_are_reported_together(client, api_key, services):
    response = post(
        client,
        api_key=api_key,
        service_code="tip-narko",
        lat="x",
        long="12",
        email="nope",
        description="",
    )
    assert response.status_code == 400
    descriptions = " ".join(d for _, d in errors_of(response, "json"))
    for field in ("lat", "email", "description", "naer-skole"):
        assert field in descriptions


def test_a_place_can_be_given_by_address_or_municipality_code(client, api_key, services):
    by_postcode = post(
        client,
        api_key=api_key,
        **valid_fields(lat="", long="", address_string="Torvet 1, 4600 Køge"),
    )
    assert by_postcode.status_code == 201, by_postcode.content
    by_name = post(
        client, api_key=api_key, **valid_fields(lat="", long="", address_string="Stranden i Greve")
    )
    assert by_name.status_code == 201, by_name.content
    by_code = post(client, api_key=api_key, **valid_fields(lat="", long="", address_id="0265"))
    assert by_code.status_code == 201, by_code.content
    places = {
        r.municipality.code: r.place for r in ServiceRequest.objects.select_related("municipality")
    }
    assert places == {"0259": "Torvet 1, 4600 Køge", "0253": "Stranden i Greve", "0265": ""}
    other_district = post(
        client, api_key=api_key, **valid_fields(lat="", long="", address_string="8000 Aarhus C")
    )
    assert_error(other_district, "json", 400, "Østjyllands Politi")


def test_jurisdiction_id_of_the_district_is_accepted(client, api_key, services):
    response = post(client, api_key=api_key, jurisdiction_id=JURISDICTION, **valid_fields())
    assert response.status_code == 201, response.content
    listed = get(client, "requests", "json", jurisdiction_id=JURISDICTION).json()
    assert len(listed) == 1


def test_a_place_outside_the_jurisdiction_is_refused_and_nothing_is_stored(
    client, api_key, services, settings
):
    # Nordjyllands Politi receives requests too, and Aalborg is in its district.
    settings.TRYGHED_SERVED_DISTRICTS = [8, 1]
    aalborg = {"lat": "57.0480", "long": "9.9187"}
    response = post(
        client,
        api_key=api_key,
        jurisdiction_id=JURISDICTION,
        **valid_fields(**aalborg),
    )
    assert_error(response, "json", 400, "not in the jurisdiction")
    assert "Nordjyllands Politi" in response.json()[0]["description"]
    assert not ServiceRequest.objects.exists()
    accepted = post(
        client,
        api_key=api_key,
        jurisdiction_id="politi.dk/nordjyllands-politi",
        **valid_fields(**aalborg),
    )
    assert accepted.status_code == 201, accepted.content
    assert ServiceRequest.objects.get().district.number == 1


def test_media_url_is_not_fetched_and_the_client_is_told(client, api_key, services):
    response = post(
        client, api_key=api_key, media_url="http://127.0.0.1:1/photo.jpg", **valid_fields()
    )
    assert response.status_code == 201
    assert "media_url" in response.json()[0]["service_notice"]
    assert not ServiceRequest.objects.get().photos.exists()


def test_a_body_too_large_is_refused(client, api_key, services):
    response = post(client, api_key=api_key, **valid_fields(filler="x" * 70_000))
    assert_error(response, "json", 413)
    assert not ServiceRequest.objects.exists()


# GET requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_list_shows_the_last_90_days_newest_first(client, services, fmt):
    now = timezone.now()
    old, _ = submit(services["party"], when=now - timedelta(days=91))
    older, _ = submit(services["party"], when=now - timedelta(days=10))
    newer, _ = submit(services["other"], when=now - timedelta(days=1))
    response = get(client, "requests", fmt)
    assert response.status_code == 200
    records = request_records(response, fmt)
    assert [r["service_request_id"] for r in records] == [newer.reference, older.reference]
    record = records[0]
    assert set(record) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert record["status"] == "open"
    assert record["service_code"] == "gene-andet"
    assert record["description"] == "Fest ved søen"
    assert record["agency_responsible"] == "Lokalpolitiet Roskilde, Roskilde Kommune"
    assert W3C.match(record["requested_datetime"]) and W3C.match(record["updated_datetime"])
    assert record["requested_datetime"].endswith(("+01:00", "+02:00"))
    assert not record["expected_datetime"]
    assert float(record["lat"]) == 55.6425 and float(record["long"]) == 12.0803
    assert record["address"] == "Roskilde"


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_status_service_and_dates(client, services, fmt):
    now = timezone.now()
    party_open, _ = submit(services["party"], when=now - timedelta(days=2))
    party_closed, _ = submit(services["party"], when=now - timedelta(days=3))
    other, _ = submit(services["other"], when=now - timedelta(days=40))
    close(party_closed)

    def ids(**params):
        response = get(client, "requests", fmt, **params)
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in request_records(response, fmt)]

    assert ids(status="closed") == [party_closed.reference]
    assert ids(status="open") == [party_open.reference, other.reference]
    assert ids(status="open,closed") == [
        party_open.reference,
        party_closed.reference,
        other.reference,
    ]
    assert ids(service_code="gene-andet") == [other.reference]
    assert ids(service_code="gene-fest", status="open") == [party_open.reference]
    assert ids(service_code="gene-fest,gene-andet") == ids()
    start = timezone.localtime(now - timedelta(days=50)).isoformat(timespec="seconds")
    end = timezone.localtime(now - timedelta(days=30)).isoformat(timespec="seconds")
    assert ids(start_date=start, end_date=end) == [other.reference]
    assert ids(start_date=start) == ids()
    day_before_yesterday = (now - timedelta(days=2, hours=1)).astimezone().isoformat()
    assert ids(start_date=day_before_yesterday) == [party_open.reference]
    assert ids(end_date=timezone.localtime(now - timedelta(days=35)).isoformat()) == [
        other.reference
    ]
    # In UTC too, as the spec allows.
    utc_end = (now - timedelta(days=35)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(end_date=utc_end) == [other.reference]


@pytest.mark.parametrize("fmt", FORMATS)
def test_several_ids_override_the_other_filters(client, services, fmt):
    now = timezone.now()
    a, _ = submit(services["party"], when=now - timedelta(days=200))
    b, _ = submit(services["other"])
    c, _ = submit(services["other"])
    response = get(
        client,
        "requests",
        fmt,
        service_request_id=f"{a.reference}, {c.reference},FINDES-IKKE",
        status="closed",
    )
    assert response.status_code == 200
    assert [r["service_request_id"] for r in request_records(response, fmt)] == [
        c.reference,
        a.reference,
    ]


BAD_SEARCHES = [
    ({"start_date": "i går"}, "start_date"),
    ({"end_date": "2026-13-45"}, "end_date"),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
    ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "before"),
    ({"status": "pending"}, "status"),
    ({"service_code": "findes-ikke"}, "findes-ikke"),
    ({"end_date": "0001-01-01T00:00:00+14:00"}, "end_date"),
    ({"start_date": "9999-12-31T00:00:00Z"}, "range"),
    ({"service_request_id": "a\x00b"}, "service_request_id"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("params,contains", BAD_SEARCHES)
def test_bad_filters_are_400(client, services, fmt, params, contains):
    assert_error(get(client, "requests", fmt, **params), fmt, 400, contains)


def test_unknown_jurisdiction_is_404(client, services):
    assert_error(get(client, "requests", "xml", jurisdiction_id="example.org"), "xml", 404)
    assert_error(get(client, "services", "json", jurisdiction_id="example.org"), "json", 404)


def test_the_list_stops_at_1000_newest(client, services):
    service = services["other"]
    base = timezone.now() - timedelta(days=5)
    rows = ServiceRequest.objects.bulk_create(
        ServiceRequest(
            token_hash=hash_token(f"t{i}"),
            service=service,
            description="x",
        )
        for i in range(1001)
    )
    for i, row in enumerate(rows):
        row.reference = f"GENE-2026-{i:06d}"
        row.submitted_at = base + timedelta(minutes=i)
    ServiceRequest.objects.bulk_update(rows, ["reference", "submitted_at"])
    listed = get(client, "requests", "json").json()
    assert len(listed) == 1000
    assert listed[0]["service_request_id"] == "GENE-2026-001000"
    assert listed[-1]["service_request_id"] == "GENE-2026-000001"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_by_its_id(client, services, secretariat, fmt):
    request, _ = submit(services["party"])
    Message.objects.create(request=request, kind=Message.Kind.PUBLIC_REPLY, body="Vi kommer forbi")
    Message.objects.create(
        request=request, kind=Message.Kind.PUBLIC_REPLY, body="Patruljen har været der"
    )
    Message.objects.create(
        request=request, kind=Message.Kind.INTERNAL_NOTE, body="Kendt adresse, intern"
    )
    response = get(client, f"requests/{request.reference}", fmt)
    assert response.status_code == 200
    (record,) = request_records(response, fmt)
    assert record["service_request_id"] == request.reference
    assert record["status_notes"] == "Patruljen har været der"
    assert "intern" not in response.content.decode()
    close(request)
    (record,) = request_records(get(client, f"requests/{request.reference}", fmt), fmt)
    assert record["status"] == "closed"
    assert_error(get(client, "requests/GENE-2026-999999", fmt), fmt, 404, "GENE-2026-999999")


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_request_id(client, api_key, services, fmt):
    answer = post(client, api_key=api_key, **valid_fields()).json()[0]
    response = get(client, f"tokens/{answer['token']}", fmt)
    assert response.status_code == 200
    (record,) = request_records(response, fmt)
    assert record == {"service_request_id": answer["service_request_id"], "token": answer["token"]}
    assert_error(get(client, "tokens/unknown-token", fmt), fmt, 404)


def test_spam_is_not_listed_and_duplicates_only_by_id(client, services):
    original, _ = submit(services["party"])
    spam, _ = submit(services["party"], description="Køb billige ure på example.com")
    duplicate, _ = submit(services["party"])
    ServiceRequest.objects.filter(pk=spam.pk).update(is_spam=True)
    ServiceRequest.objects.filter(pk=duplicate.pk).update(duplicate_of=original)
    listed = [r["service_request_id"] for r in get(client, "requests", "json").json()]
    assert listed == [original.reference]
    (record,) = get(client, f"requests/{duplicate.reference}", "json").json()
    assert original.reference in record["status_notes"]
    (record,) = get(client, f"requests/{spam.reference}", "json").json()
    assert record["status"] == "closed" and record["description"] == ""
    assert "billige ure" not in get(client, f"requests/{spam.reference}", "xml").content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_resources_formats_and_methods_answer_in_the_spec_format(client, services, fmt):
    assert_error(client.get(f"{BASE}nothing.{fmt}"), fmt, 404)
    assert_error(client.get(f"{BASE}services.html"), "xml", 404)
    response = client.delete(f"{BASE}requests.{fmt}", headers={"Accept-Language": "da"})
    # In Danish throughout, not with an English "or".
    assert_error(response, fmt, 405, "DELETE er ikke tilladt her; brug GET eller POST.")
    assert "POST" in response["Allow"]
    assert_error(client.post(f"{BASE}services.{fmt}"), fmt, 405)


# Privacy


def test_no_personal_data_in_any_get_response(client, api_key, services):
    """Every GET resource, in both formats, for every kind of request, including text in which
    the reporter wrote their own details."""
    references, tokens = [], []
    for code in ("tip-narko", "gene-fest", "betjent-foredrag"):
        text = (
            "Jeg hedder Ingeborg Mikkelsen-Toft, ring på 61 23 45 67 eller skriv til "
            "ingeborg.toft@example.dk. Unge sælger hash bag hallen."
        )
        response = post(
            client,
            api_key=api_key,
            **valid_fields(code, description=text, address_string="Ingeborgs have", **REPORTER),
        )
        assert response.status_code == 201, response.content
        references.append(response.json()[0]["service_request_id"])
        tokens.append(response.json()[0]["token"])
    for request in ServiceRequest.objects.all():
        Message.objects.create(
            request=request,
            kind=Message.Kind.PUBLIC_REPLY,
            body="Kære Ingeborg Mikkelsen-Toft, tak for din henvendelse.",
        )

    bodies = []
    for fmt in FORMATS:
        bodies.append(get(client, "requests", fmt))
        bodies.append(get(client, "requests", fmt, service_request_id=",".join(references)))
        bodies += [get(client, f"requests/{ref}", fmt) for ref in references]
        bodies += [get(client, f"tokens/{token}", fmt) for token in tokens]
        bodies += [get(client, "services", fmt), get(client, "discovery", fmt)]
    for response in bodies:
        assert response.status_code == 200
        text = response.content.decode()
        for personal in PERSONAL:
            assert personal not in text, (response.request["PATH_INFO"], personal)

    records = {r["service_code"]: r for r in get(client, "requests", "json").json()}
    tip = records["tip-narko"]
    assert tip["description"] == "" and tip["status_notes"] == ""
    assert tip["lat"] is None and tip["long"] is None
    assert tip["address"] == "Roskilde"
    party = records["gene-fest"]
    assert "Unge sælger hash bag hallen" in party["description"]
    assert party["status_notes"].startswith("Kære [")
    assert party["lat"] == 55.6425


@pytest.mark.parametrize(
    "content_type,payload",
    [
        ("multipart/form-data", b"--x\r\n"),
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n"),
        ("application/json", b'{"api_key": "tg_x"}'),
        ("application/x-www-form-urlencoded", b"%ff%fe=%00&api_key=%ZZ"),
    ],
)
def test_bodies_that_are_not_forms_are_refused_in_the_spec_format(
    client, services, content_type, payload
):
    response = client.post(f"{BASE}requests.xml", payload, content_type=content_type)
    assert response.status_code in (400, 403, 415)
    errors_of(response, "xml")
    assert not ServiceRequest.objects.exists()


def test_a_form_that_is_not_utf8_is_refused_rather_than_stored_garbled(client, api_key, services):
    body = urlencode(valid_fields(), encoding="utf-8").encode() + b"&first_name=%FF"
    body = body.replace(b"description=", b"description=H\xc3\xa6rv\xc3\xa6rk+\xff+")
    response = client.post(
        f"{BASE}requests.json", body, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, "json", 400, "UTF-8")
    for charset in ("latin-1", "utf-16"):
        response = client.post(
            f"{BASE}requests.xml",
            urlencode({"api_key": api_key, **valid_fields()}).encode(),
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert_error(response, "xml", 400, "UTF-8")
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_escaped_bytes_that_are_not_utf8_are_refused_by_name(client, api_key, services, fmt):
    body = urlencode({"api_key": api_key, **valid_fields()}) + "&first_name=J%F8rgen"
    response = client.post(
        f"{BASE}requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, fmt, 400, "first_name must be encoded as UTF-8")
    assert not ServiceRequest.objects.exists()


def test_a_json_or_chunked_body_is_told_to_be_a_form(client, api_key, services):
    response = client.post(
        f"{BASE}requests.json",
        json.dumps({"api_key": api_key, **valid_fields()}),
        content_type="application/json",
    )
    assert_error(response, "json", 415, "application/x-www-form-urlencoded")
    response = client.generic(
        "POST",
        f"{BASE}requests.json",
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert_error(response, "json", 411, "Content-Length")
    assert not ServiceRequest.objects.exists()


def test_an_api_key_in_the_address_is_refused(client, api_key, services):
    response = client.post(f"{BASE}requests.json?api_key={api_key}", valid_fields())
    assert_error(response, "json", 400, "api_key")
    assert not ServiceRequest.objects.exists()


@pytest.mark.parametrize("path", ["requests/%00.json", "services/%00.xml", "requests/a%01b.xml"])
def test_control_characters_in_a_resource_path_are_not_found(client, services, path):
    response = client.get(BASE + path)
    assert_error(response, path.rsplit(".", 1)[1], 404)


def test_a_90_day_window_across_the_clock_change_is_accepted(client, services):
    # 1 September to 30 November is 90 days on the calendar and 90 days and an hour of time.
    ok = get(client, "requests", "json", start_date="2026-09-01", end_date="2026-11-30")
    assert ok.status_code == 200, ok.content
    too_long = get(client, "requests", "json", start_date="2026-09-01", end_date="2026-11-30T01:00")
    assert_error(too_long, "json", 400, "90")


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"start_date": "2026-03-01"},
        {"end_date": "2026-05-01"},
        {"start_date": "2026-03-29T01:30:00Z"},
        {"end_date": "2026-10-25T02:30:00+02:00"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_window_the_server_completes_across_a_clock_change_is_accepted(
    client, services, monkeypatch, params, fmt
):
    # In May the last 90 days reach back across the spring clock change: 90 days on the
    # calendar, an hour short of 90 times 24 hours.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 5, 15, 12, tzinfo=UTC))
    response = get(client, "requests", fmt, **params)
    assert response.status_code == 200, response.content


def test_an_offset_whose_plus_arrived_as_a_space_is_read(client, services):
    submit(Service.objects.get(code="gene-fest"), when=timezone.now() - timedelta(days=1))
    day = timezone.localdate() - timedelta(days=1)
    response = client.get(f"{BASE}requests.json?start_date={day}T00:00:00+01:00")
    assert response.status_code == 200, response.content
    assert len(response.json()) == 1


def test_a_cors_preflight_is_answered(client, services):
    response = client.options(f"{BASE}requests.json")
    assert response.status_code == 204
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_reporter_is_blanked_out_however_they_wrote_themselves(client, api_key, services):
    reporter = {
        "first_name": "Ingeborg",
        "last_name": "Skovgaard-Møller",
        "email": "ingeborg.sm@example.org",
        "phone": "+45 87 65 43 21",
    }
    text = (
        "Fru Skovgaard og Møller bor her. Ring 87 65 43 21, (87) 65 43 21, 8765-4321, "
        "+4587654321 eller 87/65/43/21, eller skriv til Ingeborg.SM (at) example.org. "
        "Bus 12 kører kl. 21."
    )
    response = post(client, api_key=api_key, **valid_fields(description=text, **reporter))
    assert response.status_code == 201, response.content
    shown = get(client, "requests", "json").json()[0]["description"]
    for personal in ("Skovgaard", "Møller", "87", "65 43", "4321", "Ingeborg", ".SM", "+"):
        assert personal not in shown, shown
    assert "Bus 12 kører kl. 21." in shown


def test_a_worker_rereads_services_and_keys_after_the_memo_ttl(
    client, api_key, services, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock[0])
    assert post(client, api_key=api_key, **valid_fields("gene-fest")).status_code == 201
    Service.objects.filter(code="gene-fest").update(active=False)
    ApiClient.objects.update(active=False)
    # Within the TTL the worker still has both in memory ...
    assert post(client, api_key=api_key, **valid_fields("gene-fest")).status_code == 201
    clock[0] += memo.TTL + 1
    # ... and after it reads them again.
    assert_error(post(client, api_key=api_key, **valid_fields("gene-fest")), "json", 403)
    ApiClient.objects.update(active=True)
    assert_error(post(client, api_key=api_key, **valid_fields("gene-fest")), "json", 404)
    # The service definition is never served from memory.
    assert_error(get(client, "services/gene-fest", "json"), "json", 404)


def test_memo_forgets_nothing_it_did_not_find_and_stays_bounded():
    found = memo.Memo(ttl=60, max_entries=3)
    calls = []
    assert found.get("a", lambda: calls.append("a")) is None
    assert found.get("a", lambda: calls.append("a")) is None
    assert calls == ["a", "a"]
    for key in "bcde":
        found.get(key, lambda k=key: k.upper())
    assert len(found._entries) <= 3
    assert found.get("e", lambda: "other") == "E"
