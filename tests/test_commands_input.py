"""Odd arguments to the management commands: each is refused with a message, not a
traceback, and changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tryghed.incidents.models import IncidentSource
from tryghed.servicedesk.models import ApiClient, Service

pytestmark = pytest.mark.django_db


def run(*args):
    with translation.override("en"):
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.parametrize("content", [None, b"\xff\xfe\x00garbage"], ids=["directory", "not UTF-8"])
def test_load_services_refuses_a_directory_or_a_file_that_is_not_text(reference, tmp_path, content):
    path = tmp_path
    if content is not None:
        path = tmp_path / "services.json"
        path.write_bytes(content)
    with pytest.raises(CommandError, match="Cannot read|not UTF-8"):
        run("load_services", str(path))
    assert not Service.objects.exists()


@pytest.mark.parametrize("month", ["9999-12", "0001-01", ""])
def test_guarantee_compliance_refuses_a_month_at_the_edge_of_the_calendar(reference, month):
    with pytest.raises(CommandError, match="is not a month"):
        run("guarantee_compliance", "--month", month)


@pytest.mark.parametrize("interval", ["nan", "inf", "1e300", "0", "-5"])
def test_sweep_refuses_an_interval_no_clock_can_count(interval):
    with pytest.raises(CommandError, match="--interval"):
        run("sweep", "--loop", "--interval", interval)


def test_import_incidents_refuses_a_source_name_too_long_or_with_danish_letters(
    reference, tmp_path
):
    path = tmp_path / "incidents.csv"
    path.write_text("external_id,occurred_at,category\nA-1,2026-07-01T10:00,vandalism\n")
    with pytest.raises(CommandError, match="at most 100 characters"):
        run("import_incidents", str(path), "--source", "x" * 500)
    with pytest.raises(CommandError, match=r"a-z \(not æ, ø or å\)"):
        run("import_incidents", str(path), "--source", "kilde-ærø")
    assert not IncidentSource.objects.exists()


@pytest.mark.parametrize("name", ["a\x00b", "Giv et\npraj"])
def test_create_api_key_refuses_control_characters(name):
    with pytest.raises(CommandError, match="control characters"):
        run("create_api_key", name)
    assert not ApiClient.objects.exists()
