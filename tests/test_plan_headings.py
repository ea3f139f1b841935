"""A plan is headed by its title with its year, once: "Samarbejdsplan 2023" as the demo
plan's title already says it, "Samarbejdsplan" with the year added, on every page."""

import re

import pytest

from tryghed.plans.models import CooperationPlan

PAGES = [
    lambda plan: "/medarbejder/",
    lambda plan: "/medarbejder/planer/",
    lambda plan: f"/medarbejder/planer/{plan.pk}/",
    lambda plan: "/medarbejder/tal/",
    lambda plan: f"/samarbejdsplan/{plan.year}/",
]


@pytest.fixture
def titled(plan):
    plan.title = "Samarbejdsplan 2023"
    plan.title_en = "Cooperation plan 2023"
    plan.save()
    return plan


@pytest.mark.parametrize("page", range(len(PAGES)))
def test_no_heading_repeats_the_year(titled, secretariat, client_for, page):
    text = client_for(secretariat).get(PAGES[page](titled)).content.decode()
    assert "Samarbejdsplan 2023" in text
    assert not re.search(r"2023\s+2023", text)


def test_a_title_without_the_year_gets_it(plan, secretariat, client_for):
    text = client_for(secretariat).get(f"/medarbejder/planer/{plan.pk}/").content.decode()
    assert "<h1>Samarbejdsplan 2023</h1>" in text
    english = client_for(secretariat, "en").get(f"/medarbejder/planer/{plan.pk}/")
    assert "<h1>Cooperation plan 2023</h1>" in english.content.decode()


@pytest.mark.parametrize(
    ("title", "heading"),
    [
        ("Samarbejdsplan", "Samarbejdsplan 2023"),
        ("Samarbejdsplan 2023", "Samarbejdsplan 2023"),
        ("Plan for 2023-2024", "Plan for 2023-2024"),
        ("Plan 20234", "Plan 20234 2023"),  # another number is not the year
    ],
)
def test_heading_for_any_title(title, heading):
    assert CooperationPlan(year=2023, title=title).heading == heading


def test_the_next_years_plan_carries_its_own_year(titled, secretariat, client_for):
    response = client_for(secretariat).post(f"/medarbejder/planer/{titled.pk}/naeste-aar/")
    assert response.status_code == 302
    new_plan = CooperationPlan.objects.get(district=titled.district, year=2024)
    assert (new_plan.title, new_plan.title_en) == ("Samarbejdsplan 2024", "Cooperation plan 2024")
    text = client_for(secretariat).get(response["Location"]).content.decode()
    assert "<h1>Samarbejdsplan 2024</h1>" in text
