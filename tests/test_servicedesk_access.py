"""Every staff view of the service desk, walked for every persona (see tests/access.py).

A Køge tip reaches the Køge police queue; a Greve park party reaches the Greve police and
the Greve municipality queues; a Greve tip only the Greve police queue. Local officers act on
their municipality's police queue, municipal staff on their municipality's queue, the
secretariat on every queue of the district; district staff read everything of the district
and act on nothing. Municipal staff do not see the police's queue: a tip is police
information.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.access import StaffView, StaffViewAccess
from tests.test_servicedesk_staff import (  # noqa: F401
    GREVE,
    KOEGE,
    desk,
    services,
)
from tryghed.servicedesk import actions
from tryghed.servicedesk.models import Photo

DESK = {"secretariat", "district_staff", "koege_officer", "greve_staff", "foreign_secretariat"}
KOEGE_READERS = {"secretariat", "district_staff", "koege_officer"}
GREVE_READERS = {"secretariat", "district_staff", "greve_staff"}
GREVE_POLICE_READERS = {"secretariat", "district_staff"}
KOEGE_POLICE_WORKERS = {"secretariat", "koege_officer"}
GREVE_POLICE_WORKERS = {"secretariat"}
GREVE_MUNICIPAL_WORKERS = {"secretariat", "greve_staff"}

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture
def ctx(desk, services, koege_officer, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    original, _token = actions.submit_request(
        services["drugs"], description="Første tip", lat=KOEGE[0], lon=KOEGE[1]
    )
    greve_tip, _token = actions.submit_request(
        services["drugs"], description="Salg ved stationen", lat=GREVE[0], lon=GREVE[1]
    )
    photo = Photo(request=desk["koege_tip"], content_type="image/png", width=1, height=1)
    photo.image.save("foto.png", ContentFile(PNG), save=True)
    return {
        **desk,
        "original": original,
        "greve_tip": greve_tip,
        "photo": photo,
        "koege_officer": koege_officer,
    }


def queue(handling_key, name="queue"):
    return lambda ctx: reverse(f"staff:servicedesk_staff:{name}", args=[ctx[handling_key].queue_id])


def request_page(key):
    return lambda ctx: reverse("staff:servicedesk_staff:request", args=[ctx[key].reference])


def action(handling_key, name):
    return lambda ctx: reverse(
        "staff:servicedesk_staff:action",
        args=[ctx[handling_key].request.reference, ctx[handling_key].pk, name],
    )


class TestServiceDeskPages(StaffViewAccess):
    views = [
        StaffView("queues", lambda ctx: reverse("staff:servicedesk_staff:queues"), DESK),
        StaffView("koege_police_queue", queue("koege_police"), KOEGE_READERS),
        StaffView("greve_police_queue", queue("greve_police"), GREVE_POLICE_READERS),
        StaffView("greve_police_csv", queue("greve_police", "queue_csv"), GREVE_POLICE_READERS),
        StaffView("greve_municipal_queue", queue("greve_municipal"), GREVE_READERS),
        StaffView("koege_police_csv", queue("koege_police", "queue_csv"), KOEGE_READERS),
        StaffView("greve_municipal_csv", queue("greve_municipal", "queue_csv"), GREVE_READERS),
        StaffView("koege_tip", request_page("koege_tip"), KOEGE_READERS),
        StaffView("greve_party", request_page("greve_party"), GREVE_READERS),
        StaffView("greve_tip", request_page("greve_tip"), GREVE_POLICE_READERS),
        StaffView(
            "koege_photo",
            lambda ctx: reverse(
                "staff:servicedesk_staff:photo",
                args=[ctx["koege_tip"].reference, ctx["photo"].pk],
            ),
            KOEGE_READERS,
        ),
    ]


def post(name, url, allowed, data=None):
    return StaffView(name, url, allowed, method="post", data=data, ok_status=302)


class TestServiceDeskActions(StaffViewAccess):
    views = [
        post(
            "triage",
            action("koege_police", "triage"),
            KOEGE_POLICE_WORKERS,
            lambda ctx: {
                "triage-service": ctx["koege_tip"].service_id,
                "triage-priority": "1",
            },
        ),
        post(
            "assign",
            action("koege_police", "assign"),
            KOEGE_POLICE_WORKERS,
            lambda ctx: {"assign-assignee": ctx["koege_officer"].pk},
        ),
        post(
            "status",
            action("koege_police", "status"),
            KOEGE_POLICE_WORKERS,
            {"status-status": "in_progress"},
        ),
        post(
            "close",
            action("koege_police", "close"),
            KOEGE_POLICE_WORKERS,
            {"close-outcome": "resolved"},
        ),
        post(
            "duplicate",
            action("koege_police", "duplicate"),
            KOEGE_POLICE_WORKERS,
            lambda ctx: {"duplicate-original": ctx["original"].reference},
        ),
        post("spam", action("koege_police", "spam"), KOEGE_POLICE_WORKERS),
        post(
            "note",
            action("koege_police", "note"),
            KOEGE_POLICE_WORKERS,
            {"note-body": "Intern note"},
        ),
        post(
            "reply",
            action("koege_police", "reply"),
            KOEGE_POLICE_WORKERS,
            {"reply-body": "Tak for dit tip"},
        ),
        post(
            "greve_police_note",
            action("greve_police", "note"),
            GREVE_POLICE_WORKERS,
            {"note-body": "Intern note"},
        ),
        post(
            "greve_municipal_close",
            action("greve_municipal", "close"),
            GREVE_MUNICIPAL_WORKERS,
            {"close-outcome": "resolved"},
        ),
        post(
            "greve_municipal_reply",
            action("greve_municipal", "reply"),
            GREVE_MUNICIPAL_WORKERS,
            {"reply-body": "Parken bliver ryddet"},
        ),
        post("unknown_action", action("koege_police", "delete"), set(), {}),
    ]
