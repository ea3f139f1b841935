"""The staff API under /api/v1/, through the HTTP interface as each persona."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tryghed.audit.models import AuditEntry
from tryghed.incidents.models import Incident
from tryghed.organisation.models import CouncilMembership, Person
from tryghed.plans.models import Initiative, ProgressUpdate

pytestmark = pytest.mark.django_db


API = "/api/v1"


@pytest.fixture
def api_as(client_for):
    return client_for


@pytest.fixture
def tree(plan):
    return {i.external_id: i for i in Initiative.objects.filter(plan=plan)}


def post_progress(client, initiative, body, **extra):
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        f"{API}/initiatives/{initiative.pk}/progress",
        data=raw,
        content_type="application/json",
        **extra,
    )


# Authentication ------------------------------------------------------------------------------


def test_openapi_document_is_served(reference):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["version"] == "1"
    paths = document["paths"]
    for path in (
        "/api/v1/districts/",
        "/api/v1/municipalities/",
        "/api/v1/councils/",
        "/api/v1/councils/{council_id}",
        "/api/v1/plans/",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/initiatives",
        "/api/v1/initiatives/{initiative_id}",
        "/api/v1/initiatives/{initiative_id}/progress",
        "/api/v1/locate",
    ):
        assert path in paths, path
    body = paths["/api/v1/initiatives/{initiative_id}/progress"]["post"]["requestBody"]
    assert body["content"]["application/json"]


@pytest.mark.parametrize(
    "path", ["/districts/", "/councils/", "/plans/", "/locate?lat=55.6&lon=12.1"]
)
def test_anonymous_gets_401_not_a_login_page(path, reference):
    response = Client(headers={"accept-language": "en"}).get(API + path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "Sign in first: the API takes the back office's session cookie."
    }


def test_anonymous_cannot_record_progress(tree):
    response = post_progress(Client(), tree["T-1.1"], {"progress": 10, "status": "in_progress"})
    assert response.status_code == 401
    assert not ProgressUpdate.objects.exists()


def test_writes_need_the_csrf_token(koege_officer, tree):
    client = Client(enforce_csrf_checks=True)
    client.force_login(koege_officer)
    body = {"progress": 10, "status": "in_progress"}
    assert post_progress(client, tree["T-1.1"], body).status_code == 403
    client.get("/medarbejder/")  # a back-office page hands out the token, as to a browser
    token = client.cookies["csrftoken"]
    response = post_progress(client, tree["T-1.1"], body, HTTP_X_CSRFTOKEN=token.value)
    assert response.status_code == 201


@pytest.mark.parametrize("cookie", [None, "a" * 32], ids=["no-csrf-cookie", "csrf-cookie"])
def test_anonymous_writes_get_401_with_or_without_a_csrf_cookie(cookie, tree):
    # A script without a session once got 403 "CSRF check Failed" here, or 401 if it
    # happened to carry a CSRF cookie; the API's description promises 401.
    client = Client(enforce_csrf_checks=True)
    if cookie:
        client.cookies["csrftoken"] = cookie
    batch = {"source": "doegnrapport", "rows": []}
    response = client.post(f"{API}/incidents/batches", batch, content_type="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = {"progress": 10, "status": "in_progress"}
    assert post_progress(client, tree["T-1.1"], body).status_code == 401
    assert not ProgressUpdate.objects.exists()


def test_a_signed_in_write_without_the_token_says_what_is_missing(koege_officer, tree):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(koege_officer)
    response = post_progress(client, tree["T-1.1"], {"progress": 10, "status": "in_progress"})
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


# Reference data ------------------------------------------------------------------------------


def test_districts_and_municipalities(greve_staff, api_as):
    client = api_as(greve_staff)
    districts = client.get(f"{API}/districts/").json()
    assert len(districts) == 12
    assert {"number": 8, "name": "Midt- og Vestsjællands Politi"}.items() <= next(
        d for d in districts if d["number"] == 8
    ).items()
    municipalities = client.get(f"{API}/municipalities/", {"district": 8}).json()
    assert sorted(m["code"] for m in municipalities) == [
        "0253",
        "0259",
        "0265",
        "0269",
        "0306",
        "0316",
        "0326",
        "0329",
        "0336",
        "0350",
    ]
    assert all(m["district"]["number"] == 8 for m in municipalities)
    assert "boundary" not in json.dumps(municipalities)
    assert len(client.get(f"{API}/municipalities/").json()) == 99


def test_an_account_without_roles_gets_no_reference_data(outsider, api_as):
    response = api_as(outsider).get(f"{API}/districts/")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_locate(secretariat, api_as):
    client = api_as(secretariat)
    response = client.get(f"{API}/locate", {"lat": "55.6425", "lon": "12.0803"})
    assert response.status_code == 200
    assert response.json() == {
        "code": "0265",
        "name": "Roskilde",
        "district": "Midt- og Vestsjællands Politi",
        "district_id": response.json()["district_id"],
        "distance_km": 0.0,
    }
    outside = client.get(f"{API}/locate", {"lat": "52.52", "lon": "13.40"})  # Berlin
    assert outside.status_code == 404
    assert "52.52" in outside.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "100", "lon": "12"},
        {"lat": "55", "lon": "-181"},
        {"lat": "north", "lon": "12"},
        {"lat": "nan", "lon": "12"},
        {"lat": "inf", "lon": "12"},
        {"lon": "12"},
    ],
)
def test_locate_rejects_bad_numbers(params, secretariat, api_as):
    response = api_as(secretariat).get(f"{API}/locate", params)
    assert response.status_code == 422
    assert response.json()["detail"]


# Councils ------------------------------------------------------------------------------------


def test_councils_visible_to_a_municipal_user(greve_staff, api_as, councils):
    client = api_as(greve_staff)
    names = {c["name"] for c in client.get(f"{API}/councils/").json()}
    assert names == {"Kredsrådet", "Kontaktudvalget", "Lokalråd Greve"}
    assert client.get(f"{API}/councils/{councils['koege'].pk}").status_code == 404
    assert client.get(f"{API}/councils/{councils['greve'].pk}").status_code == 200
    assert client.get(f"{API}/councils/999999").status_code == 404


def test_council_with_members(koege_officer, api_as, councils, organisations):
    person = Person.objects.create(name="Marie Stærmose", title="Borgmester")
    CouncilMembership.objects.create(
        council=councils["koege"],
        person=person,
        organisation=organisations["koege"],
        position="chair",
    )
    data = api_as(koege_officer).get(f"{API}/councils/{councils['koege'].pk}").json()
    assert data["municipality_code"] == "0259"
    assert data["kind"] == "local_council"
    (member,) = data["members"]
    assert member["person"]["name"] == "Marie Stærmose"
    assert member["organisation"]["name"] == "Køge Kommune"
    assert member["position"] == "chair"
    assert data["former_members"] == []


@pytest.mark.parametrize("who", ["foreign_secretariat", "outsider"])
def test_councils_of_another_district_are_invisible(who, personas, api_as, councils):
    client = api_as(personas[who])
    assert client.get(f"{API}/councils/").json() == []
    assert client.get(f"{API}/councils/{councils['kredsraad'].pk}").status_code == 404


# Plans ---------------------------------------------------------------------------------------


def test_plans_and_focus_areas(council_member, api_as, plan):
    client = api_as(council_member)
    (listed,) = client.get(f"{API}/plans/").json()
    assert listed["year"] == 2023 and listed["progress"] == 0
    detail = client.get(f"{API}/plans/{plan.pk}").json()
    assert [a["slug"] for a in detail["focus_areas"]] == ["indbrud"]
    assert detail["foreword"] == "Forord"


@pytest.mark.parametrize("who", ["foreign_secretariat", "outsider"])
def test_plans_of_another_district_are_invisible(who, personas, api_as, tree, plan):
    client = api_as(personas[who])
    assert client.get(f"{API}/plans/").json() == []
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 404
    assert client.get(f"{API}/plans/{plan.pk}/initiatives").status_code == 404
    assert client.get(f"{API}/initiatives/{tree['T-1.1'].pk}").status_code == 404


def test_initiatives_as_a_flat_tree(greve_staff, api_as, plan, tree):
    data = api_as(greve_staff).get(f"{API}/plans/{plan.pk}/initiatives").json()
    by_id = {i["external_id"]: i for i in data}
    assert set(by_id) == {"T-1", "T-1.1", "T-1.2"}
    assert by_id["T-1"]["parent_id"] is None
    assert by_id["T-1.1"]["parent_id"] == tree["T-1"].pk
    assert by_id["T-1.1"]["municipalities"] == ["0259"]
    assert by_id["T-1.2"]["municipalities"] == ["0253"]
    assert by_id["T-1.1"]["weight"] == 3
    assert by_id["T-1"]["status"] == "planned"


def test_initiative_list_queries_do_not_grow(secretariat, api_as, plan, tree, koege):
    client = api_as(secretariat)
    url = f"{API}/plans/{plan.pk}/initiatives"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        extra = Initiative.objects.create(
            plan=plan, focus_area=tree["T-1"].focus_area, external_id=f"X-{i}", title="X"
        )
        extra.municipalities.set([koege])
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()) == 11
    assert len(many) == len(few)


def test_initiative_detail_says_whether_it_is_editable(koege_officer, greve_staff, api_as, tree):
    url = f"{API}/initiatives/{tree['T-1.1'].pk}"
    assert api_as(koege_officer).get(url).json()["editable"] is True
    assert api_as(greve_staff).get(url).json()["editable"] is False


# Recording progress --------------------------------------------------------------------------


def test_progress_rolls_up_to_the_parent(koege_officer, api_as, tree):
    client = api_as(koege_officer)
    response = post_progress(
        client,
        tree["T-1.1"],
        {"progress": 100, "status": "completed", "text": "Alle besøgt", "date": "2023-06-01"},
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["update"]["progress"] == 100
    assert data["update"]["date"] == "2023-06-01"
    assert data["initiative"]["status"] == "completed"
    parent = client.get(f"{API}/initiatives/{tree['T-1'].pk}").json()
    assert parent["progress"] == 75
    tree["T-1"].refresh_from_db()
    assert tree["T-1"].progress == Decimal("75.00")
    entry = AuditEntry.objects.get(object_id=str(tree["T-1.1"].pk))
    assert entry.actor == koege_officer
    before, after = entry.changes["progress"]
    assert Decimal(before) == 0 and Decimal(after) == 100
    detail = client.get(f"{API}/initiatives/{tree['T-1.1'].pk}").json()
    assert detail["updates"][0]["text"] == "Alle besøgt"


def test_progress_on_another_municipalitys_initiative_is_404(greve_staff, api_as, tree):
    response = post_progress(
        api_as(greve_staff), tree["T-1.1"], {"progress": 50, "status": "in_progress"}
    )
    assert response.status_code == 404
    tree["T-1.1"].refresh_from_db()
    assert tree["T-1.1"].progress == 0
    assert not AuditEntry.objects.exists()


def test_progress_of_a_parent_is_refused_with_a_reason(secretariat, api_as, tree):
    response = post_progress(
        api_as(secretariat), tree["T-1"], {"progress": 50, "status": "in_progress"}
    )
    assert response.status_code == 400
    with translation.override("da"):
        reason = gettext("The progress of an initiative with parts is computed from its parts.")
    assert response.json()["detail"] == reason
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"progress": 150, "status": "in_progress"}, "progress"),
        ({"progress": -1, "status": "in_progress"}, "progress"),
        ({"progress": 33.333, "status": "in_progress"}, "progress"),
        ({"progress": 10, "status": "exploded"}, "status"),
        ({"progress": 10}, "status"),
        ({"progress": 10, "status": "planned", "date": "2023-02-30"}, "date"),
        ({"progress": 10, "status": "planned", "text": "a\u0000b"}, "text"),
        ({"progress": 10, "status": "planned", "text": "x" * 10_001}, "text"),
    ],
)
def test_invalid_progress_is_422_with_the_field(body, field, koege_officer, api_as, tree):
    response = post_progress(api_as(koege_officer), tree["T-1.1"], body)
    assert response.status_code == 422, response.content
    assert any(field in map(str, error["loc"]) for error in response.json()["detail"])
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        "progress=10&status=planned",
        "{not json",
        b"\xff\xfe\x00",
        "",
        "[]",
        "null",
        '"\\ud800"',
        '{"progress": 10, "status": "planned", "text": "\\udc00"}',
    ],
)
def test_bodies_that_are_not_a_progress_object_are_422(raw, koege_officer, api_as, tree):
    response = post_progress(api_as(koege_officer), tree["T-1.1"], raw)
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("path", ["progress", "batches"])
def test_a_body_nested_too_deeply_is_422_in_the_apis_own_shape(
    path, koege_officer, secretariat, client_for, tree
):
    deep = "[" * 100_000 + "]" * 100_000
    if path == "progress":
        response = post_progress(client_for(koege_officer, language="en"), tree["T-1.1"], deep)
    else:
        response = client_for(secretariat, language="en").post(
            f"{API}/incidents/batches", data=deep, content_type="application/json"
        )
    assert response.status_code == 422, response.content
    assert response.json() == {
        "detail": [
            {
                "type": "json_invalid",
                "loc": ["body"],
                "msg": "The request body is nested too deeply.",
            }
        ]
    }
    assert not ProgressUpdate.objects.exists()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["planned", "completed", "2023-05-01", "100", "1e400"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
progress_like = st.fixed_dictionaries(
    {},
    optional={
        "progress": json_values,
        "status": json_values,
        "text": json_values,
        "text_en": json_values,
        "date": json_values,
    },
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_values | progress_like)
def test_arbitrary_json_never_gives_a_server_error(body, koege_officer, api_as, tree):
    raw = json.dumps(body)  # NaN and Infinity included, as Python's parser accepts them
    response = post_progress(api_as(koege_officer), tree["T-1.1"], raw)
    assert response.status_code < 500, (raw, response.content)
    assert response.status_code in (201, 422), (raw, response.content)


def test_the_interactive_documentation_loads_nothing_from_elsewhere(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/openapi.json" in html
    assert "swagger-ui" in html
    assert "https://" not in html and "//cdn" not in html


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_progress_dated_in_the_future_or_long_ago_is_refused(koege_officer, api_as, tree, day):
    """The back office refuses such a date; an entry dated 9999 stood first on the timeline
    for good."""
    body = {"progress": 10, "status": "in_progress", "date": day}
    response = post_progress(api_as(koege_officer), tree["T-1.1"], body)
    assert response.status_code == 422
    assert not ProgressUpdate.objects.exists()


# Unknown fields and the language of errors ---------------------------------------------------

BATCH_ROW = {
    "external_id": "K-1",
    "occurred_at": "2026-07-20T17:25",
    "category": "burglary_home",
    "lat": 55.5836,
    "lon": 12.2989,
}


@pytest.mark.parametrize("field", ["dryrun", "dry-run", "dryRun"])
def test_a_misspelt_dry_run_is_refused_not_imported(field, secretariat, client_for):
    body = {"source": "api-kilde", field: True, "rows": [BATCH_ROW]}
    response = client_for(secretariat, language="en").post(
        f"{API}/incidents/batches", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    [problem] = response.json()["detail"]
    assert problem["type"] == "extra_forbidden"
    assert problem["loc"] == ["body", "payload", field]
    assert f"“{field}”" in problem["msg"]
    assert not Incident.objects.exists() and not AuditEntry.objects.exists()


def test_progress_with_an_unknown_field_is_refused(koege_officer, api_as, tree):
    body = {"progress": 40, "status": "in_progress", "dato": "2023-03-01"}
    response = post_progress(api_as(koege_officer, language="en"), tree["T-1.1"], body)
    assert response.status_code == 422, response.content
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "payload", "dato"]
    assert "“dato”" in problem["msg"]
    assert not ProgressUpdate.objects.exists() and not AuditEntry.objects.exists()


def test_every_request_body_refuses_unknown_fields_in_the_openapi_document(reference):
    schemas = Client().get(f"{API}/openapi.json").json()["components"]["schemas"]
    for name in ("ProgressIn", "IncidentBatchIn", "IncidentRowIn"):
        assert schemas[name]["additionalProperties"] is False, name


@pytest.mark.parametrize("path", ["/plans/999999", "/plans/999999/initiatives", "/councils/999999"])
def test_a_record_one_cannot_see_is_404_in_the_apis_language(path, koege_officer, api_as, plan):
    response = api_as(koege_officer, language="en").get(f"{API}{path}")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such record, or you may not see it."}
    assert api_as(koege_officer).get(f"{API}{path}").json()["detail"] != "Not Found"


def test_a_method_an_address_does_not_take_is_405_in_json(koege_officer, api_as, tree):
    client = api_as(koege_officer, language="en")
    response = client.get(f"{API}/initiatives/{tree['T-1.1'].pk}/progress")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"detail": "This address does not take GET, only POST."}
    response = client.delete(f"{API}/plans/")
    assert response.status_code == 405
    assert response.json()["detail"] == "This address does not take DELETE, only GET."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"progress": 150, "status": "planned"},
            "Ensure this value is less than or equal to 100.",
        ),
        (
            {"progress": -1, "status": "planned"},
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"progress": 33.333, "status": "planned"},
            "Ensure that there are no more than 2 decimal places.",
        ),
        ({"progress": "lots", "status": "planned"}, "Enter a number."),
        ({"progress": "NaN", "status": "planned"}, "Enter a finite number."),
        (
            {"progress": 10, "status": "exploded"},
            "Choose one of: planned, in_progress, completed, paused, cancelled.",
        ),
        ({"progress": 10}, "This field is required."),
        ({"progress": 10, "status": "planned", "date": "2023-02-30"}, None),
        ({"progress": 10, "status": "planned", "date": "9999-12-31"}, None),
        ({"progress": 10, "status": "planned", "text": 7}, "Enter text."),
        (
            {"progress": 10, "status": "planned", "text": "x" * 10_001},
            "Enter at most 10000 characters.",
        ),
        (
            {"progress": 10, "status": "planned", "text": "a\u0000b"},
            "The text must not contain NUL characters.",
        ),
        ([], "Send a JSON object."),
    ],
)
def test_validation_messages_are_the_apis_own(body, message, koege_officer, api_as, tree):
    response = post_progress(api_as(koege_officer, language="en"), tree["T-1.1"], body)
    assert response.status_code == 422, response.content
    [problem] = response.json()["detail"]
    if message is None:
        message = {
            "2023-02-30": "Enter a valid date as YYYY-MM-DD.",
            "9999-12-31": "The date cannot be in the future.",
        }[body["date"]]
    assert problem["msg"] == message
    assert problem["loc"][:2] == ["body", "payload"] and problem["type"]


def test_validation_messages_follow_the_language(koege_officer, api_as, tree):
    body = {"progress": 150, "status": "planned", "date": "9999-12-31"}
    response = post_progress(api_as(koege_officer), tree["T-1.1"], body)
    with translation.override("da"):
        expected = [
            gettext("Ensure this value is less than or equal to %(limit_value)s.")
            % {"limit_value": 100},
            gettext("The date cannot be in the future."),
        ]
    problems = response.json()["detail"]
    assert [p["msg"] for p in problems] == expected
    assert [p["type"] for p in problems] == ["less_than_equal", "value_error"]
    assert [p["loc"] for p in problems] == [
        ["body", "payload", "progress"],
        ["body", "payload", "date"],
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"dry_run": "yes"}, "Enter true or false."),
        ({"rows": []}, "Send at least 1 item."),
        ({"rows": "K-1"}, "Enter a list of values."),
        ({"source": ""}, "Enter at least 1 character."),
        ({"source": "x" * 101}, "Enter at most 100 characters."),
        ({"district": 1.5}, "Enter a whole number."),
    ],
)
def test_batch_validation_messages_are_the_apis_own(change, message, secretariat, client_for):
    body = {"source": "api-kilde", "rows": [BATCH_ROW], **change}
    response = client_for(secretariat, language="en").post(
        f"{API}/incidents/batches", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert [p["msg"] for p in response.json()["detail"]] == [message]
    assert not Incident.objects.exists()


def test_query_validation_messages_are_the_apis_own(secretariat, api_as):
    client = api_as(secretariat, language="en")
    response = client.get(f"{API}/locate", {"lat": "100", "lon": "east"})
    assert [p["msg"] for p in response.json()["detail"]] == [
        "Ensure this value is less than or equal to 90.",
        "Enter a number.",
    ]
