"""Defining plan indicators as the secretariat does, in the staff form and in the admin: what is
refused, what is stored, and the audit entry of every write."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.conftest import PASSWORD
from tryghed.accounts.models import User
from tryghed.audit.models import AuditEntry
from tryghed.indicators.models import Indicator
from tryghed.statistics.models import StatSeries, StatTable

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(plan):
    return plan.focus_areas.get()


@pytest.fixture
def secretariat_client(client_for, personas):
    return client_for(personas["secretariat"], language="en")


def form_data(area, **changes):
    return {
        "title": "Indbrud i private hjem",
        "title_en": "",
        "focus_area": area.pk,
        "initiative": "",
        "kind": "incidents",
        "categories": ["burglary_home"],
        "series": "",
        "municipality": "",
        "measure": "count",
        "baseline_year": "2022",
        "baseline_start": "",
        "baseline_end": "",
        "current_year": "",
        "target_percent": "10",
        "direction": "decrease",
        "order": "0",
        **changes,
    }


def post_add(client, plan, data):
    return client.post(reverse("staff:plans:indicator_add", args=[plan.pk]), data)


@pytest.fixture
def series(reference):
    table = StatTable.objects.create(code="STRAF11", title="Anmeldte forbrydelser")
    return StatSeries.objects.create(table=table, label="Ejendomsforbrydelser i alt")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # Fewer than no incidents is no target: it could never be on track.
        ({"target_percent": "500"}, "target_percent", "A decrease cannot be more than 100 %."),
        ({"target_percent": "100.1"}, "target_percent", "A decrease cannot be more than 100 %."),
        # Three years are not compared with one: only the first would have been read.
        (
            {"baseline_year": "", "baseline_start": "2019-01-01", "baseline_end": "2021-12-31"},
            "baseline_end",
            "A baseline period can be at most a year long.",
        ),
        (
            {"baseline_year": "", "baseline_start": "2021-03-01", "baseline_end": "2022-03-01"},
            "baseline_end",
            "A baseline period can be at most a year long.",
        ),
    ],
)
def test_refused_and_nothing_stored(secretariat_client, plan, area, changes, field, message):
    before = (Indicator.objects.count(), AuditEntry.objects.count())
    response = post_add(secretariat_client, plan, form_data(area, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in errors.get(field, []), errors
    assert message in response.content.decode()
    assert (Indicator.objects.count(), AuditEntry.objects.count()) == before


def test_statistics_over_more_than_four_quarters_are_refused(
    secretariat_client, plan, area, series
):
    data = form_data(
        area,
        kind="statistics",
        categories=[],
        series=series.pk,
        baseline_year="",
        baseline_start="2020-01-01",
        baseline_end="2021-06-30",
        current_year="2022",
    )
    response = post_add(secretariat_client, plan, data)
    assert response.status_code == 200
    assert (
        "A baseline period can be at most a year long."
        in (response.context["form"].errors["baseline_end"])
    )
    assert not Indicator.objects.filter(kind="statistics").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"target_percent": "100"},
        {"target_percent": "0"},
        {"target_percent": "500", "direction": "increase"},
        # A whole leap year, and a year that does not begin on 1 January.
        {"baseline_year": "", "baseline_start": "2020-01-01", "baseline_end": "2020-12-31"},
        {"baseline_year": "", "baseline_start": "2021-07-01", "baseline_end": "2022-06-30"},
    ],
)
def test_accepted(secretariat_client, plan, area, changes):
    response = post_add(secretariat_client, plan, form_data(area, **changes))
    assert response.status_code == 302, response.context["form"].errors
    assert Indicator.objects.count() == 1


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client_for, reference):
        return client_for(User.objects.create_superuser("root", password=PASSWORD))

    def admin_data(self, area, **changes):
        return {
            "focus_area": area.pk,
            "initiative": "",
            "external_id": "",
            "order": "0",
            "title": "Indbrud i private hjem",
            "title_en": "",
            "kind": "incidents",
            "categories": '["burglary_home"]',
            "municipality": "",
            "series": "",
            "measure": "count",
            "baseline_year": "2022",
            "baseline_start": "",
            "baseline_end": "",
            "current_year": "",
            "target_percent": "10",
            "direction": "decrease",
            **changes,
        }

    def entries(self, pk):
        return AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Indicator), object_id=str(pk)
        )

    def test_admin_writes_are_audited(self, admin_client, area, district):
        response = admin_client.post(
            reverse("admin:indicators_indicator_add"), self.admin_data(area)
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        item = Indicator.objects.get()
        created = self.entries(item.pk).get()
        assert (created.action, created.actor_name, created.message) == ("create", "root", "admin")
        assert created.district_id == district.pk

        response = admin_client.post(
            reverse("admin:indicators_indicator_change", args=[item.pk]),
            self.admin_data(area, target_percent="15"),
        )
        assert response.status_code == 302
        updated = self.entries(item.pk).get(action="update")
        assert updated.changes == {"target_percent": ["10.0", "15.0"]}

        response = admin_client.post(
            reverse("admin:indicators_indicator_delete", args=[item.pk]), {"post": "yes"}
        )
        assert response.status_code == 302
        assert not Indicator.objects.exists()
        deleted = self.entries(item.pk).get(action="delete")
        assert deleted.district_id == district.pk and deleted.actor_name == "root"

    def test_the_admin_refuses_a_decrease_of_more_than_everything(self, admin_client, area):
        response = admin_client.post(
            reverse("admin:indicators_indicator_add"),
            self.admin_data(area, target_percent=Decimal("250")),
        )
        assert response.status_code == 200
        assert not Indicator.objects.exists() and not AuditEntry.objects.exists()


def test_the_audit_log_says_who_changed_an_indicator_and_when(
    client_for, personas, plan, area, secretariat_client
):
    post_add(secretariat_client, plan, form_data(area, title="Nyt mål"))
    item = Indicator.objects.get(title="Nyt mål")
    entry = AuditEntry.objects.get(object_id=str(item.pk), content_type__model="indicator")
    assert entry.actor == personas["secretariat"]
    assert abs(entry.at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
    log = client_for(personas["secretariat"]).get("/medarbejder/log/").content.decode()
    assert "Nyt mål" in log
