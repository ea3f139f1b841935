"""Fixtures and helpers shared by the council-meeting tests (test_meetings*.py).

Import the fixtures a module needs (`from tests.meetings_helpers import *  # noqa: F403`).
On top of the personas in conftest.py:
- koege_member: member of Køge's lokalråd (sees Køge's meetings, not the kredsråd's)
- koege_secretary: the secretary of Køge's lokalråd (runs Køge's meetings only)
"""

import datetime as dt
import io

import pytest
from django.utils import timezone
from weasyprint import HTML

from tests.conftest import Role, _user
from tryghed.accounts.models import RoleAssignment
from tryghed.meetings import actions
from tryghed.organisation.models import CouncilMembership, Person

__all__ = [
    "media",
    "people",
    "koege_member",
    "koege_secretary",
    "kredsraad_meeting",
    "make_meeting",
    "pdf_bytes",
    "upload",
]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _seat(council, person, organisation, position=CouncilMembership.Position.MEMBER):
    return CouncilMembership.objects.create(
        council=council, person=person, organisation=organisation, position=position
    )


@pytest.fixture
def people(councils, organisations, council_member):
    """The kredsråd: a police director who chairs, a mayor (the council_member persona) and a
    secretary; Køge's lokalråd: a local police leader."""
    director = Person.objects.create(name="Politidirektør Hansen", email="pd@politi.dk")
    mayor = Person.objects.create(
        name="Borgmester Jensen", email="borgmester@koege.dk", user=council_member
    )
    secretary = Person.objects.create(name="Sekretær Holm", email="sekretariat@politi.dk")
    leader = Person.objects.create(name="Lokalpolitileder Berg", email="berg@politi.dk")
    kreds, koege = councils["kredsraad"], councils["koege"]
    _seat(kreds, director, organisations["police"], CouncilMembership.Position.CHAIR)
    _seat(kreds, mayor, organisations["koege"])
    _seat(kreds, secretary, organisations["police"], CouncilMembership.Position.SECRETARY)
    _seat(koege, leader, organisations["police"], CouncilMembership.Position.CHAIR)
    return {"director": director, "mayor": mayor, "secretary": secretary, "leader": leader}


@pytest.fixture
def koege_member(councils):
    return _user("koege_member", role=Role.COUNCIL_MEMBER, council=councils["koege"])


@pytest.fixture
def koege_secretary(councils, organisations):
    user = _user("koege_secretary")
    person = Person.objects.create(name="Sekretær Køge", email="sek@koege.dk", user=user)
    _seat(councils["koege"], person, organisations["koege"], CouncilMembership.Position.SECRETARY)
    assert not RoleAssignment.objects.filter(user=user).exists()
    return user


def make_meeting(council, by, *, days=14, title="Kredsrådsmøde", **fields):
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)
    return actions.create_meeting(
        council,
        by=by,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        place=fields.pop("place", "Politigården, Næstved"),
        **fields,
    )


@pytest.fixture
def kredsraad_meeting(councils, people, secretariat):
    return make_meeting(councils["kredsraad"], secretariat)


def pdf_bytes(text="Bilag", pages=1):
    body = "".join(f'<p style="break-after: page">{text} side {n}</p>' for n in range(1, pages + 1))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def upload(name, content, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)
