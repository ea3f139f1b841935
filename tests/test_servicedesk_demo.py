"""The demo district's service desk: reply templates and citizen requests in every state,
worked by the demo staff, dated back over the last weeks; loaded once."""

import dataclasses
import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tryghed.accounts.models import User
from tryghed.guarantees import counts
from tryghed.guarantees.models import ComplianceCount
from tryghed.servicedesk import demo as desk_demo
from tryghed.servicedesk.demo import REQUESTS
from tryghed.servicedesk.models import Handling, Queue, ServiceRequest


@pytest.fixture
def demo(reference):
    for command in ("load_services", "load_guarantees", "load_demo"):
        call_command(command, stdout=StringIO())


def stored_counts():
    return {
        (c.guarantee_id, c.district_id, c.municipality_id, c.month): (c.met, c.missed, c.running)
        for c in ComplianceCount.objects.all()
        if c.met or c.missed or c.running
    }


def test_the_desk_has_requests_in_every_state(demo):
    requests = ServiceRequest.objects.all()
    assert requests.count() == len(REQUESTS)
    statuses = set(Handling.objects.values_list("status", flat=True))
    assert statuses == {"new", "triaged", "in_progress", "closed"}
    assert requests.filter(is_spam=True).count() == 1
    assert requests.filter(duplicate_of__isnull=False).count() == 1
    now = timezone.now()
    dates = sorted(requests.values_list("submitted_at", flat=True))
    assert now - datetime.timedelta(days=17) < dates[0] < dates[-1] < now
    # Numbered in the order they came in, in this year.
    ordered = list(requests.order_by("submitted_at", "pk").values_list("pk", flat=True))
    assert ordered == sorted(ordered)
    assert all(
        f"-{timezone.localdate().year}-" in ref
        for ref in requests.values_list("reference", flat=True)
    )
    # What nobody has touched since was last updated when it came in.
    untouched = Handling.objects.filter(status="new", request__duplicate_of__isnull=True)
    assert untouched.exists()
    for handling in untouched.select_related("request"):
        assert handling.updated_at == handling.request.submitted_at
    # Their deadlines run from when they came in, and the compliance counts agree.
    for request in requests:
        for deadline in request.guarantee_deadlines.all():
            assert deadline.started_at == request.submitted_at
    assert counts.direct() == stored_counts()


def test_loading_again_changes_nothing(demo):
    before = list(ServiceRequest.objects.values_list("reference", "submitted_at"))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "oprettet intet" in out.getvalue()
    assert f"{len(REQUESTS)} borgerhenvendelser" in out.getvalue()
    assert list(ServiceRequest.objects.values_list("reference", "submitted_at")) == before


def test_the_officer_finds_the_queue_with_its_work(demo, client_for):
    officer = User.objects.get(username="betjent.koege")
    client = client_for(officer, "en")
    queue = Queue.objects.get(name="Lokalpolitiet Køge")
    page = client.get(reverse("staff:servicedesk_staff:queue", args=[queue.pk]))
    assert page.status_code == 200
    references = set(
        ServiceRequest.objects.filter(municipality__code="0259").values_list("reference", flat=True)
    )
    assert len(references) == 4
    # The open ones: the closed tip is behind the queue's filter.
    shown = {r for r in references if r in page.content.decode()}
    closed = ServiceRequest.objects.get(details___demo="skole-koege").reference
    assert shown == references - {closed}
    tip = ServiceRequest.objects.get(details___demo="skole-koege")
    detail = client.get(reverse("staff:servicedesk_staff:request", args=[tip.reference]))
    text = detail.content.decode()
    assert "Tak for dit tip (" + tip.reference + "). Lokalpolitiet Køge har læst det" in text
    assert "Patrulje ved gymnasiet" in text  # the internal note, for staff


def test_the_outsider_sees_no_demo_request(demo, outsider, client_for):
    client = client_for(outsider)
    tip = ServiceRequest.objects.get(details___demo="skole-koege")
    response = client.get(reverse("staff:servicedesk_staff:request", args=[tip.reference]))
    assert response.status_code in (403, 404)
    assert tip.reference not in client.get(reverse("staff:servicedesk_staff:queues")).text


def test_a_request_dated_back_into_an_earlier_month_is_worked_on(reference, monkeypatch):
    """The desk's writes move the compliance counts of the deadline's month, which dating
    back changed: the counts follow the deadlines before the staff work on them."""
    earlier = [
        dataclasses.replace(spec, days_ago=40)
        for spec in REQUESTS
        if spec.key in ("skole-koege", "foredrag-koege")
    ]
    monkeypatch.setattr(desk_demo, "REQUESTS", earlier)
    for command in ("load_services", "load_guarantees", "load_demo"):
        call_command(command, stdout=StringIO())
    school = ServiceRequest.objects.get(details___demo="skole-koege")
    [on_site] = school.guarantee_deadlines.all()
    assert on_site.outcome == "met" and on_site.response_minutes == 11
    talk = ServiceRequest.objects.get(details___demo="foredrag-koege")
    assert talk.guarantee_deadlines.get().outcome == "missed"  # answered 40 days on
    assert counts.direct() == stored_counts()


def test_without_the_services_no_request_is_made(reference):
    call_command("load_demo", stdout=StringIO())
    assert not ServiceRequest.objects.exists()
