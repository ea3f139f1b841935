"""`load_demo` speaks the site's language, Danish first, like the project's other commands."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tryghed.organisation.models import Municipality, PoliceDistrict

pytestmark = pytest.mark.django_db


def run(*args, language="da"):
    out = StringIO()
    with translation.override(language):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_the_summary_is_in_danish(reference):
    summary = run()
    first_line, *left_out = summary.splitlines()
    assert first_line.startswith("Demopolitikredsen: oprettet ")
    assert first_line.endswith("; fandtes allerede: intet.")
    for counted in ("1 plan,", "8 indsatsområder", "42 indsatser", "8 konti"):
        assert counted in first_line, (counted, first_line)
    # Without the citizen services (not loaded here) their requests wait, and it says so.
    assert (
        "Udeladt: borgerhenvendelserne, indtil `manage.py load_services` er kørt "
        "(kør så denne kommando igen)."
    ) in left_out
    assert "created" not in summary and "Left out" not in summary


def test_the_logins_table_is_in_danish(reference):
    lines = run("--logins").splitlines()
    assert lines[0].split() == ["Brugernavn", "Rolle", "Område", "Adgangskode"]
    assert lines[-1].split()[:3] == ["admin", "Superbruger", "(Django-admin)"]


def test_without_reference_data_it_says_so_in_danish(reference):
    Municipality.objects.all().delete()
    PoliceDistrict.objects.all().delete()
    with pytest.raises(CommandError, match="Kør først `python manage.py load_reference`"):
        run()
