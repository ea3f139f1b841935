"""Routing citizen requests: the place decides the municipality, the service the queues."""

import pytest

from tryghed.servicedesk import actions, routing
from tryghed.servicedesk.models import Handling, Kind, Queue, Service, ServiceRequest

pytestmark = pytest.mark.django_db

ROSKILDE = (55.6425, 12.0803)
AARHUS = (56.1572, 10.2107)


@pytest.fixture
def drug_tip(reference):
    return Service.objects.create(
        code="tip-narko", kind=Kind.TIP, name="Handel med narkotika", to_police=True
    )


@pytest.fixture
def park_party(reference):
    return Service.objects.create(
        code="gene-fest",
        kind=Kind.NUISANCE,
        name="Fest i park",
        to_police=True,
        to_municipality=True,
    )


def test_a_tip_goes_to_the_local_police_of_the_place(drug_tip):
    request, token = actions.submit_request(
        drug_tip, description="Salg ved skolen", lat=ROSKILDE[0], lon=ROSKILDE[1]
    )
    assert request.municipality.code == "0265"
    assert request.district.number == 8
    assert request.reference.startswith("TIP-")
    assert request.check_token(token) and not request.check_token(token + "x")
    assert [h.queue.owner for h in request.handlings.all()] == [Queue.Owner.POLICE]


def test_nuisance_in_a_park_reaches_police_and_municipality_each_with_own_status(park_party):
    request, _ = actions.submit_request(
        park_party, description="Fest", lat=ROSKILDE[0], lon=ROSKILDE[1]
    )
    handlings = request.handlings.select_related("queue").order_by("queue__owner")
    assert {h.queue.owner for h in handlings} == {Queue.Owner.POLICE, Queue.Owner.MUNICIPALITY}
    assert {h.status for h in handlings} == {Handling.Status.NEW}
    assert request.reference.startswith("GENE-")


def test_a_place_in_another_district_is_refused_naming_that_district(drug_tip):
    with pytest.raises(routing.RoutingError, match="Østjyllands Politi"):
        actions.submit_request(drug_tip, description="x", lat=AARHUS[0], lon=AARHUS[1])
    assert not ServiceRequest.objects.exists()


def test_coordinates_that_contradict_the_chosen_municipality_are_refused(drug_tip, koege):
    with pytest.raises(routing.RoutingError):
        actions.submit_request(
            drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1], municipality=koege
        )
    assert not ServiceRequest.objects.exists()
