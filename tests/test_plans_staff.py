"""The staff pages of the cooperation plan, driven through HTTP as the personas use them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tryghed.audit.models import AuditEntry
from tryghed.organisation.models import Municipality
from tryghed.plans.models import CooperationPlan, FocusArea, Initiative, Milestone, ProgressUpdate

pytestmark = pytest.mark.django_db


def plan_url(name, *args):
    return reverse(f"staff:plans:{name}", args=args)


@pytest.fixture
def client_for(client_for):
    """The back office in English, whose messages these tests read."""
    return lambda user: client_for(user, language="en")


@pytest.fixture
def tree(plan):
    return {i.external_id: i for i in plan.initiatives.all()}


def fresh(initiative):
    return Initiative.objects.get(pk=initiative.pk)


def record(client, initiative, progress, status="in_progress", **extra):
    data = {
        "progress": str(progress),
        "status": status,
        "date": "2023-06-01",
        "text": f"Status {progress}",
        **extra,
    }
    return client.post(plan_url("record_progress", initiative.pk), data)


def audit_entries(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    )


def initiative_form_data(initiative, **changes):
    data = {
        "external_id": initiative.external_id,
        "title": initiative.title,
        "title_en": initiative.title_en,
        "focus_area": initiative.focus_area_id,
        "parent": initiative.parent_id or "",
        "order": initiative.order,
        "weight": str(initiative.weight),
        "status": initiative.status,
        "start_date": "",
        "end_date": "",
        "municipalities": [m.pk for m in initiative.municipalities.all()],
        "councils": [c.pk for c in initiative.councils.all()],
        "responsible_organisations": [o.pk for o in initiative.responsible_organisations.all()],
        "continues_next_year": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


class TestProgressRollUp:
    def test_recording_on_the_parts_moves_the_parent(self, tree, personas, client_for):
        koege = client_for(personas["koege_officer"])
        response = record(koege, tree["T-1.1"], 100, "completed")
        assert response.status_code == 302
        assert fresh(tree["T-1"]).progress == Decimal("75.00")

        page = client_for(personas["secretariat"]).get(plan_url("plan", tree["T-1"].plan_id))
        assert 'data-progress="75.00"' in page.content.decode()

        greve = client_for(personas["greve_staff"])
        assert record(greve, tree["T-1.2"], 100, "completed").status_code == 302
        assert fresh(tree["T-1"]).progress == Decimal("100.00")
        parent_page = koege.get(plan_url("initiative", tree["T-1"].pk)).content.decode()
        assert 'data-progress="100.00"' in parent_page

    def test_the_update_goes_on_the_timeline(self, tree, personas, client_for):
        client = client_for(personas["koege_officer"])
        record(client, tree["T-1.1"], 40, text="Første runde opkald er gennemført")
        update = ProgressUpdate.objects.get(initiative=tree["T-1.1"])
        assert (update.progress, update.status, update.date) == (
            Decimal("40.00"),
            "in_progress",
            datetime.date(2023, 6, 1),
        )
        assert update.author == personas["koege_officer"]
        page = client.get(plan_url("initiative", tree["T-1.1"].pk)).content.decode()
        assert "Første runde opkald er gennemført" in page
        assert 'datetime="2023-06-01"' in page

    def test_the_audit_log_has_who_when_before_and_after(self, tree, personas, client_for):
        before = timezone.now()
        record(client_for(personas["koege_officer"]), tree["T-1.1"], 40)
        entry = audit_entries(tree["T-1.1"]).get()
        assert entry.actor == personas["koege_officer"]
        assert entry.actor_name == "koege_officer"
        assert entry.at >= before
        assert entry.action == AuditEntry.Action.UPDATE
        assert entry.changes["progress"] == ["0.00", "40.00"]
        assert entry.changes["status"] == ["planned", "in_progress"]
        assert entry.district_id == tree["T-1.1"].plan.district_id

    def test_a_parent_is_refused_with_a_message(self, tree, personas, client_for):
        response = record(client_for(personas["secretariat"]), tree["T-1"], 50)
        assert response.status_code == 200
        assert "computed from its parts" in response.content.decode()
        assert fresh(tree["T-1"]).progress == 0
        assert not ProgressUpdate.objects.exists()
        assert not AuditEntry.objects.exists()

    @pytest.mark.parametrize(
        ("progress", "date", "message"),
        [
            ("150", "2023-06-01", "100"),
            ("-1", "2023-06-01", "0"),
            ("lots", "2023-06-01", "number"),
            ("50", "2999-01-01", "future"),
            ("50", "not a date", "date"),
        ],
    )
    def test_bad_progress_changes_nothing(
        self, tree, personas, client_for, progress, date, message
    ):
        client = client_for(personas["koege_officer"])
        response = record(client, tree["T-1.1"], progress, date=date)
        assert response.status_code == 200
        html = response.content.decode()
        assert "form-error-message" in html
        assert message in html
        assert fresh(tree["T-1.1"]).progress == 0
        assert not ProgressUpdate.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_readers_see_no_progress_form(self, tree, personas, client_for):
        page = client_for(personas["district_staff"]).get(plan_url("initiative", tree["T-1.1"].pk))
        assert plan_url("record_progress", tree["T-1.1"].pk) not in page.content.decode()
        officer_page = client_for(personas["koege_officer"]).get(
            plan_url("initiative", tree["T-1.1"].pk)
        )
        assert plan_url("record_progress", tree["T-1.1"].pk) in officer_page.content.decode()


class TestMilestones:
    def test_add_and_mark_done(self, tree, personas, client_for):
        client = client_for(personas["koege_officer"])
        part = tree["T-1.1"]
        response = client.post(
            plan_url("milestone_add", part.pk), {"title": "Første møde", "due_date": "2023-09-01"}
        )
        assert response.status_code == 302
        milestone = Milestone.objects.get(initiative=part)
        assert milestone.due_date == datetime.date(2023, 9, 1)
        assert not milestone.is_done
        client.post(plan_url("milestone_done", part.pk, milestone.pk))
        milestone.refresh_from_db()
        assert milestone.completed_on == timezone.localdate()
        assert audit_entries(milestone).count() == 2
        # A second press changes nothing and logs nothing.
        client.post(plan_url("milestone_done", part.pk, milestone.pk))
        assert audit_entries(milestone).count() == 2

    def test_a_milestone_without_title_is_refused(self, tree, personas, client_for):
        client = client_for(personas["koege_officer"])
        response = client.post(plan_url("milestone_add", tree["T-1.1"].pk), {"title": ""})
        assert response.status_code == 200
        assert "form-error-message" in response.content.decode()
        assert not Milestone.objects.exists()


class TestPlanStatus:
    def change(self, client, plan, status):
        return client.post(plan_url("plan_status", plan.pk), {"status": status}, follow=True)

    def test_the_workflow_one_step_at_a_time(self, plan, personas, client_for):
        client = client_for(personas["secretariat"])
        self.change(client, plan, "approved")
        self.change(client, plan, "draft")
        plan.refresh_from_db()
        assert plan.status == "draft"
        assert plan.approved_at is not None

        response = self.change(client, plan, "published")
        plan.refresh_from_db()
        assert plan.status == "draft"
        assert "cannot become" in response.content.decode()

        self.change(client, plan, "approved")
        response = self.change(client, plan, "published")
        plan.refresh_from_db()
        assert plan.status == "published"
        assert plan.published_at is not None
        assert audit_entries(plan).filter(message="status").count() == 4

    def test_an_unknown_status_changes_nothing(self, plan, personas, client_for):
        response = self.change(client_for(personas["secretariat"]), plan, "forgotten")
        assert response.status_code == 200
        plan.refresh_from_db()
        assert plan.status == "published"
        assert not AuditEntry.objects.exists()

    def test_buttons_offer_only_the_allowed_steps(self, plan, personas, client_for):
        html = client_for(personas["secretariat"]).get(plan_url("plan", plan.pk)).content.decode()
        assert 'value="approved"' in html
        assert 'value="draft"' not in html
        reader = client_for(personas["council_member"]).get(plan_url("plan", plan.pk))
        assert plan_url("plan_status", plan.pk) not in reader.content.decode()


class TestEditing:
    def edit(self, client, initiative, **changes):
        return client.post(
            plan_url("initiative_edit", initiative.pk), initiative_form_data(initiative, **changes)
        )

    def assert_refused(self, response, initiative, text):
        assert response.status_code == 200
        html = response.content.decode()
        assert "form-error-message" in html or "alert-error" in html
        assert text in html
        stored = fresh(initiative)
        assert (stored.parent_id, stored.weight, stored.start_date, stored.end_date) == (
            initiative.parent_id,
            initiative.weight,
            initiative.start_date,
            initiative.end_date,
        )
        assert not AuditEntry.objects.exists()

    def test_a_valid_edit_is_saved_and_logged(self, tree, personas, client_for):
        part = tree["T-1.1"]
        response = self.edit(
            client_for(personas["secretariat"]),
            part,
            weight="1",
            start_date="2023-02-01",
            end_date="2023-11-30",
        )
        assert response.status_code == 302
        stored = fresh(part)
        assert stored.weight == 1
        assert stored.end_date == datetime.date(2023, 11, 30)
        entry = audit_entries(part).get()
        assert entry.changes["weight"] == ["3.00", "1.00"]

    def test_end_before_start(self, tree, personas, client_for):
        response = self.edit(
            client_for(personas["secretariat"]),
            tree["T-1.1"],
            start_date="2023-06-01",
            end_date="2023-05-01",
        )
        self.assert_refused(response, tree["T-1.1"], "end date")

    def test_parent_itself(self, tree, personas, client_for):
        response = self.edit(
            client_for(personas["secretariat"]), tree["T-1"], parent=tree["T-1"].pk
        )
        self.assert_refused(response, tree["T-1"], 'id="id_parent_error"')

    def test_parent_a_descendant(self, tree, personas, client_for):
        response = self.edit(
            client_for(personas["secretariat"]), tree["T-1"], parent=tree["T-1.1"].pk
        )
        self.assert_refused(response, tree["T-1"], 'id="id_parent_error"')

    def test_municipality_of_another_district(self, tree, personas, client_for):
        aalborg = Municipality.objects.get(code="0851")
        response = self.edit(
            client_for(personas["secretariat"]), tree["T-1.1"], municipalities=[aalborg.pk]
        )
        self.assert_refused(response, tree["T-1.1"], 'id="id_municipalities_error"')
        assert list(fresh(tree["T-1.1"]).municipalities.values_list("code", flat=True)) == ["0259"]

    def test_negative_weight(self, tree, personas, client_for):
        response = self.edit(client_for(personas["secretariat"]), tree["T-1.1"], weight="-2")
        self.assert_refused(response, tree["T-1.1"], 'id="id_weight_error"')

    def test_duplicate_external_id(self, tree, personas, client_for):
        response = self.edit(
            client_for(personas["secretariat"]), tree["T-1.1"], external_id="T-1.2"
        )
        self.assert_refused(response, tree["T-1.1"], 'id="id_external_id_error"')

    def test_focus_area_of_another_plan(self, tree, personas, client_for, district):
        other_plan = CooperationPlan.objects.create(district=district, year=2022, title="Gammel")
        other_area = FocusArea.objects.create(plan=other_plan, slug="x", title="X")
        response = self.edit(
            client_for(personas["secretariat"]), tree["T-1"], focus_area=other_area.pk
        )
        self.assert_refused(response, tree["T-1"], 'id="id_focus_area_error"')

    def test_moving_a_parent_to_another_focus_area_takes_its_parts(
        self, tree, personas, client_for
    ):
        other = FocusArea.objects.create(
            plan=tree["T-1"].plan, order=2, slug="trafik", title="Trafik"
        )
        response = self.edit(client_for(personas["secretariat"]), tree["T-1"], focus_area=other.pk)
        assert response.status_code == 302
        assert set(Initiative.objects.values_list("focus_area_id", flat=True)) == {other.pk}

    def test_adding_a_part_rolls_up(self, tree, personas, client_for):
        client = client_for(personas["secretariat"])
        record(client, tree["T-1.1"], 100, "completed")
        record(client, tree["T-1.2"], 100, "completed")
        form = client.get(
            plan_url("initiative_add", tree["T-1"].plan_id) + f"?parent={tree['T-1'].pk}"
        )
        assert f'<option value="{tree["T-1"].pk}" selected>' in form.content.decode()
        response = client.post(
            plan_url("initiative_add", tree["T-1"].plan_id),
            {
                "external_id": "T-1.3",
                "title": "Opfølgning i Solrød",
                "focus_area": tree["T-1"].focus_area_id,
                "parent": tree["T-1"].pk,
                "order": "3",
                "weight": "4",
                "status": "planned",
            },
        )
        assert response.status_code == 302
        new = Initiative.objects.get(external_id="T-1.3")
        assert response["Location"] == new.get_absolute_url()
        # 3×100 + 1×100 + 4×0 over a total weight of 8.
        assert fresh(tree["T-1"]).progress == Decimal("50.00")
        assert audit_entries(new).get().action == AuditEntry.Action.CREATE

    def test_edit_the_plan_and_a_focus_area(self, plan, personas, client_for):
        client = client_for(personas["secretariat"])
        response = client.post(
            plan_url("plan_edit", plan.pk),
            {"title": "Samarbejdsplan for Midt- og Vestsjælland", "foreword": "Kære læser"},
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.title == "Samarbejdsplan for Midt- og Vestsjælland"
        assert client.post(plan_url("plan_edit", plan.pk), {"title": ""}).status_code == 200
        plan.refresh_from_db()
        assert plan.title == "Samarbejdsplan for Midt- og Vestsjælland"

        response = client.post(plan_url("focus_area_add", plan.pk), {"title": "Trafik", "order": 2})
        assert response.status_code == 302
        assert plan.focus_areas.filter(slug="trafik").exists()
        duplicate = client.post(
            plan_url("focus_area_add", plan.pk), {"title": "Ny", "slug": "indbrud", "order": 3}
        )
        assert duplicate.status_code == 200
        assert 'id="id_slug_error"' in duplicate.content.decode()
        assert plan.focus_areas.count() == 2

    def test_a_focus_areas_web_name_spells_the_danish_letters_out(
        self, plan, secretariat, client_for
    ):
        client = client_for(secretariat)
        client.post(
            plan_url("focus_area_add", plan.pk), {"title": "Børn og unge på Ærø", "order": 3}
        )
        assert plan.focus_areas.filter(slug="boern-og-unge-paa-aeroe").exists()
        client.post(plan_url("focus_area_add", plan.pk), {"title": "a " * 60, "order": 4})
        assert plan.focus_areas.filter(slug="a-" * 39 + "a").exists()


class TestNextYear:
    @pytest.fixture
    def plan_with_ends(self, plan, tree):
        tree["T-1.2"].continues_next_year = False
        tree["T-1.2"].save()
        area = plan.focus_areas.get()
        ending = Initiative.objects.create(
            plan=plan,
            focus_area=area,
            external_id="T-2",
            title="Slutter",
            continues_next_year=False,
        )
        Initiative.objects.create(
            plan=plan, focus_area=area, parent=ending, external_id="T-2.1", title="Del af det"
        )
        Initiative.objects.filter(pk=tree["T-1.1"].pk).update(progress=80, status="in_progress")
        return plan

    def test_copies_the_continuing_tree_and_refuses_twice(
        self, plan_with_ends, personas, client_for, koege
    ):
        plan = plan_with_ends
        client = client_for(personas["secretariat"])
        response = client.post(plan_url("next_year", plan.pk))
        new_plan = CooperationPlan.objects.get(district=plan.district, year=2024)
        assert response.status_code == 302
        assert response["Location"] == new_plan.get_absolute_url()
        assert new_plan.status == "draft"
        copies = {i.external_id: i for i in new_plan.initiatives.all()}
        assert set(copies) == {"T-1", "T-1.1"}
        assert copies["T-1.1"].parent == copies["T-1"]
        assert copies["T-1.1"].progress == 0
        assert copies["T-1.1"].status == "planned"
        assert copies["T-1.1"].weight == 3
        assert list(copies["T-1.1"].municipalities.all()) == [koege]
        assert copies["T-1"].focus_area.plan == new_plan

        again = client.post(plan_url("next_year", plan.pk), follow=True)
        assert "There is already a plan for 2024" in again.content.decode()
        assert CooperationPlan.objects.filter(district=plan.district).count() == 2
        assert new_plan.initiatives.count() == 2

    def test_each_copy_is_logged(self, plan_with_ends, secretariat, client_for):
        client_for(secretariat).post(plan_url("next_year", plan_with_ends.pk))
        new_plan = CooperationPlan.objects.get(district=plan_with_ends.district, year=2024)
        copies = [new_plan, *new_plan.focus_areas.all(), *new_plan.initiatives.all()]
        for copy in copies:
            [entry] = audit_entries(copy)
            assert (entry.action, entry.actor, entry.message) == (
                AuditEntry.Action.CREATE,
                secretariat,
                "copied from 2023",
            )

    def test_a_plan_for_the_last_year_has_no_next(self, plan, secretariat, client_for):
        CooperationPlan.objects.filter(pk=plan.pk).update(year=2100)
        response = client_for(secretariat).post(plan_url("next_year", plan.pk), follow=True)
        assert response.status_code == 200
        assert "2100" in response.content.decode()
        assert not CooperationPlan.objects.filter(year=2101).exists()
        assert CooperationPlan.objects.count() == 1


class TestPages:
    def test_list_shows_the_visible_plans(self, plan, personas, client_for, other_district):
        CooperationPlan.objects.create(district=other_district, year=2023, title="Nordjylland")
        html = client_for(personas["council_member"]).get(plan_url("list")).content.decode()
        assert plan.get_absolute_url() in html
        assert "Nordjylland" not in html
        outsider = client_for(personas["outsider"]).get(plan_url("list")).content.decode()
        assert plan.get_absolute_url() not in outsider
        assert "Nordjylland" not in outsider

    def test_plan_page_shows_the_tree(self, tree, personas, client_for, organisations):
        html = (
            client_for(personas["council_member"])
            .get(plan_url("plan", tree["T-1"].plan_id))
            .content.decode()
        )
        # The parts are listed inside the parent's item, after it.
        parent_at = html.index(tree["T-1"].get_absolute_url())
        assert parent_at < html.index(tree["T-1.1"].get_absolute_url())
        assert "Midt- og Vestsjællands Politi" in html
        assert "Køge" in html
        assert "Burglary prevention" in html  # the English title, as asked

    def test_english_titles_when_english_is_chosen(self, tree, personas, client_for):
        client = client_for(personas["council_member"])
        client.cookies["django_language"] = "en"
        html = client.get(plan_url("plan", tree["T-1"].plan_id)).content.decode()
        assert "Burglary prevention" in html
        assert "Safety follow-ups" in html

    def test_plan_page_queries_do_not_grow_with_the_plan(
        self, tree, personas, client_for, koege, greve, organisations
    ):
        client = client_for(personas["secretariat"])
        url = plan_url("plan", tree["T-1"].plan_id)
        client.get(url)  # warm the session and content-type caches
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        area = tree["T-1"].focus_area
        for n in range(30):
            root = Initiative.objects.create(
                plan=area.plan, focus_area=area, external_id=f"X-{n}", title=f"Indsats {n}"
            )
            root.municipalities.set([koege, greve])
            root.responsible_organisations.set(organisations.values())
            child = Initiative.objects.create(
                plan=area.plan, focus_area=area, parent=root, external_id=f"X-{n}.1", title="Del"
            )
            child.municipalities.set([koege])
        with CaptureQueriesContext(connection) as large:
            assert client.get(url).status_code == 200
        assert len(large) == len(small)
        assert len(large) <= 15

    def test_list_queries_do_not_grow_with_the_plans(self, plan, personas, client_for, district):
        client = client_for(personas["secretariat"])
        client.get(plan_url("list"))
        with CaptureQueriesContext(connection) as small:
            client.get(plan_url("list"))
        for year in range(2010, 2020):
            CooperationPlan.objects.create(district=district, year=year, title="Plan")
        with CaptureQueriesContext(connection) as large:
            client.get(plan_url("list"))
        assert len(large) == len(small) <= 10


@pytest.mark.parametrize(
    "name, query",
    [
        ("initiative_add", "parent=%C2%B2"),
        ("indicator_add", "focus_area=%C2%B2"),
        ("indicator_add", "initiative=%C2%B3"),
    ],
)
def test_a_digit_that_is_no_number_is_ignored(plan, secretariat, client_for, name, query):
    """ "²" is a digit to Python, but no number: it was a server error."""
    url = reverse(f"staff:plans:{name}", args=[plan.pk]) + "?" + query
    assert client_for(secretariat).get(url).status_code == 200


def test_an_entry_dated_before_the_latest_fills_in_the_timeline(plan, secretariat, client_for):
    """The initiative stands where its latest entry puts it, whatever order they are
    recorded in."""
    client = client_for(secretariat)
    initiative = Initiative.objects.get(plan=plan, external_id="T-1.1")
    record(client, initiative, 60, date="2023-06-01")
    record(client, initiative, 20, date="2023-01-01")
    initiative = fresh(initiative)
    assert initiative.progress == Decimal("60")
    assert [u.progress for u in initiative.updates.all()] == [Decimal("60"), Decimal("20")]
    record(client, initiative, 70, status="paused", date="2023-06-01")
    initiative = fresh(initiative)
    assert (initiative.progress, initiative.status) == (Decimal("70"), "paused")


def test_an_order_the_column_cannot_hold_is_refused(tree, plan, secretariat, client_for):
    """The order columns are smallints: PostgreSQL refuses more than 32767 (a server error)."""
    client = client_for(secretariat)
    response = client.post(plan_url("focus_area_add", plan.pk), {"title": "Trafik", "order": 32768})
    assert response.status_code == 200
    assert 'id="id_order_error"' in response.content.decode()
    assert "32767" in response.content.decode()
    assert not plan.focus_areas.filter(title="Trafik").exists()
    initiative = tree["T-1.1"]
    response = client.post(
        plan_url("initiative_edit", initiative.pk), initiative_form_data(initiative, order=99999)
    )
    assert response.status_code == 200
    assert 'id="id_order_error"' in response.content.decode()
    assert fresh(initiative).order == initiative.order
    assert not AuditEntry.objects.exists()
    response = client.post(
        plan_url("initiative_edit", initiative.pk), initiative_form_data(initiative, order=32767)
    )
    assert response.status_code == 302
    assert fresh(initiative).order == 32767
