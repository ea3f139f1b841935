"""Fuzzing Open311: arbitrary form fields, values and attribute keys for POST requests, and
arbitrary filters for GET requests. No input may cause a server error; a request is stored
exactly when the answer says it was, and every refusal uses the spec's error format."""

import json
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.test_open311 import make_services, valid_fields
from tryghed.open311 import keys, memo
from tryghed.servicedesk.models import ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memo():
    """Each test's database has its own services and keys; a worker's memory of another
    test's rows would outlive them."""
    memo.forget_all()


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text as a form can carry it: any character but lone surrogates, which UTF-8 cannot encode.
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
VALID_CODES = ["tip-narko", "gene-fest", "gene-andet", "betjent-foredrag"]
codes = st.sampled_from([*VALID_CODES, "gammel", "", "x"])
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(min_value=-200, max_value=200, places=6).map(str),
    st.sampled_from(["55.6425", "12.0803", "56.1572", "10.2107", "-0", "1e400", "0x10", "١٢"]),
)
dates = st.one_of(
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    st.dates().map(str),
    st.sampled_from(["2026", "2026-07", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]),
    any_text,
)
attribute_keys = st.one_of(
    st.sampled_from(["naer-skole", "tidspunkt", "antal", "emner", "organisation", ""]),
    any_text,
).flatmap(
    lambda code: st.sampled_from([f"attribute[{code}]", f"attribute[{code}][]", f"attribute{code}"])
)
known_fields = {
    "service_code": codes,
    "lat": numbers,
    "long": numbers,
    "address_string": st.one_of(any_text, st.sampled_from(["4600 Køge", "Greve", "8000"])),
    "address_id": st.one_of(any_text, st.sampled_from(["0265", "0751", "9999"])),
    "description": st.one_of(any_text, st.just("x" * 4001)),
    "email": st.one_of(any_text, st.emails().map(str)),
    "phone": any_text,
    "first_name": any_text,
    "last_name": any_text,
    "media_url": any_text,
    "jurisdiction_id": st.one_of(any_text, st.just("politi.dk/midt-og-vestsjaellands-politi")),
    "account_id": any_text,
    "device_id": any_text,
}
values = st.one_of(
    any_text,
    numbers,
    dates,
    st.sampled_from(["ja", "nej", "indbrud", "svindel", "12"]),
    st.lists(any_text, min_size=2, max_size=3),
)


@st.composite
def post_bodies(draw):
    """Half the time a valid request, then changed: fields dropped, replaced by arbitrary
    values, and arbitrary fields and attribute keys added."""
    fields = {}
    if draw(st.booleans()):
        fields = valid_fields(draw(st.sampled_from(VALID_CODES)))
    for name in draw(st.lists(st.sampled_from(sorted(known_fields)), max_size=4, unique=True)):
        if name in fields and draw(st.booleans()):
            del fields[name]
        else:
            fields[name] = draw(known_fields[name])
    for key in draw(st.lists(st.one_of(attribute_keys, any_text), max_size=3)):
        fields[key] = draw(values)
    return fields


def assert_spec_errors(response, fmt):
    if fmt == "json":
        data = json.loads(response.content)
        assert isinstance(data, list) and data
        assert all(
            set(e) == {"code", "description"} and e["code"] == response.status_code for e in data
        )
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors" and len(root)
        assert all(int(e.findtext("code")) == response.status_code for e in root)


@pytest.fixture
def key(reference):
    make_services()
    return keys.create_client("Fuzz", by=None)[1]


@FUZZ
@given(
    fields=post_bodies(),
    key_choice=st.sampled_from(["valid", "missing", "wrong"]),
    fmt=st.sampled_from(["json", "xml"]),
    encoding=st.sampled_from(["urlencoded", "multipart"]),
)
def test_post_never_fails_and_stores_only_what_it_acknowledges(
    key, fields, key_choice, fmt, encoding
):
    if key_choice == "valid":
        fields["api_key"] = key
    elif key_choice == "wrong":
        fields["api_key"] = "tg_" + "A" * 43
    client = Client()
    before = ServiceRequest.objects.count()
    url = f"/open311/v2/requests.{fmt}"
    if encoding == "urlencoded":
        response = client.post(
            url,
            urlencode(fields, doseq=True),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        # The test client cannot write a field name with a quote or a line break in a
        # multipart body; those names go through the urlencoded variant.
        fields = {k: v for k, v in fields.items() if not set(k) & set('"\r\n')}
        response = client.post(url, fields)
    assert response.status_code < 500, response.content
    event(f"status {response.status_code}")
    stored = ServiceRequest.objects.count() - before
    if response.status_code in (200, 201):
        assert stored == 1
        if fmt == "json":
            reference = response.json()[0]["service_request_id"]
        else:
            reference = ElementTree.fromstring(response.content).findtext(
                "request/service_request_id"
            )
        assert ServiceRequest.objects.filter(reference=reference).exists()
    else:
        assert stored == 0
        assert 400 <= response.status_code < 500
        assert_spec_errors(response, fmt)


filter_values = st.one_of(
    any_text,
    dates,
    st.sampled_from(["open", "closed", "open,closed", "OPEN", ",", "tip-narko,gene-fest"]),
    st.lists(st.sampled_from(["GENE-2026-000001", "TIP-2026-000002", "", "x"]), max_size=5).map(
        ",".join
    ),
)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "jurisdiction_id",
            ]
        ),
        filter_values,
        max_size=5,
    ),
    fmt=st.sampled_from(["json", "xml"]),
    resource=st.sampled_from(["requests", "services", "services/tip-narko", "discovery"]),
)
def test_get_filters_never_fail(key, params, fmt, resource):
    response = Client().get(f"/open311/v2/{resource}.{fmt}", params)
    assert response.status_code < 500, response.content
    if response.status_code == 200:
        if fmt == "json":
            json.loads(response.content)
        else:
            ElementTree.fromstring(response.content)
    else:
        assert response.status_code in (400, 404)
        assert_spec_errors(response, fmt)
