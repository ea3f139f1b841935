"""Every staff view of the plans app, walked for every persona (see tests/access.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access import PERSONAS, StaffView, StaffViewAccess
from tryghed.plans.models import Initiative, Milestone

READERS = {"secretariat", "district_staff", "koege_officer", "greve_staff", "council_member"}
SECRETARIAT = {"secretariat"}


@pytest.fixture
def plan_ctx(plan):
    parent = Initiative.objects.get(plan=plan, external_id="T-1")
    koege_part = Initiative.objects.get(plan=plan, external_id="T-1.1")
    greve_part = Initiative.objects.get(plan=plan, external_id="T-1.2")
    return {
        "plan": plan,
        "area": plan.focus_areas.get(),
        "parent": parent,
        "koege_part": koege_part,
        "greve_part": greve_part,
        "koege_milestone": Milestone.objects.create(initiative=koege_part, title="Kick-off"),
        "greve_milestone": Milestone.objects.create(initiative=greve_part, title="Kick-off"),
    }


def url(name, key="plan", *extra):
    return lambda ctx: reverse(
        f"staff:plans:{name}", args=[ctx[key].pk, *(ctx[k].pk for k in extra)]
    )


def progress_data(ctx):
    return {"progress": "40", "status": "in_progress", "date": "2023-05-01", "text": "Godt i gang"}


def initiative_data(ctx):
    return {
        "external_id": "T-9",
        "title": "Ny indsats",
        "focus_area": ctx["area"].pk,
        "order": "0",
        "weight": "1",
        "status": "planned",
        "continues_next_year": "on",
    }


def import_data(ctx):
    content = b"external_id,progress\nT-1.1,50\n"
    return {"file": SimpleUploadedFile("fremdrift.csv", content, content_type="text/csv")}


class TestPlanPages(StaffViewAccess):
    views = [
        StaffView("list", lambda ctx: reverse("staff:plans:list"), set(PERSONAS)),
        StaffView("plan", url("plan"), READERS),
        StaffView("export", url("export"), READERS),
        StaffView("plan_edit", url("plan_edit"), SECRETARIAT),
        StaffView("focus_area_add", url("focus_area_add"), SECRETARIAT),
        StaffView("focus_area_edit", url("focus_area_edit", "plan", "area"), SECRETARIAT),
        StaffView("initiative_add", url("initiative_add"), SECRETARIAT),
        StaffView("import", url("import"), SECRETARIAT),
    ]

    @pytest.fixture
    def ctx(self, plan_ctx, personas):
        return plan_ctx


class TestPlanWrites(StaffViewAccess):
    views = [
        StaffView(
            "plan_edit",
            url("plan_edit"),
            SECRETARIAT,
            method="post",
            data={"title": "Samarbejdsplan", "title_en": "Cooperation plan", "foreword": "Nyt"},
            ok_status=302,
        ),
        StaffView(
            "plan_status",
            url("plan_status"),
            SECRETARIAT,
            method="post",
            data={"status": "approved"},
            ok_status=302,
        ),
        StaffView("next_year", url("next_year"), SECRETARIAT, method="post", ok_status=302),
        StaffView(
            "focus_area_add",
            url("focus_area_add"),
            SECRETARIAT,
            method="post",
            data={"title": "Trafik", "order": "2"},
            ok_status=302,
        ),
        StaffView(
            "focus_area_edit",
            url("focus_area_edit", "plan", "area"),
            SECRETARIAT,
            method="post",
            data={"title": "Indbrud", "slug": "indbrud", "order": "1"},
            ok_status=302,
        ),
        StaffView(
            "initiative_add",
            url("initiative_add"),
            SECRETARIAT,
            method="post",
            data=initiative_data,
            ok_status=302,
        ),
        StaffView(
            "import",
            url("import"),
            SECRETARIAT,
            method="post",
            data=import_data,
            ok_status=302,
        ),
    ]

    @pytest.fixture
    def ctx(self, plan_ctx, personas):
        return plan_ctx


class TestInitiativePages(StaffViewAccess):
    views = [
        StaffView("koege_part", url("initiative", "koege_part"), READERS),
        StaffView("greve_part", url("initiative", "greve_part"), READERS),
        StaffView("parent", url("initiative", "parent"), READERS),
        StaffView("edit", url("initiative_edit", "koege_part"), SECRETARIAT),
    ]

    @pytest.fixture
    def ctx(self, plan_ctx, personas):
        return plan_ctx


class TestInitiativeWrites(StaffViewAccess):
    views = [
        StaffView(
            "progress_koege",
            url("record_progress", "koege_part"),
            {"secretariat", "koege_officer"},
            method="post",
            data=progress_data,
            ok_status=302,
        ),
        StaffView(
            "progress_greve",
            url("record_progress", "greve_part"),
            {"secretariat", "greve_staff"},
            method="post",
            data=progress_data,
            ok_status=302,
        ),
        StaffView(
            "milestone_add_koege",
            url("milestone_add", "koege_part"),
            {"secretariat", "koege_officer"},
            method="post",
            data={"title": "Første møde", "due_date": "2023-06-01"},
            ok_status=302,
        ),
        StaffView(
            "milestone_done_greve",
            url("milestone_done", "greve_part", "greve_milestone"),
            {"secretariat", "greve_staff"},
            method="post",
            ok_status=302,
        ),
        StaffView(
            "milestone_of_another_initiative",
            # Køge's milestone reached through Greve's initiative: not a milestone of it.
            url("milestone_done", "greve_part", "koege_milestone"),
            set(),
            method="post",
        ),
        StaffView(
            "edit",
            url("initiative_edit", "koege_part"),
            SECRETARIAT,
            method="post",
            data=lambda ctx: {
                **initiative_data(ctx),
                "external_id": "T-1.1",
                "parent": ctx["parent"].pk,
                "weight": "2",
            },
            ok_status=302,
        ),
    ]

    @pytest.fixture
    def ctx(self, plan_ctx, personas):
        return plan_ctx
