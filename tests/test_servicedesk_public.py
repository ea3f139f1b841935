"""What citizens see of the service desk, through HTTP: the forms, the receipt, the status
link, the e-mails, and what bad input, bots and floods get."""

import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zoneinfo
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image

from tryghed.servicedesk import notify, services
from tryghed.servicedesk.models import Handling, Message, Queue, Service, ServiceRequest

pytestmark = pytest.mark.django_db

GREVE = ("55.592841", "12.25")
ROSKILDE = ("55.6425", "12.0803")
AARHUS = ("56.1572", "10.2107")
STATUS_LINK = re.compile(r"/status/(?P<reference>[A-Z]+-\d{4}-\d{6})/(?P<token>[\w-]+)/")


@pytest.fixture
def catalogue(reference):
    services.load()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client():
    """An anonymous citizen whose browser asks for English, so that texts are stable
    whatever the Danish translation says."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def yesterday_evening():
    return (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT21:30")


def in_three_weeks():
    return (timezone.localdate() + dt.timedelta(days=21)).isoformat()


def tip(**changes):
    data = {
        "service": "tip-narkotika",
        "description": "Salg af hash ved cykelskuret hver fredag.",
        "q-naer-skole": "ja",
        "q-tidspunkt": yesterday_evening(),
        "q-hyppighed": "ugentligt",
        "q-personer": "To drenge omkring 17 år, sorte jakker.",
        "lat": GREVE[0],
        "lon": GREVE[1],
        "place": "Cykelskuret ved skolen",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def nuisance(**changes):
    data = {
        "service": "gene-unges-fester",
        "description": "Fest med høj musik og glasskår hver weekend.",
        "q-stedtype": "strand",
        "q-antal-personer": "30",
        "municipality": "0259",
        "place": "Køge Strand ved livredderhuset",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def officer_request(**changes):
    data = {
        "service": "betjent-faerdselskontrol",
        "description": "Der køres meget stærkt om morgenen, når børnene går i skole.",
        "q-vej": "Skolevej",
        "q-organisation": "Grundejerforeningen Solbakken",
        "q-oensket-dato": in_three_weeks(),
        "municipality": "0265",
        "reporter_name": "Karen Jensen",
        "reporter_email": "karen@example.dk",
        "reporter_phone": "12 34 56 78",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


URL = {
    "tip-narkotika": "servicedesk:tip",
    "gene-unges-fester": "servicedesk:nuisance",
    "betjent-faerdselskontrol": "servicedesk:officer_request",
    "betjent-foredrag": "servicedesk:officer_request",
}


def post(client, data, **extra):
    return client.post(reverse(URL[data["service"]]), data, **extra)


def status_link(response):
    match = STATUS_LINK.search(response.content.decode())
    assert match, "the receipt shows no status link"
    return match


def assert_nothing_stored():
    assert not ServiceRequest.objects.exists()
    assert not Handling.objects.exists()
    assert not Queue.objects.exists()


# ---- The forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "codes"),
    [
        ("servicedesk:tip", ["tip-mistaenkelig-aktivitet", "tip-narkotika", "tip-andet"]),
        (
            "servicedesk:nuisance",
            ["gene-unges-fester", "gene-knallertkoersel", "gene-andet"],
        ),
        (
            "servicedesk:officer_request",
            ["betjent-foredrag", "betjent-faerdselskontrol", "betjent-narkohund"],
        ),
    ],
)
def test_each_form_offers_its_services_and_renders_their_questions(
    client, catalogue, url_name, codes
):
    choose = client.get(reverse(url_name))
    assert choose.status_code == 200
    for code in codes:
        service = Service.objects.get(code=code)
        assert f'value="{code}"' in choose.content.decode()
        form = client.get(reverse(url_name), {"tjeneste": code})
        assert form.status_code == 200
        page = form.content.decode()
        assert escape(service.name_en) in page
        for attribute in service.attributes.all():
            assert escape(attribute.description_en) in page
            assert f'name="q-{attribute.code}"' in page
        assert 'name="lat"' in page and 'name="municipality"' in page
        assert 'name="website"' in page and 'tabindex="-1"' in page


def test_the_form_is_danish_by_default(catalogue):
    page = Client().get(reverse("servicedesk:tip"), {"tjeneste": "tip-narkotika"})
    assert "Handel med narkotika" in page.content.decode()
    assert 'lang="da"' in page.content.decode()


def test_choosing_no_service_says_so(client, catalogue):
    response = client.get(reverse("servicedesk:tip"), {"tjeneste": "no-such-service"})
    assert response.status_code == 200
    assert "Choose what it is about." in response.content.decode()


def test_a_service_of_another_kind_is_not_offered_on_the_form(client, catalogue):
    response = client.get(reverse("servicedesk:tip"), {"tjeneste": "gene-andet"})
    assert 'name="description"' not in response.content.decode()


# ---- Valid submissions ----------------------------------------------------------------


def test_a_drug_tip_near_a_school_is_stored_routed_and_followable(client, catalogue, greve):
    response = post(client, tip())
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    link = status_link(response)

    request = ServiceRequest.objects.get()
    assert request.reference == link["reference"]
    assert request.reference.startswith(f"TIP-{timezone.localdate().year}-")
    assert request.service.code == "tip-narkotika"
    assert request.municipality == greve
    assert request.district.number == 8
    assert [h.queue.owner for h in request.handlings.all()] == [Queue.Owner.POLICE]
    assert request.handlings.get().queue.municipality == greve
    assert request.details["naer-skole"] == "ja"
    assert request.details["hyppighed"] == "ugentligt"
    assert request.details["tidspunkt"].endswith("+00:00")
    assert services.category_for(request.service, request.details) == "drug_sale_school"
    assert request.is_anonymous

    status = client.get(link.group(0))
    assert status.status_code == 200
    assert request.reference in status.content.decode()
    assert "Received" in status.content.decode()


def test_a_drug_tip_elsewhere_keeps_the_plain_category(client, catalogue):
    post(client, tip(**{"q-naer-skole": "nej"}))
    request = ServiceRequest.objects.get()
    assert services.category_for(request.service, request.details) == "drug_sale"


def test_a_nuisance_on_a_beach_reaches_police_and_municipality(client, catalogue, koege):
    response = post(client, nuisance())
    assert response.status_code == 200
    status_link(response)
    request = ServiceRequest.objects.get()
    assert request.service.code == "gene-unges-fester"
    assert request.municipality == koege
    assert request.lat is None and request.place == "Køge Strand ved livredderhuset"
    owners = {h.queue.owner for h in request.handlings.select_related("queue")}
    assert owners == {Queue.Owner.POLICE, Queue.Owner.MUNICIPALITY}
    assert request.reference.startswith("GENE-")
    assert request.details["antal-personer"] == 30


def test_an_officer_request_keeps_its_contact_and_answers(client, catalogue):
    data = officer_request(
        service="betjent-foredrag",
        **{"q-emner": ["indbrud", "svindel-aeldre"], "q-maalgruppe": "grundejerforening"},
    )
    del data["q-vej"]
    response = post(client, data)
    assert response.status_code == 200
    status_link(response)
    request = ServiceRequest.objects.get()
    assert request.reference.startswith("BETJENT-")
    assert request.reporter_name == "Karen Jensen"
    assert request.reporter_email == "karen@example.dk"
    assert request.details["emner"] == ["indbrud", "svindel-aeldre"]
    assert request.details["oensket-dato"] == in_three_weeks()
    assert request.municipality.code == "0265"


def test_sending_the_same_form_twice_files_one_request(client, catalogue):
    data = tip(form_id="abc123")
    first = post(client, data)
    second = post(client, data)
    assert ServiceRequest.objects.count() == 1
    reference = ServiceRequest.objects.get().reference
    assert reference in first.content.decode()
    assert reference in second.content.decode()
    assert not STATUS_LINK.search(second.content.decode())


# ---- The same request sent again ------------------------------------------------------


def form_id_of_a_fresh_form(client, code):
    """What going Back gives in a browser: the form fetched again, with a new form id (the
    browser then fills in what was typed; see test_browser_citizen.py)."""
    page = client.get(reverse(URL[code]), {"tjeneste": code})
    return Elements(page.content.decode()).inputs("form_id")[0]["value"]


def test_the_same_tip_sent_again_from_the_form_fetched_again_files_one_request(client, catalogue):
    first = post(client, tip(form_id=form_id_of_a_fresh_form(client, "tip-narkotika")))
    reference = status_link(first)["reference"]

    # Pasted again, with other line breaks and spaces: the same text.
    again = post(
        client,
        tip(
            form_id=form_id_of_a_fresh_form(client, "tip-narkotika"),
            description=" Salg af hash ved\r\ncykelskuret   hver fredag.\n",
        ),
    )
    assert again.status_code == 200
    assert ServiceRequest.objects.count() == 1
    page = again.content.decode()
    assert "We have already received this" in page
    assert f"so we have not filed it a second time. Its reference is {reference}." in page
    # The status link's secret is shown once, to whoever sent the form first.
    assert not STATUS_LINK.search(page)
    assert again["Cache-Control"] == "no-store, private"

    # Reloading that answer sends its form id again: still the one request.
    assert reference in post(client, tip(form_id=again.wsgi_request.POST["form_id"])).text
    assert ServiceRequest.objects.count() == 1


def test_no_shared_cache_may_hand_one_form_and_its_form_id_to_two_visitors(client, catalogue):
    page = client.get(reverse("servicedesk:tip"), {"tjeneste": "tip-narkotika"})
    assert page["Cache-Control"] == "private, no-cache"


def test_the_same_words_about_the_same_park_from_two_citizens_are_two_requests(client, catalogue):
    party = nuisance(
        description="Fest i parken",
        place="Byparken",
        **{"q-stedtype": "park", "q-antal-personer": None},
    )
    karen = {"reporter_name": "Karen Jensen", "reporter_email": "karen@example.dk"}
    ole = {"reporter_name": "Ole Hansen", "reporter_phone": "12 34 56 78"}
    status_link(post(client, {**party, **karen}))
    status_link(post(client, {**party, **ole}))
    # Anonymous, from another address: nothing tells that it is the same citizen.
    neighbour = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.9")
    status_link(post(neighbour, party))
    assert ServiceRequest.objects.count() == 3

    # Each of them sending theirs again, their contact details written a little otherwise.
    assert not STATUS_LINK.search(
        post(client, {**party, **karen, "reporter_email": "Karen@Example.dk "}).text
    )
    assert not STATUS_LINK.search(post(client, {**party, **ole, "reporter_phone": "12345678"}).text)
    assert not STATUS_LINK.search(post(neighbour, party).text)
    assert ServiceRequest.objects.count() == 3
    # The first anonymous one came from the neighbour's address, not from this one.
    status_link(post(client, party))
    assert ServiceRequest.objects.count() == 4


@pytest.mark.parametrize(
    "change",
    [
        {"description": "Salg af hash ved cykelskuret hver lørdag."},
        {"q-hyppighed": "dagligt"},
        {"place": "Indgangen til hallen"},
        # About a kilometre away.
        {"lat": "55.6018"},
        {"reporter_email": "borger@example.dk"},
    ],
)
def test_a_tip_that_tells_something_new_is_a_new_request(client, catalogue, change):
    status_link(post(client, tip()))
    status_link(post(client, tip(**change)))
    assert ServiceRequest.objects.count() == 2


def test_the_same_place_marked_again_a_little_beside_is_the_same_place(client, catalogue):
    status_link(post(client, tip()))
    # Some 50 metres north.
    assert not STATUS_LINK.search(post(client, tip(lat="55.5933")).text)
    assert ServiceRequest.objects.count() == 1


def test_the_same_tip_without_its_point_repeats_it_but_a_point_where_there_was_none_is_new(
    client, catalogue
):
    # Going Back, the browser fills in the text, the answers and the municipality the map
    # chose, but not the point, which the map keeps in hidden fields.
    status_link(post(client, tip(municipality="0253")))
    assert not STATUS_LINK.search(post(client, tip(municipality="0253", lat=None, lon=None)).text)
    assert ServiceRequest.objects.count() == 1

    other = tip(municipality="0253", description="Der bliver solgt hash ved hallen.")
    status_link(post(client, {**other, "lat": "", "lon": ""}))
    status_link(post(client, other))
    assert ServiceRequest.objects.count() == 3


def a_photo(name="photo.png"):
    content = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(content, format="PNG")
    return SimpleUploadedFile(name, content.getvalue(), content_type="image/png")


def test_a_tip_with_photos_is_filed_even_when_its_text_was_sent_before(client, catalogue):
    status_link(post(client, tip()))
    # The browser does not keep chosen photos on Back: they were chosen again on purpose.
    status_link(post(client, {**tip(), "photos": [a_photo()]}))
    status_link(post(client, {**tip(), "photos": [a_photo()]}))
    assert ServiceRequest.objects.count() == 3
    # Sent again without them, it tells nothing new.
    assert not STATUS_LINK.search(post(client, tip()).text)
    assert ServiceRequest.objects.count() == 3


def test_the_same_tip_half_an_hour_later_is_a_new_request(client, catalogue):
    status_link(post(client, tip()))
    ServiceRequest.objects.update(submitted_at=timezone.now() - dt.timedelta(minutes=31))
    status_link(post(client, tip()))
    assert ServiceRequest.objects.count() == 2


# ---- Status page ----------------------------------------------------------------------


@pytest.fixture
def answered(client, catalogue):
    response = post(
        client,
        tip(
            reporter_name="Hanne Hemmelig",
            reporter_email="hanne@example.dk",
            reporter_phone="+45 11 22 33 44",
        ),
    )
    link = status_link(response)
    request = ServiceRequest.objects.get()
    queue = request.handlings.get().queue
    Message.objects.create(
        request=request, kind=Message.Kind.INTERNAL_NOTE, body="INTERN: kendt sælger", queue=queue
    )
    Message.objects.create(
        request=request,
        kind=Message.Kind.PUBLIC_REPLY,
        body="Tak, vi holder øje med stedet.",
        queue=queue,
    )
    return request, link.group(0)


def test_the_status_page_shows_replies_but_no_internal_note_and_not_the_reporter(client, answered):
    request, url = answered
    page = client.get(url).content.decode()
    assert "Tak, vi holder øje med stedet." in page
    assert "Lokalpolitiet Greve" in page
    assert "INTERN" not in page
    for secret in ("Hanne", "Hemmelig", "hanne@example.dk", "11 22 33 44"):
        assert secret not in page
    # What the citizen wrote may name others; the link could leak, so it is not repeated.
    assert "cykelskuret" not in page


def test_the_status_page_shows_the_public_status(client, answered):
    request, url = answered
    Handling.objects.filter(request=request).update(status=Handling.Status.IN_PROGRESS)
    assert "In progress" in client.get(url).content.decode()


@pytest.mark.parametrize("wrong", ["token", "reference", "both"])
def test_a_wrong_status_link_is_not_found(client, answered, wrong):
    request, url = answered
    _, _, reference, token, _ = url.split("/")
    if wrong in ("token", "both"):
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    if wrong in ("reference", "both"):
        reference = "TIP-2020-999999"
    assert client.get(f"/status/{reference}/{token}/").status_code == 404
    assert client.post(f"/status/{reference}/{token}/", {"body": "x"}).status_code == 404
    assert not Message.objects.filter(kind=Message.Kind.CITIZEN).exists()


def test_the_citizen_answers_through_the_status_link(client, answered):
    request, url = answered
    response = client.post(url, {"body": "Det sker også om søndagen."})
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Det sker også om søndagen." in page
    assert "Your message has been sent." in page
    message = request.messages.get(kind=Message.Kind.CITIZEN)
    assert message.body == "Det sker også om søndagen."


def test_a_citizen_answer_reopens_a_closed_request_as_changed_now(client, answered):
    request, url = answered
    long_ago = timezone.now() - dt.timedelta(days=3)
    Handling.objects.filter(request=request).update(
        status=Handling.Status.CLOSED, outcome="resolved", closed_at=long_ago, updated_at=long_ago
    )
    client.post(url, {"body": "Det er begyndt igen."})
    handling = Handling.objects.get(request=request)
    assert handling.status == Handling.Status.IN_PROGRESS and handling.closed_at is None
    assert handling.updated_at > timezone.now() - dt.timedelta(minutes=1)


@pytest.mark.parametrize("body", ["", "x" * 4001, "nul\x00tegn"])
def test_a_bad_answer_is_refused_and_stores_nothing(client, answered, body):
    request, url = answered
    response = client.post(url, {"body": body})
    assert response.status_code == 200
    assert 'class="form-error-message"' in response.content.decode()
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


def test_a_bot_answer_through_the_honeypot_is_dropped(client, answered):
    request, url = answered
    response = client.post(url, {"body": "Buy pills", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


# ---- Bad input stores nothing ---------------------------------------------------------

BAD_INPUT = [
    ("description missing", tip(description=""), "description"),
    ("description too long", tip(description="x" * 4001), "description"),
    ("nul character", tip(description="a\x00b"), "description"),
    ("required question missing", tip(**{"q-naer-skole": None}), "q-naer-skole"),
    ("value not in the list", tip(**{"q-naer-skole": "maaske"}), "q-naer-skole"),
    ("text answer too long", tip(**{"q-personer": "y" * 2001}), "q-personer"),
    ("impossible date", tip(**{"q-tidspunkt": "2026-02-31T12:00"}), "q-tidspunkt"),
    ("not a date", tip(**{"q-tidspunkt": "i går"}), "q-tidspunkt"),
    ("time in the future", tip(**{"q-tidspunkt": "2999-01-01T12:00"}), "q-tidspunkt"),
    ("time long ago", tip(**{"q-tidspunkt": "1999-01-01T12:00"}), "q-tidspunkt"),
    ("number not a number", nuisance(**{"q-antal-personer": "mange"}), "q-antal-personer"),
    ("negative number", nuisance(**{"q-antal-personer": "-3"}), "q-antal-personer"),
    ("huge number", nuisance(**{"q-antal-personer": "9" * 5000}), "q-antal-personer"),
    ("latitude 200", tip(lat="200"), "lat"),
    ("longitude -181", tip(lon="-181"), "lon"),
    ("latitude not a number", tip(lat="nan"), "lat"),
    ("latitude without longitude", tip(lon=""), "lat"),
    ("no place at all", tip(lat="", lon="", place=""), "municipality"),
    ("place text naming no municipality", tip(lat="", lon=""), "place"),
    ("only invisible characters", tip(description="\u200b\u200b\u2060 \u200d"), "description"),
    ("unknown municipality", nuisance(municipality="9999"), "municipality"),
    ("place too long", tip(place="p" * 301), "place"),
    ("bad e-mail", tip(reporter_email="karen@"), "reporter_email"),
    ("bad phone", tip(reporter_phone="ring til mig"), "reporter_phone"),
    ("name too long", tip(reporter_name="n" * 201), "reporter_name"),
    ("booking in the past", officer_request(**{"q-oensket-dato": "2020-01-01"}), "q-oensket-dato"),
    ("road missing", officer_request(**{"q-vej": ""}), "q-vej"),
    ("road too long", officer_request(**{"q-vej": "v" * 201}), "q-vej"),
    ("officer request without e-mail", officer_request(reporter_email=""), "reporter_email"),
    ("officer request without name", officer_request(reporter_name=""), "reporter_name"),
]


@pytest.mark.parametrize(
    ("data", "field"), [b[1:] for b in BAD_INPUT], ids=[b[0] for b in BAD_INPUT]
)
def test_bad_input_gets_a_field_error_and_stores_nothing(client, catalogue, data, field):
    response = post(client, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert 'data-module="error-summary"' in page
    assert_nothing_stored()
    assert not mail.outbox


def test_a_place_in_another_district_names_that_district(client, catalogue):
    response = post(client, tip(lat=AARHUS[0], lon=AARHUS[1]))
    assert response.status_code == 200
    assert "Østjyllands Politi" in response.content.decode()
    assert_nothing_stored()


def test_a_municipality_in_another_district_names_that_district(client, catalogue):
    response = post(client, nuisance(municipality="0751"))
    assert "Aarhus belongs to Østjyllands Politi" in response.content.decode()
    assert_nothing_stored()


def test_a_municipality_that_contradicts_the_marked_place_is_refused(client, catalogue):
    response = post(client, tip(lat=ROSKILDE[0], lon=ROSKILDE[1], municipality="0259"))
    assert "The place you marked is in Roskilde, not in Køge." in response.content.decode()
    assert_nothing_stored()


def test_a_place_at_sea_is_refused(client, catalogue):
    response = post(client, tip(lat="55.0", lon="5.0"))
    assert "not in Denmark" in response.content.decode()
    assert_nothing_stored()


# ---- Bots and floods ------------------------------------------------------------------


def test_a_filled_honeypot_looks_accepted_but_stores_nothing(client, catalogue):
    response = post(client, tip(website="http://cheap-pills.example"))
    assert response.status_code == 200
    link = status_link(response)
    assert_nothing_stored()
    assert client.get(link.group(0)).status_code == 404


def test_the_rate_limit_answers_429_with_retry_after_and_stores_nothing(
    client, catalogue, settings
):
    settings.TRYGHED_SUBMISSION_RATE = ["2/10m", "20/1d"]
    # Three different tips: the same one sent again is not stored again (see below).
    assert post(client, tip(description="Salg af hash ved skolen.")).status_code == 200
    assert post(client, tip(description="Salg af hash ved stationen.")).status_code == 200
    response = post(client, tip(description="Salg af hash ved hallen."))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert "Please wait a moment" in response.content.decode()
    assert ServiceRequest.objects.count() == 2
    # Another form has its own count.
    assert post(client, nuisance()).status_code == 200
    # Another address is not held back by this one.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.9")
    assert post(other, tip()).status_code == 200


def test_correcting_a_form_does_not_use_up_the_limit(client, catalogue, settings):
    settings.TRYGHED_SUBMISSION_RATE = ["2/10m"]
    for _attempt in range(4):
        assert post(client, tip(description="")).status_code == 200
    assert post(client, tip()).status_code == 200
    assert ServiceRequest.objects.count() == 1


def test_a_flood_of_refused_forms_is_limited_too(client, catalogue, settings):
    settings.TRYGHED_SUBMISSION_RATE = ["2/10m"]
    settings.TRYGHED_REFUSED_SUBMISSION_RATE = ["3/10m"]
    for _attempt in range(3):
        assert post(client, tip(description="")).status_code == 200
    response = post(client, tip())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert_nothing_stored()
    # Another form, and another address, have counts of their own.
    assert post(client, nuisance()).status_code == 200
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.9")
    assert post(other, tip()).status_code == 200


def test_a_flood_of_refused_answers_on_a_status_page_is_limited(client, answered, settings):
    request, url = answered
    settings.TRYGHED_REFUSED_SUBMISSION_RATE = ["2/10m"]
    for _attempt in range(2):
        assert client.post(url, {"body": ""}).status_code == 200
    assert client.post(url, {"body": "Tak for svaret."}).status_code == 429
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


def test_the_honeypot_counts_against_the_limit(client, catalogue, settings):
    settings.TRYGHED_SUBMISSION_RATE = ["1/10m"]
    post(client, tip(website="x"))
    assert post(client, tip()).status_code == 429
    assert_nothing_stored()


def test_forwarded_for_is_ignored_unless_trusted(client, catalogue, settings):
    settings.TRYGHED_SUBMISSION_RATE = ["1/10m"]
    post(client, tip(), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert post(client, tip(), HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429
    settings.TRYGHED_TRUST_X_FORWARDED_FOR = True
    assert post(client, tip(), HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.3").status_code == 200
    assert post(client, tip(), HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.3").status_code == 429


# ---- E-mail ---------------------------------------------------------------------------


def test_the_receipt_is_emailed_in_the_language_used(client, catalogue, settings):
    settings.SITE_URL = "https://tryghed.example.dk"
    response = post(client, tip(reporter_email="borger@example.dk"))
    link = status_link(response)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["borger@example.dk"]
    assert link["reference"] in email.subject
    assert "https://tryghed.example.dk" + link.group(0) in email.body
    assert "We have received" in email.subject
    assert "We have also sent the link" in response.content.decode()


def test_no_email_without_an_address(client, catalogue):
    post(client, tip())
    assert ServiceRequest.objects.count() == 1
    assert not mail.outbox


def test_a_failing_mail_server_does_not_lose_the_request(client, catalogue, settings):
    settings.EMAIL_BACKEND = "tests.test_servicedesk_public.BrokenBackend"
    response = post(client, tip(reporter_email="borger@example.dk"))
    assert response.status_code == 200
    status_link(response)
    assert ServiceRequest.objects.count() == 1


def test_a_mail_server_that_does_not_answer_gives_up_after_the_timeout(client, catalogue, settings):
    """The receipt is sent while the citizen waits: a server that accepts the connection
    and says nothing holds the answer only for EMAIL_TIMEOUT, not until the worker dies.
    (Without a timeout the client would wait for the server to hang up, after 20 s.)"""
    silent = socket.create_server(("127.0.0.1", 0))
    done = threading.Event()

    def hold():
        connection, _address = silent.accept()
        done.wait(20)
        connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
    settings.EMAIL_TIMEOUT = 0.5
    started = time.monotonic()
    try:
        response = post(client, tip(reporter_email="borger@example.dk"))
        waited = time.monotonic() - started
    finally:
        done.set()
        holder.join()
        silent.close()
    assert response.status_code == 200
    status_link(response)
    assert "We have also sent the link" not in response.content.decode()
    assert ServiceRequest.objects.count() == 1
    assert waited < 15, "the submission waited for the mail server to hang up"


def test_the_mail_server_is_configured_from_the_environment():
    environment = {
        **os.environ,
        "EMAIL_HOST": "smtp.example.dk",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "tryghed",
        "EMAIL_HOST_PASSWORD": "hemmelig",
        "EMAIL_USE_TLS": "true",
        "EMAIL_TIMEOUT": "5",
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.EMAIL_HOST, s.EMAIL_PORT, "
            "s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, "
            "s.EMAIL_TIMEOUT)",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "tryghed.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert shown == ["smtp.example.dk", "587", "tryghed", "hemmelig", "True", "False", "5.0"]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_staff_reply_is_emailed_to_the_citizen(client, answered):
    request, _url = answered
    mail.outbox.clear()
    reply = request.messages.get(kind=Message.Kind.PUBLIC_REPLY)
    assert notify.notify_public_reply(request, reply)
    email = mail.outbox[0]
    assert email.to == ["hanne@example.dk"]
    assert "Tak, vi holder øje med stedet." in email.body
    assert "Lokalpolitiet Greve" in email.body


def test_no_reply_email_for_an_anonymous_citizen(client, catalogue):
    post(client, tip())
    request = ServiceRequest.objects.get()
    message = Message.objects.create(request=request, kind=Message.Kind.PUBLIC_REPLY, body="Tak")
    assert not notify.notify_public_reply(request, message)
    assert not mail.outbox


# ---- Configuration --------------------------------------------------------------------


def test_load_services_is_idempotent_and_reports(reference, capsys):
    with translation.override("en"):
        call_command("load_services")
    first = capsys.readouterr().out
    assert "9 created" in first
    counts = (Service.objects.count(), Service.attributes.rel.related_model.objects.count())
    call_command("load_services")
    assert "9 uændret" in capsys.readouterr().out
    assert counts == (
        Service.objects.count(),
        Service.attributes.rel.related_model.objects.count(),
    )
    drug = Service.objects.get(code="tip-narkotika")
    assert (drug.kind, drug.incident_category, drug.to_police, drug.to_municipality) == (
        "tip",
        "drug_sale",
        True,
        False,
    )
    party = Service.objects.get(code="gene-unges-fester")
    assert party.to_police and party.to_municipality


def test_a_bad_configuration_changes_nothing(reference, tmp_path):
    services.load()
    broken = tmp_path / "services.json"
    text = services.DEFAULT_PATH.read_text("utf-8").replace(
        '"incident_category": "moped_nuisance"', '"incident_category": "moped"'
    )
    broken.write_text(text.replace("Mistænkelig aktivitet", "Ændret navn"), "utf-8")
    with pytest.raises(services.ConfigError, match="gene-knallertkoersel.*unknown incident"):
        services.load(broken)
    assert Service.objects.get(code="tip-mistaenkelig-aktivitet").name == "Mistænkelig aktivitet"


def test_the_map_gets_the_served_municipalities(client, reference):
    data = client.get(reverse("servicedesk:municipalities_geojson")).json()
    names = {f["properties"]["name"] for f in data["features"]}
    assert {"Greve", "Køge", "Roskilde"} <= names and "Aarhus" not in names
    assert len(names) == 10


# ---- Whatever is posted ---------------------------------------------------------------

FIELDS = [
    "description",
    "q-naer-skole",
    "q-tidspunkt",
    "q-hyppighed",
    "q-personer",
    "q-koeretoejer",
    "place",
    "municipality",
    "lat",
    "lon",
    "reporter_name",
    "reporter_email",
    "reporter_phone",
    "form_id",
]
ANSWERS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "ja",
            "ved-ikke",
            "dagligt",
            "0253",
            "0751",
            "55.59",
            "12.25",
            "-91",
            "1e400",
            "inf",
            "2026-01-01T12:00",
            "24-12-2025 21:30",
            "a@b.dk",
            "+45 12345678",
        ]
    ),
    st.integers(min_value=0, max_value=5000).map(lambda n: "x" * n),
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, ANSWERS)),
    service=st.one_of(st.just("tip-narkotika"), st.text(max_size=20)),
    honeypot=st.sampled_from(["", "", "", "x"]),
)
def test_any_posted_values_store_one_request_or_none_and_never_fail(
    client, catalogue, settings, values, service, honeypot
):
    settings.TRYGHED_SUBMISSION_RATE = ["100000/1d"]
    before = ServiceRequest.objects.count()
    data = {"service": service, "website": honeypot, **values}
    response = client.post(reverse("servicedesk:tip"), data)
    assert response.status_code in (200, 429)
    stored = ServiceRequest.objects.count() - before
    assert stored in (0, 1)
    if stored:
        assert ServiceRequest.objects.order_by("-pk").first().reference in (
            response.content.decode()
        )


# ---- Odd input and edge cases ----------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag with its attributes as written, duplicates included."""

    def __init__(self, page):
        super().__init__()
        self.tags = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def inputs(self, name):
        return [dict(attrs) for tag, attrs in self.tags if dict(attrs).get("name") == name]


def language_next(page):
    match = re.search(r'name="next" value="([^"]*)"', page)
    assert match, "the page has no language switch"
    return match[1]


def test_the_language_switch_on_the_receipt_keeps_the_status_link(client, catalogue):
    form_page = client.get(reverse("servicedesk:tip"), {"tjeneste": "tip-narkotika"})
    assert language_next(form_page.content.decode()) == "/tip/?tjeneste=tip-narkotika"

    receipt = post(client, tip())
    status_path = status_link(receipt).group(0)
    # The receipt answers the form's POST; going back to the form's URL would lose the link.
    assert language_next(receipt.content.decode()) == status_path
    switched = client.post(
        reverse("set_language"), {"language": "da", "next": status_path}, follow=True
    )
    assert switched.redirect_chain[-1][0] == status_path
    assert switched.status_code == 200
    assert 'lang="da"' in switched.content.decode()
    assert ServiceRequest.objects.get().reference in switched.content.decode()


@pytest.mark.parametrize("url_name", ["servicedesk:tip", "servicedesk:officer_request"])
def test_every_form_element_has_each_attribute_once_and_contact_inputs_have_their_type(
    client, catalogue, url_name
):
    code = "tip-narkotika" if url_name == "servicedesk:tip" else "betjent-faerdselskontrol"
    page = client.get(reverse(url_name), {"tjeneste": code}).content.decode()
    elements = Elements(page)
    for tag, attrs in elements.tags:
        names = [name for name, _value in attrs]
        assert len(names) == len(set(names)), f"<{tag}> repeats an attribute: {attrs}"
    assert [i["type"] for i in elements.inputs("reporter_phone")] == ["tel"]
    assert [i["type"] for i in elements.inputs("reporter_email")] == ["email"]


def test_a_forged_point_is_reported_once_in_the_summary_and_once_at_the_map(client, catalogue):
    response = post(client, nuisance(lat="x", lon="y"))
    page = response.content.decode()
    assert page.count("Where: The marked place is not a valid position.") == 1
    assert page.count("The marked place is not a valid position.") == 2
    assert_nothing_stored()


def test_a_tampered_form_id_is_explained_and_replaced_by_one_that_works(client, catalogue):
    tampered = "x" * 65
    response = post(client, tip(form_id=tampered))
    page = response.content.decode()
    assert "Error:" in page.split("</title>")[0]
    assert 'data-module="error-summary"' in page
    assert "The form has expired or was changed. Check your answers and send it again." in page
    fresh = Elements(page).inputs("form_id")[0]["value"]
    assert fresh and fresh != tampered and len(fresh) <= 64
    assert_nothing_stored()

    again = post(client, tip(form_id=fresh))
    status_link(again)
    assert ServiceRequest.objects.count() == 1


def test_a_nuisance_form_and_an_officer_request_say_what_is_published(client, catalogue):
    def form(url_name, code):
        return client.get(reverse(url_name), {"tjeneste": code}).content.decode()

    for page in (
        form("servicedesk:nuisance", "gene-unges-fester"),
        form("servicedesk:officer_request", "betjent-foredrag"),
    ):
        assert "What is made public" in page
        assert "Your name, e-mail, phone number and photos are never published" in page
    # A tip is not published at all.
    assert "What is made public" not in form("servicedesk:tip", "tip-narkotika")


def test_the_status_page_of_a_published_report_does_not_claim_its_text_is_hidden(client, catalogue):
    nuisance_status = client.get(status_link(post(client, nuisance())).group(0))
    page = nuisance_status.content.decode()
    assert "To protect you" not in page
    assert "Your description and the place are public" in page
    assert "Fest med høj musik" not in page

    tip_status = client.get(status_link(post(client, tip())).group(0)).content.decode()
    assert "To protect you, this page does not show what you wrote" in tip_status
    assert "are public" not in tip_status


def last_clock_change(month):
    """The most recent night, a week or more ago, on which Danish clocks changed in `month`
    (the last Sunday of March or October), and 02:30 that night as a form would send it."""
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        day = dt.date(year, month, 31)
        day -= dt.timedelta(days=(day.weekday() + 1) % 7)
        if day < today - dt.timedelta(days=7):
            return day, f"{day.isoformat()}T02:30"
    raise AssertionError("unreachable")


def test_a_time_in_the_hour_that_happened_twice_is_taken_as_its_first_occurrence(client, catalogue):
    day, local = last_clock_change(10)
    response = post(client, tip(**{"q-tidspunkt": local}))
    status_link(response)
    stored = ServiceRequest.objects.get().details["tidspunkt"]
    # 02:30 summer time (UTC+2), not the second 02:30 an hour later in winter time.
    assert stored == f"{day.isoformat()}T00:30:00+00:00"
    first = dt.datetime.fromisoformat(stored).astimezone(zoneinfo.ZoneInfo("Europe/Copenhagen"))
    assert first.strftime("%H:%M") == "02:30"


def test_a_time_in_the_hour_that_never_happened_gets_a_plain_message(client, catalogue):
    _day, local = last_clock_change(3)
    response = post(client, tip(**{"q-tidspunkt": local}))
    page = response.content.decode()
    assert "That time did not exist: the clocks were put forward one hour that night." in page
    assert "Europe/Copenhagen" not in page and "ambiguous" not in page
    assert_nothing_stored()


def test_an_address_with_a_postcode_is_place_enough(client, catalogue, koege):
    response = post(client, nuisance(municipality="", place="Hovedgaden 12, 4600 Køge"))
    status_link(response)
    request = ServiceRequest.objects.get()
    assert request.municipality == koege
    assert request.lat is None and request.place == "Hovedgaden 12, 4600 Køge"


def test_an_address_that_names_no_municipality_asks_for_one_in_plain_words(client, catalogue):
    response = post(client, nuisance(municipality="", place="Bag ved den gamle skole"))
    form = response.context["form"]
    assert "place" in form.errors
    page = response.content.decode()
    assert "We cannot tell the municipality from the address." in page
    # The Open311 wording is for client developers, not for citizens.
    assert "address_string" not in page and "address_id" not in page
    assert_nothing_stored()


def test_a_forged_municipality_is_not_echoed_back(client, catalogue):
    response = post(client, nuisance(municipality="0259\x00<b>"))
    page = response.content.decode()
    assert "Choose a municipality from the list." in page
    assert "\x00" not in page and "&lt;b&gt;" not in page
    assert_nothing_stored()


def test_a_report_with_escaped_bytes_that_are_not_utf8_is_refused(client, catalogue):
    # Percent-escaped Latin-1, as a page sent in another encoding would post "Køge".
    body = urlencode(nuisance()).replace("K%C3%B8ge+Strand", "K%F8ge+Strand")
    assert "%F8" in body
    response = client.post(
        reverse(URL["gene-unges-fester"]), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("place", "undecodable")
    assert "Part of this could not be read." in response.content.decode()
    assert_nothing_stored()


def test_a_report_with_a_real_replacement_character_is_kept(client, catalogue):
    response = post(client, nuisance(description="Skiltet viser \ufffd i stedet for et tal."))
    status_link(response)
    assert ServiceRequest.objects.get().description == "Skiltet viser \ufffd i stedet for et tal."


@pytest.mark.parametrize("lat", ["5_5.3", "55.3e0", "nan", "0x37"])
def test_a_marked_place_written_other_than_as_a_decimal_is_refused(client, catalogue, lat):
    response = post(client, tip(lat=lat))
    assert response.context["form"].has_error("lat", "invalid")
    assert_nothing_stored()


def test_an_answer_with_bytes_that_are_not_utf8_is_refused(client, answered):
    request, url = answered
    response = client.post(
        url, b"body=Det+sker+%FF%FE%FD+igen", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Part of your message could not be read." in response.content.decode()
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


def test_an_answer_larger_than_a_message_can_be_is_refused_before_it_is_read(client, answered):
    request, url = answered
    response = client.generic(
        "POST",
        url,
        b"body=kort",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "Please write a shorter message." in response.content.decode()
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


def test_an_answer_with_a_real_replacement_character_is_kept(client, answered):
    request, url = answered
    response = client.post(url, {"body": "Skiltet viser \ufffd i stedet for et tal."})
    assert response.status_code == 302
    kept = request.messages.get(kind=Message.Kind.CITIZEN)
    assert kept.body == "Skiltet viser \ufffd i stedet for et tal."


def test_an_answer_of_only_invisible_characters_is_refused(client, answered):
    request, url = answered
    response = client.post(url, {"body": "\u200b\u200b"})
    assert response.status_code == 200
    assert 'class="form-error-message"' in response.content.decode()
    assert not request.messages.filter(kind=Message.Kind.CITIZEN).exists()


def test_an_address_no_mail_can_reach_is_refused(client, catalogue):
    """Django's check takes a domain label of 60 "ø", which is over the 63 characters DNS
    allows once written as "xn--…": the receipt would have been lost."""
    response = post(client, tip(reporter_email="a@" + "ø" * 60 + ".dk"))
    assert "Enter an e-mail address that can receive mail." in response.content.decode()
    assert_nothing_stored()
    status_link(post(client, tip(reporter_email="a@rødovre.dk")))
    assert ServiceRequest.objects.get().reporter_email == "a@rødovre.dk"
