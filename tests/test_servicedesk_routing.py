"""Routing citizen requests: the place decides the municipality, the service the queues."""

import pytest
from django.utils import timezone

from tryghed.organisation import geo
from tryghed.organisation.models import Municipality, PostalCode
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


def test_the_reference_carries_the_request_number_which_is_never_given_twice(drug_tip):
    def submit():
        request, _ = actions.submit_request(
            drug_tip, description="Salg", lat=ROSKILDE[0], lon=ROSKILDE[1]
        )
        return request

    first, second = submit(), submit()
    year = timezone.localdate().year
    assert first.reference == f"TIP-{year}-{first.pk:06d}"
    assert ServiceRequest.objects.get(reference=second.reference) == second
    deleted = second.pk
    second.delete()
    third = submit()
    assert third.pk > deleted
    assert third.reference == f"TIP-{year}-{third.pk:06d}"


def test_a_municipality_moved_to_another_district_is_routed_by_its_new_district(
    drug_tip, other_district
):
    actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    Municipality.objects.filter(code="0265").update(district=other_district)
    with pytest.raises(routing.RoutingError, match=other_district.name):
        actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    assert ServiceRequest.objects.count() == 1


def test_a_request_is_routed_after_the_reference_data_was_reloaded_elsewhere(drug_tip):
    """A server's boundary index outlives a reload of the reference data by another process,
    which can give the municipalities new keys."""
    geo.reset_index()
    geo.locate(*ROSKILDE)
    try:
        old = Municipality.objects.values_list("pk", flat=True).get(code="0265")
        Municipality.objects.filter(pk=old).update(id=99999)
        PostalCode.objects.filter(municipality=old).update(municipality=99999)
        request, _ = actions.submit_request(
            drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1]
        )
        assert request.municipality_id == 99999
        assert [h.queue.municipality_id for h in request.handlings.all()] == [99999]
    finally:
        geo.reset_index()


def test_a_deleted_queue_is_made_again_for_the_next_request(drug_tip):
    first, _ = actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    deleted = first.handlings.get().queue_id
    first.delete()
    Queue.objects.filter(pk=deleted).delete()
    second, _ = actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    handling = second.handlings.get()
    assert handling.queue_id != deleted
    assert Queue.objects.get(pk=handling.queue_id).municipality.code == "0265"


def test_a_submission_takes_a_few_queries_and_never_reads_a_boundary(
    drug_tip, django_assert_max_num_queries
):
    actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    # The transaction (a savepoint inside the test's), numbering and confirming the route,
    # the request and its handling.
    with django_assert_max_num_queries(5) as captured:
        actions.submit_request(drug_tip, description="x", lat=ROSKILDE[0], lon=ROSKILDE[1])
    assert not any("boundary" in query["sql"] for query in captured.captured_queries)
