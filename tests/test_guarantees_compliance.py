"""Compliance per guarantee × municipality × month against a small case set computed by hand,
from the shell (guarantee_compliance) and on the councils' page with its CSV and PDF."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tryghed.guarantees import actions, compliance, counts, rules
from tryghed.guarantees.catalogue import load_guarantees
from tryghed.guarantees.clock import DANISH_TIME
from tryghed.guarantees.models import Deadline, GuaranteeVersion, SafetyFollowUp
from tryghed.incidents.models import Incident, IncidentSource


def local(*args):
    return datetime.datetime(*args, tzinfo=DANISH_TIME)


@pytest.fixture(autouse=True)
def fresh_rules():
    rules.forget()
    yield
    rules.forget()


@pytest.fixture
def cases(reference, district, koege, greve):
    """Burglaries (24 hours) in 2026:

    Køge, January: responses of 60, 120, 180 and 1500 minutes (the last missed), one still
    running although long overdue (missed), and one of a request that turned out spam (not
    counted). Greve, January: one response of 30 minutes. Køge, this month: one reported an
    hour ago, open.
    """
    load_guarantees()
    version = GuaranteeVersion.objects.get(guarantee__code="indbrud-i-private-hjem")
    source = IncidentSource.objects.create(name="haandregnet", district=district)
    now = timezone.now()
    specs = [
        (koege, local(2026, 1, 5, 10), 60),
        (koege, local(2026, 1, 12, 22), 120),
        (koege, local(2026, 1, 20, 3), 180),
        (koege, local(2026, 1, 31, 23, 30), 1500),  # still January in Denmark
        (koege, local(2026, 1, 10, 8), None),
        (koege, local(2026, 1, 11, 8), "void"),
        (greve, local(2026, 1, 15, 12), 30),
        (koege, now - datetime.timedelta(hours=1), None),
    ]
    for n, (municipality, started, response) in enumerate(specs):
        incident = Incident.objects.create(
            source=source,
            external_id=str(n),
            occurred_at=started,
            reported_at=started,
            category="burglary_home",
            municipality=municipality,
        )
        deadline = actions.new_deadline(
            version,
            started_at=started,
            municipality_id=municipality.pk,
            district_id=district.pk,
            incident=incident,
        )
        if response == "void":
            deadline.outcome = Deadline.Outcome.VOID
        elif response is not None:
            actions._stop(deadline, started + datetime.timedelta(minutes=response))
        counts.save([deadline])
    return now


THIS_MONTH = timezone.localdate().strftime("%Y-%m")
EXPECTED = [
    "guarantee,municipality_code,month,cases,met,missed,open,median_minutes,p90_minutes",
    "indbrud-i-private-hjem,0253,2026-01,1,1,0,0,30,30",
    "indbrud-i-private-hjem,0259,2026-01,5,3,2,0,150,1500",
]


def test_the_figures_match_the_hand_computed_ones(cases):
    rows = compliance.rows(
        now=cases,
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 2, 1),
    )
    koege = next(r for r in rows if r.municipality.code == "0259")
    assert (koege.cases, koege.met, koege.missed, koege.open) == (5, 3, 2, 0)
    assert koege.median_minutes == 150
    assert koege.p90_minutes == 1500
    assert koege.met_percent == 60.0


def test_percentiles_by_nearest_rank():
    values = list(range(1, 11))
    assert compliance.percentile(values, 0.9) == 9
    assert compliance.percentile([5], 0.9) == 5
    assert compliance.percentile([1, 2, 3], 0.5) == 2


def test_the_command_prints_the_table_as_csv(cases):
    out = io.StringIO()
    call_command("guarantee_compliance", "--month", "2026-01", stdout=out)
    assert out.getvalue().splitlines() == EXPECTED
    out = io.StringIO()
    call_command("guarantee_compliance", "--year", "2026", stdout=out)
    lines = out.getvalue().splitlines()
    if THIS_MONTH.startswith("2026"):
        assert lines == [*EXPECTED, f"indbrud-i-private-hjem,0259,{THIS_MONTH},1,0,0,1,,"]
    out = io.StringIO()
    call_command("guarantee_compliance", "--year", "2025", stdout=out)
    assert out.getvalue().splitlines() == EXPECTED[:1]


@pytest.mark.parametrize(
    "args", [["--year", "tjue"], ["--month", "2026-13"], ["--month", "januar"]]
)
def test_the_command_refuses_bad_periods(cases, args):
    with pytest.raises(CommandError):
        call_command("guarantee_compliance", *args, stdout=io.StringIO())


def _page(client, **params):
    return client.get(reverse("staff:guarantees:compliance"), {"year": "2026", **params})


def test_the_page_shows_each_reader_their_area(
    cases, secretariat, council_member, greve_staff, foreign_secretariat, client_for
):
    page = _page(client_for(secretariat)).content.decode()
    assert 'data-municipality="0259" data-month="2026-01"' in page
    assert 'data-municipality="0253" data-month="2026-01"' in page
    assert 'id="compliance-spec"' in page
    council = _page(client_for(council_member)).content.decode()
    assert 'data-municipality="0259" data-month="2026-01"' in council
    greve = _page(client_for(greve_staff)).content.decode()
    assert 'data-municipality="0253"' in greve and 'data-municipality="0259"' not in greve
    foreign = _page(client_for(foreign_secretariat)).content.decode()
    assert "data-municipality=" not in foreign


def test_filters_and_downloads_follow_the_choice(cases, secretariat, client_for):
    client = client_for(secretariat)
    page = _page(client, municipality="0253").content.decode()
    assert 'data-municipality="0253"' in page and 'data-municipality="0259"' not in page
    response = client.get(
        reverse("staff:guarantees:compliance_csv"), {"year": "2026", "month": "1"}
    )
    assert response.status_code == 200
    assert response.content.decode().splitlines() == EXPECTED
    pdf = client.get(reverse("staff:guarantees:compliance_pdf"), {"year": "2026", "month": "1"})
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"year": "1066"},
        {"month": "13"},
        {"municipality": "9999"},
        {"guarantee": "x"},
    ],
)
def test_bad_filters_get_a_message_and_no_error(cases, secretariat, client_for, params):
    client = client_for(secretariat)
    page = client.get(reverse("staff:guarantees:compliance"), params)
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    csv = client.get(reverse("staff:guarantees:compliance_csv"), params)
    assert csv.status_code == 400
    pdf = client.get(reverse("staff:guarantees:compliance_pdf"), params)
    assert pdf.status_code == 400


def test_the_page_changes_when_a_stop_is_recorded(cases, koege_officer, secretariat, client_for):
    running = Deadline.objects.get(
        outcome=Deadline.Outcome.OPEN, started_at__gte=cases - datetime.timedelta(hours=2)
    )
    client_for(koege_officer).post(reverse("staff:guarantees:stop", args=[running.pk]))
    out = io.StringIO()
    call_command("guarantee_compliance", "--month", THIS_MONTH, stdout=out)
    assert (
        out.getvalue()
        .splitlines()[1]
        .startswith(f"indbrud-i-private-hjem,0259,{THIS_MONTH},1,1,0,0,")
    )


def test_the_demo_loads_guarantees_and_cases_once(reference, capsys):
    call_command("load_guarantees", "--demo")
    first = capsys.readouterr().out
    assert "Garantier: 6 nye" in first or "Guarantees: 6 new" in first
    deadlines = Deadline.objects.count()
    assert Deadline.objects.filter(outcome=Deadline.Outcome.MET).exists()
    assert Deadline.objects.filter(outcome=Deadline.Outcome.MISSED).exists()
    assert Deadline.objects.filter(outcome=Deadline.Outcome.OPEN).exists()
    assert SafetyFollowUp.objects.filter(status=SafetyFollowUp.Status.DONE).exists()
    call_command("load_guarantees", "--demo")
    assert Deadline.objects.count() == deadlines
    out = io.StringIO()
    call_command("guarantee_compliance", stdout=out)
    assert len(out.getvalue().splitlines()) > 10
