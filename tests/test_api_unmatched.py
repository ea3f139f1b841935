"""An address under /api/v1/ that names no endpoint answers like the API's other 404s: JSON in
the reader's language, not the site's HTML page; the real endpoints, the documentation and the
slash-appending redirect stay as they were."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

API = "/api/v1"
NO_SUCH_RECORD = "There is no such record, or you may not see it."

UNMATCHED = [
    ("get", "/nothing-here"),
    ("get", "/nothing-here/"),
    ("post", "/plans/abc/x"),
    ("get", "/locate/"),
    ("get", "/docs/"),
    ("delete", "/councils/1/members/2"),
    ("get", "/"),
]


def assert_api_404(response, message):
    assert response.status_code == 404, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": message}


@pytest.mark.parametrize(("method", "path"), UNMATCHED)
def test_an_unmatched_address_is_the_apis_404_in_english(method, path, koege_officer, client_for):
    response = getattr(client_for(koege_officer, language="en"), method)(API + path)
    assert_api_404(response, NO_SUCH_RECORD)


@pytest.mark.parametrize(("method", "path"), UNMATCHED)
def test_an_unmatched_address_is_danish_by_default(method, path, koege_officer, client_for):
    with translation.override("da"):
        danish = gettext(NO_SUCH_RECORD)
    assert danish != NO_SUCH_RECORD
    assert_api_404(getattr(client_for(koege_officer), method)(API + path), danish)


def test_an_unmatched_address_is_404_for_a_script_without_a_session(reference):
    response = Client(headers={"accept-language": "en"}).post(
        f"{API}/plans/abc/x", data="{}", content_type="application/json"
    )
    assert_api_404(response, NO_SUCH_RECORD)


def test_an_unmatched_address_answers_as_a_missing_record_does(koege_officer, client_for, plan):
    client = client_for(koege_officer, language="en")
    missing = client.get(f"{API}/plans/999999")
    unmatched = client.get(f"{API}/plans/999999/nothing")
    assert unmatched.status_code == missing.status_code == 404
    assert unmatched.json() == missing.json()


def test_the_real_addresses_are_not_shadowed(koege_officer, client_for, plan):
    client = client_for(koege_officer, language="en")
    assert client.get(f"{API}/plans/").status_code == 200
    assert client.get(f"{API}/plans/{plan.pk}").status_code == 200
    assert client.get(f"{API}/openapi.json").json()["info"]["version"] == "1"
    assert "swagger-ui" in client.get(f"{API}/docs").content.decode()
    response = client.get(f"{API}/plans")  # CommonMiddleware still appends the slash
    assert response.status_code == 301
    assert response["Location"] == f"{API}/plans/"


@pytest.mark.parametrize("path", ["/no-such-page/", "/api/v2/plans/", "/api/v1x/"])
def test_outside_the_api_a_missing_page_is_still_the_sites_html(path, reference):
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert 'class="solution-heading"' in response.content.decode()
