"""The public site: front page, published plans (HTML and PDF), language, layout."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tryghed.organisation.models import Municipality, PoliceDistrict
from tryghed.plans.actions import record_progress
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative, Milestone
from tryghed.portal import pdf as plan_pdf_module
from tryghed.portal.pdf import LocalOnlyFetcher, plan_document

pytestmark = pytest.mark.django_db

PLAN_URL = "/samarbejdsplan/2023/"


def da(text):
    """What the page shows for `text` in Danish, the default language."""
    with translation.override("da"):
        return translation.gettext(text)


class InitiativeTree(HTMLParser):
    """Which initiative (by element id) each initiative on the page is nested in."""

    def __init__(self):
        super().__init__()
        self.stack = []
        self.parent_of = {}

    def handle_starttag(self, tag, attrs):
        if tag != "li":
            return
        element_id = dict(attrs).get("id") or ""
        if element_id.startswith("initiativ-"):
            enclosing = [i for i in self.stack if i and i.startswith("initiativ-")]
            self.parent_of[element_id] = enclosing[-1] if enclosing else None
        self.stack.append(element_id)

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()


def initiative_parents(html):
    parser = InitiativeTree()
    parser.feed(html)
    return parser.parent_of


def text(response):
    return response.content.decode()


@pytest.fixture
def areas(plan):
    """Two more focus areas, created out of their order, each with an initiative."""
    youth = FocusArea.objects.create(
        plan=plan, order=3, slug="unge", title="Unge og kriminalitet", title_en="Youth and crime"
    )
    traffic = FocusArea.objects.create(
        plan=plan, order=2, slug="trafik", title="Trafiksikkerhed", title_en="Road safety"
    )
    Initiative.objects.create(
        plan=plan, focus_area=youth, external_id="U-1", title="SSP-netværksmøder"
    )
    Initiative.objects.create(
        plan=plan, focus_area=traffic, external_id="F-1", title="Hastighedskontrol ved skoler"
    )
    return plan


# ---- Front page ---------------------------------------------------------------------


def test_front_page_presents_the_district_and_its_municipalities(client, plan):
    response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    district = PoliceDistrict.objects.get(number=settings.TRYGHED_DISTRICT)
    assert f"<h1>{district.name}</h1>" in body
    names = list(Municipality.objects.filter(district=district).values_list("name", flat=True))
    assert len(names) == 10
    for name in names:
        assert name in body
    # Each municipality is drawn on the map, linking to its entry in the list.
    assert body.count('class="map-area"') == 10
    assert 'href="#kommune-0259"' in body and 'id="kommune-0259"' in body
    assert f'href="{reverse("portal:plan", args=[2023])}"' in body


def test_front_page_counts_the_initiatives_of_each_municipality(client, plan):
    body = text(client.get("/"))
    koege = body[body.index('id="kommune-0259"') :]
    koege = koege[: koege.index("</li>")]
    assert "1 indsats i planen for 2023" in koege


def test_front_page_leads_citizens_to_the_three_services(client, plan):
    body = text(client.get("/"))
    services = body[body.index('id="services-heading"') :]
    services = services[: services.index("</section>")]
    for path, name in [
        ("/tip/", "Tip politiet"),
        ("/anmeld-gener/", "Anmeld gener"),
        ("/bestil-en-betjent/", "Bestil en betjent"),
    ]:
        assert f'<a href="{path}">{name}</a>' in services
        assert client.get(path).status_code == 200


def test_front_page_links_the_newest_published_plan_only(client, plan, district):
    CooperationPlan.objects.create(district=district, year=2024, title="Samarbejdsplan")
    body = text(client.get("/"))
    assert reverse("portal:plan", args=[2023]) in body
    assert reverse("portal:plan", args=[2024]) not in body


def test_front_page_without_a_plan(client, district):
    response = client.get("/")
    assert response.status_code == 200
    assert da("No cooperation plan has been published yet.") in text(response)


def test_front_page_before_the_reference_data_is_loaded(client, settings):
    settings.TRYGHED_DISTRICT = 99  # no such district in the database
    response = client.get("/")
    assert response.status_code == 200
    assert da("The site is being set up") in text(response)


# ---- The plan page ---------------------------------------------------------------------


def test_plan_page_lists_focus_areas_in_their_order(client, areas):
    response = client.get(PLAN_URL)
    assert response.status_code == 200
    body = text(response)
    positions = [
        body.index(f'id="indsatsomraade-{slug}"') for slug in ("indbrud", "trafik", "unge")
    ]
    assert positions == sorted(positions)
    # The table of contents follows the same order.
    toc = body[body.index('id="toc-heading"') : body.index("</nav>", body.index("toc-heading"))]
    titles = ["Forebyggelse af indbrud", "Trafiksikkerhed", "Unge og kriminalitet"]
    assert [toc.index(t) for t in titles] == sorted(toc.index(t) for t in titles)


def test_plan_page_nests_parts_under_their_initiative(client, plan):
    parent = Initiative.objects.get(plan=plan, external_id="T-1")
    parts = Initiative.objects.filter(plan=plan, parent=parent)
    parents = initiative_parents(text(client.get(PLAN_URL)))
    assert parents[f"initiativ-{parent.pk}"] is None
    for part in parts:
        assert parents[f"initiativ-{part.pk}"] == f"initiativ-{parent.pk}"


def test_plan_page_shows_progress_rolled_up(client, plan, secretariat):
    koege_part = Initiative.objects.get(plan=plan, external_id="T-1.1")
    record_progress(koege_part, by=secretariat, progress=Decimal("50"), status="in_progress")
    body = text(client.get(PLAN_URL))
    # Køge weighs 3, Greve 1: (3 × 50 + 1 × 0) / 4 = 37.5, shown rounded.
    overall = body[body.index(da("Overall progress of the plan")) :]
    assert re.match(r"Planens samlede fremdrift:.*?38\s%\sgennemført", overall, re.S)
    assert "width: 38%" in overall
    assert re.search(r"50\s%\sgennemført", body)
    assert da("In progress") in body


def test_plan_page_shows_who_where_and_when(client, plan):
    koege_part = Initiative.objects.get(plan=plan, external_id="T-1.1")
    Initiative.objects.filter(pk=koege_part.pk).update(
        start_date=dt.date(2023, 2, 1), end_date=dt.date(2023, 11, 30)
    )
    Milestone.objects.create(
        initiative=koege_part, title="Første 50 opkald", due_date=dt.date(2023, 3, 1)
    )
    body = text(client.get(PLAN_URL))
    assert "Midt- og Vestsjællands Politi" in body  # the responsible organisation
    assert da("Municipalities concerned") in body
    assert "1. februar 2023" in body and "30. november 2023" in body
    assert "Første 50 opkald" in body
    assert "Forord" in body


def test_plan_page_reads_the_plan_in_a_fixed_number_of_queries(
    client, areas, koege, greve, organisations, django_assert_max_num_queries
):
    plan = areas
    area = FocusArea.objects.get(plan=plan, slug="trafik")
    for n in range(8):
        parent = Initiative.objects.create(
            plan=plan, focus_area=area, external_id=f"P-{n}", title=f"Indsats {n}"
        )
        parent.responsible_organisations.set(organisations.values())
        for m in range(3):
            part = Initiative.objects.create(
                plan=plan,
                focus_area=area,
                parent=parent,
                external_id=f"P-{n}.{m}",
                title=f"Del {n}.{m}",
            )
            part.municipalities.set([koege, greve])
            Milestone.objects.create(initiative=part, title=f"Milepæl {n}.{m}")
    # The plan, its focus areas, initiatives, organisations, municipalities, milestones,
    # and the district name in the header.
    with django_assert_max_num_queries(7):
        response = client.get(PLAN_URL)
    assert response.status_code == 200
    assert "Del 7.2" in text(response)


@pytest.mark.parametrize("status", ["draft", "approved"])
def test_unpublished_plan_is_not_public(client, plan, status):
    CooperationPlan.objects.filter(pk=plan.pk).update(status=status)
    assert client.get(PLAN_URL).status_code == 404
    assert client.get("/samarbejdsplan/2023.pdf").status_code == 404


def test_unknown_year_is_404(client, plan):
    assert client.get("/samarbejdsplan/2019/").status_code == 404
    assert client.get("/samarbejdsplan/2019.pdf").status_code == 404


def test_another_districts_plan_is_not_shown_here(client, other_district):
    CooperationPlan.objects.create(
        district=other_district, year=2023, title="Nordjylland", status="published"
    )
    assert client.get(PLAN_URL).status_code == 404


# ---- Language ----------------------------------------------------------------------------


def test_plan_page_is_danish_by_default(client, plan):
    body = text(client.get(PLAN_URL))
    assert '<html lang="da">' in body
    assert "Forebyggelse af indbrud" in body
    assert "Burglary prevention" not in body


def test_language_switcher_works_without_javascript(plan):
    """The header's switch is an ordinary form: post it with its CSRF token, and the plan
    comes back in English."""
    client = Client(enforce_csrf_checks=True)
    page = text(client.get(PLAN_URL))
    form = page[page.index('<form class="language-switch"') :]
    form = form[: form.index("</form>")]
    assert f'action="{reverse("set_language")}"' in form and 'method="post"' in form
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', form).group(1)
    assert 'name="language" value="en"' in form

    response = client.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": token, "next": next_url, "language": "en"},
    )
    assert response.status_code == 302
    assert response["Location"] == PLAN_URL
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    body = text(client.get(PLAN_URL))
    assert '<html lang="en">' in body
    assert "Cooperation plan 2023" in body
    assert "Burglary prevention" in body
    assert "Safety follow-ups" in body
    assert "Contents" in body and "Overall progress of the plan" in body
    # A part with no English title is shown in Danish, marked as Danish.
    assert re.search(r'lang="da">Opfølgning i Køge<', body)


# ---- The PDF -------------------------------------------------------------------------------


def test_plan_pdf_is_served_inline(client, areas):
    response = client.get("/samarbejdsplan/2023.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="samarbejdsplan-2023.pdf"'
    assert response.content.startswith(b"%PDF")


def _bookmark_labels(tree):
    for label, _target, children, _state in tree:
        yield label
        yield from _bookmark_labels(children)


def test_plan_pdf_has_pages_and_an_outline_of_the_focus_areas(areas):
    with translation.override("da"):
        document = plan_document(areas)
    # Title page, contents and foreword, then each of the three focus areas on its own page.
    assert len(document.pages) >= 5
    labels = list(_bookmark_labels(document.make_bookmark_tree()))
    for title in ("Forebyggelse af indbrud", "Trafiksikkerhed", "Unge og kriminalitet"):
        assert any(title in label for label in labels), labels
    assert "Tryghedsopfølgninger" in labels


def test_plan_pdf_follows_the_active_language(areas):
    with translation.override("en"):
        document = plan_document(areas)
    labels = list(_bookmark_labels(document.make_bookmark_tree()))
    assert any("Burglary prevention" in label for label in labels), labels
    assert "Contents" in labels


def test_plan_pdf_is_typeset_again_only_when_the_plan_changed(client, plan, monkeypatch):
    typeset = plan_pdf_module._typeset
    calls = []

    def counting(html, faces):
        calls.append(html)
        return typeset(html, faces)

    monkeypatch.setattr(plan_pdf_module, "_typeset", counting)
    first = client.get("/samarbejdsplan/2023.pdf").content
    assert client.get("/samarbejdsplan/2023.pdf").content == first
    assert len(calls) == 1

    FocusArea.objects.filter(plan=plan).update(title="Færre indbrud")
    changed = client.get("/samarbejdsplan/2023.pdf").content
    assert len(calls) == 2 and "Færre indbrud" in calls[-1]
    assert changed.startswith(b"%PDF") and changed != first


def test_pdf_fetcher_reads_no_network_and_no_stray_files(tmp_path):
    allowed = tmp_path / "fonts"
    allowed.mkdir()
    (allowed / "font.ttf").write_bytes(b"font")
    (tmp_path / "elsewhere.txt").write_text("secret")
    fetcher = LocalOnlyFetcher([allowed])
    assert fetcher.fetch((allowed / "font.ttf").as_uri()).read() == b"font"
    for url in (
        "http://example.com/x.css",
        "https://example.com/x.woff",
        (tmp_path / "elsewhere.txt").as_uri(),
        (allowed / ".." / "elsewhere.txt").as_uri(),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# ---- Layout and other public pages ----------------------------------------------------------


def test_layout_for_anonymous_visitors(client, district):
    body = text(client.get("/"))
    assert 'class="skipnav" href="#main-content"' in body
    assert '<main id="main-content"' in body
    assert f'href="{reverse("accounts:login")}"' in body
    assert reverse("staff:home") not in body
    assert da("Tryghed – open source") in body
    assert "DAGI © Geodatastyrelsen" in body
    assert f'href="{reverse("portal:accessibility")}"' in body


def test_layout_for_staff(client_for, secretariat):
    body = text(client_for(secretariat).get("/"))
    assert f'href="{reverse("staff:home")}"' in body
    assert f'<form class="logout-form" action="{reverse("accounts:logout")}" method="post">' in body
    assert f'href="{reverse("accounts:login")}"' not in body


def test_accessibility_statement_is_public(client):
    response = client.get(reverse("portal:accessibility"))
    assert response.status_code == 200
    assert f"<h1>{da('Accessibility statement')}</h1>" in text(response)


def test_login_page_renders_in_the_layout(client, reference):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = text(response)
    assert 'for="id_username"' in body and 'for="id_password"' in body
    assert 'class="skipnav"' in body
