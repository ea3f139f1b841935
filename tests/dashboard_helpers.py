"""Helpers shared by the tests of the public's numbers across selections
(test_dashboard_families*.py, test_dashboard_hotspot_families.py).

"Today" is 18 November 2026 (`today`): the public reads up to October."""

import csv
import datetime
import io

import pytest

from tryghed.accounts.models import RoleAssignment, User
from tryghed.dashboard import report
from tryghed.incidents.models import DANISH_TIME, Incident

URL = "/medarbejder/tal/"
TODAY = datetime.date(2026, 11, 18)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(report, "local_today", lambda: TODAY)


def add(source, municipality, category, day, count, place=None):
    """`count` incidents of `category` at noon on `day`, at `place` (lat, lon) if given."""
    start = Incident.objects.count()
    lat, lon = place or (None, None)
    Incident.objects.bulk_create(
        Incident(
            source=source,
            external_id=f"F-{start + n}",
            occurred_at=datetime.datetime.combine(day, datetime.time(12), DANISH_TIME),
            category=category,
            municipality=municipality,
            lat=lat,
            lon=lon,
        )
        for n in range(count)
    )


def read(client, path):
    """{first column: third column} of a dashboard CSV (a period or a municipality: its
    count as published)."""
    response = client.get(URL + path)
    assert response.status_code == 200, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return {row[0]: row[2] for row in rows[1:]}


def lokalraad_member(council, username="greve_member"):
    user = User.objects.create_user(username, password="x")
    RoleAssignment.objects.create(
        user=user, role=RoleAssignment.Role.COUNCIL_MEMBER, council=council
    )
    return user
