"""A submission's write outside any test transaction, as the web server makes it, with its
rows made before the write lock and numbered under it: all of it is stored, or nothing is."""

from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections
from django.test import Client

from tryghed.guarantees import counts, rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.models import ComplianceCount, Deadline
from tryghed.open311 import keys, memo
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Handling, Service, ServiceRequest

pytestmark = pytest.mark.django_db(transaction=True)

KOEGE = (55.4581, 12.1822)


@pytest.fixture
def services(reference):
    call_command("load_services", verbosity=0)
    load_guarantees()
    rules.forget()
    memo.forget_all()
    yield
    rules.forget()
    memo.forget_all()


@pytest.fixture
def api_key(services):
    _client, key = keys.create_client("Borgerapp", by=None)
    return key


def post(key, code, **attributes):
    fields = {
        "api_key": key,
        "service_code": code,
        "lat": KOEGE[0],
        "long": KOEGE[1],
        "description": "Der bliver solgt hash ved skolen hver eftermiddag",
    }
    fields.update({f"attribute[{name}]": value for name, value in attributes.items()})
    return Client(headers={"accept-language": "en"}).post("/open311/v2/requests.json", fields)


def test_a_submission_is_stored_whole_with_its_handlings_deadline_and_counts(api_key):
    response = post(api_key, "tip-narkotika", **{"naer-skole": "ja"})
    assert response.status_code == 201, response.content
    reference = response.json()[0]["service_request_id"]
    request = ServiceRequest.objects.get(reference=reference)
    assert reference.endswith(f"-{request.pk:06d}")
    assert request.municipality.code == "0259"
    assert Handling.objects.filter(request=request).count() == 1
    deadline = Deadline.objects.get(service_request=request)
    assert deadline.started_at == request.submitted_at
    assert deadline.municipality_id == request.municipality_id
    assert counts.direct() == {
        (c.guarantee_id, c.district_id, c.municipality_id, c.month): (c.met, c.missed, c.running)
        for c in ComplianceCount.objects.all()
    }

    response = post(api_key, "gene-unges-fester", stedtype="park")
    assert response.status_code == 201, response.content
    nuisance = ServiceRequest.objects.get(reference=response.json()[0]["service_request_id"])
    # Both the local police and the municipality receive a nuisance report.
    assert Handling.objects.filter(request=nuisance).count() == 2
    assert nuisance.pk > request.pk


def test_a_write_that_fails_stores_nothing_and_the_next_one_succeeds(services):
    service = Service.objects.get(code="tip-narkotika")
    prepare = actions._insert_handling.prepare

    def twice(objs, **kwargs):
        # The same queue twice breaks the handlings' uniqueness in the last INSERT.
        objs = list(objs)
        return prepare(objs + [Handling(queue=objs[0].queue)], **kwargs)

    submission = {
        "description": "Salg af hash ved skolen",
        "lat": KOEGE[0],
        "lon": KOEGE[1],
        "details": {"naer-skole": "ja"},
    }
    with (
        mock.patch.object(actions._insert_handling, "prepare", twice),
        pytest.raises(IntegrityError),
    ):
        actions.submit_request(service, **submission)
    assert not ServiceRequest.objects.exists()
    assert not Handling.objects.exists()
    assert not Deadline.objects.exists()
    assert not ComplianceCount.objects.filter(running__gt=0).exists()

    request, _token = actions.submit_request(service, **submission)
    assert ServiceRequest.objects.get() == request
    assert Handling.objects.filter(request=request).count() == 1
    assert Deadline.objects.filter(service_request=request).count() == 1
    assert ComplianceCount.objects.get().running == 1


def test_submissions_one_after_another_as_the_web_server_serves_them(api_key):
    # The test client leaves out what a server does around every request: Django's
    # request_started and request_finished handlers check the kept database connection.
    answers = [
        ("tip-narkotika", {"naer-skole": "ja"}),
        ("gene-unges-fester", {"stedtype": "strand"}),
        ("tip-andet", {}),
    ]
    references = []
    for n in range(45):
        code, attributes = answers[n % len(answers)]
        close_old_connections()
        response = post(api_key, code, **attributes)
        close_old_connections()
        assert response.status_code == 201, (n, response.content)
        references.append(response.json()[0]["service_request_id"])
    assert ServiceRequest.objects.filter(reference__in=references).count() == 45
    assert Deadline.objects.count() == 15
