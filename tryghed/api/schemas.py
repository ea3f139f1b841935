"""What the staff API reads and writes. Relations are given by id, with a label where a
client would otherwise need a second request to show anything."""

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import StrictBool, StrictFloat, StrictStr, field_validator

from tryghed.plans.models import Initiative, ProgressUpdate


class Message(Schema):
    detail: str


class ValidationError(Schema):
    type: str
    loc: list[str | int] = Field(description='Where, e.g. ["body", "payload", "progress"].')
    msg: str


class ValidationErrors(Schema):
    detail: list[ValidationError]


class DistrictOut(Schema):
    id: int
    number: int
    name: str
    slug: str


class DistrictRef(Schema):
    id: int
    number: int
    name: str


class MunicipalityOut(Schema):
    id: int
    code: str = Field(description="The official four-digit municipality code, e.g. 0265.")
    name: str
    district: DistrictRef
    region_code: str
    region_name: str


class CouncilOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    slug: str
    district: DistrictRef
    municipality_code: str | None
    description: str

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_municipality_code(obj):
        return obj.municipality.code if obj.municipality_id else None


class PersonRef(Schema):
    id: int
    name: str
    title: str


class OrganisationRef(Schema):
    id: int
    name: str
    kind: str


class MemberOut(Schema):
    id: int
    person: PersonRef
    organisation: OrganisationRef
    position: str
    position_label: str
    start_date: datetime.date | None
    end_date: datetime.date | None

    @staticmethod
    def resolve_position_label(obj):
        return str(obj.get_position_display())


class CouncilDetailOut(CouncilOut):
    members: list[MemberOut] = Field(description="Current members.")
    former_members: list[MemberOut]


class PlanOut(Schema):
    id: int
    district: DistrictRef
    year: int
    title: str
    title_en: str
    status: str
    progress: float = Field(description="Weighted progress of the whole plan, 0–100.")

    @staticmethod
    def resolve_progress(obj):
        # The endpoints compute it from prefetched rows; progress() is the one-plan fallback.
        value = getattr(obj, "progress_now", None)
        return obj.progress() if value is None else value


class FocusAreaOut(Schema):
    id: int
    order: int
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str
    progress: float

    @staticmethod
    def resolve_progress(obj):
        value = getattr(obj, "progress_now", None)
        return obj.progress() if value is None else value


class PlanDetailOut(PlanOut):
    foreword: str
    foreword_en: str
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None
    focus_areas: list[FocusAreaOut]


class InitiativeOut(Schema):
    id: int
    plan_id: int
    focus_area_id: int
    parent_id: int | None
    external_id: str
    order: int
    title: str
    title_en: str
    weight: float
    status: str
    progress: float
    start_date: datetime.date | None
    end_date: datetime.date | None
    municipalities: list[str] = Field(description="Codes of the municipalities concerned.")

    @staticmethod
    def resolve_municipalities(obj):
        return [m.code for m in obj.municipalities.all()]


class ProgressUpdateOut(Schema):
    id: int
    initiative_id: int
    date: datetime.date
    progress: float
    status: str
    text: str
    author: str | None

    @staticmethod
    def resolve_author(obj):
        return str(obj.author) if obj.author_id else None


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: datetime.date | None
    completed_on: datetime.date | None


class InitiativeDetailOut(InitiativeOut):
    description: str
    description_en: str
    responsible_organisations: list[OrganisationRef]
    councils: list[int]
    milestones: list[MilestoneOut]
    updates: list[ProgressUpdateOut] = Field(description="The timeline, newest first.")
    editable: bool = Field(description="Whether you may record progress on it.")

    @staticmethod
    def resolve_responsible_organisations(obj):
        return list(obj.responsible_organisations.all())

    @staticmethod
    def resolve_councils(obj):
        return [c.pk for c in obj.councils.all()]

    @staticmethod
    def resolve_milestones(obj):
        return list(obj.milestones.all())

    @staticmethod
    def resolve_updates(obj):
        return list(obj.updates.all())


def _storable_text(value):
    # PostgreSQL refuses NUL characters, and neither database stores half a surrogate pair;
    # both would otherwise surface as server errors.
    if "\x00" in value:
        raise ValueError(_("The text must not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(_("The text must be valid Unicode.")) from error
    return value


class Input(Schema):
    """A request body. A field the schema does not know is refused rather than ignored: a
    misspelt "dryrun" would otherwise make a test a real import."""

    model_config = {"extra": "forbid"}


class ProgressIn(Input):
    progress: Decimal = Field(ge=0, le=100, max_digits=5, decimal_places=2)
    status: Initiative.Status
    text: str = Field("", max_length=10_000, description="What happened, in Danish.")
    text_en: str = Field("", max_length=10_000, description="What happened, in English.")
    date: datetime.date | None = Field(None, description="The day it was so; today if left out.")

    @field_validator("text", "text_en")
    @classmethod
    def text_is_storable(cls, value):
        return _storable_text(value)

    @field_validator("date")
    @classmethod
    def date_has_been(cls, value):
        problem = value and ProgressUpdate.date_problem(value)
        if problem:
            raise ValueError(str(problem))
        return value


class ProgressRecorded(Schema):
    update: ProgressUpdateOut
    initiative: InitiativeOut


class LocationOut(Schema):
    code: str
    name: str
    district: str
    district_id: int
    distance_km: float = Field(description="0 inside the boundary; otherwise how far outside.")


# Incidents ---------------------------------------------------------------------------------


class IncidentRowIn(Input):
    """One incident, in the fields of the import file; checked exactly like a file's row."""

    external_id: str = Field(
        min_length=1, max_length=100, description="Unique within the source; the import key."
    )
    occurred_at: str = Field(
        min_length=1,
        description="ISO 8601, e.g. 2026-07-20T17:25; without an offset it is Copenhagen time.",
    )
    category: str = Field(
        min_length=1, description="A category code (burglary_home …) or a døgnrapport heading."
    )
    reported_at: str | None = None
    responded_at: str | None = None
    title: str | None = None
    place: str | None = None
    municipality_code: str | None = Field(None, description="Four digits, e.g. 0253.")
    # A number, or text such as "55,64" as a spreadsheet writes it; not true or false, which
    # would otherwise be read as 1 and 0.
    lat: StrictFloat | StrictStr | None = Field(None, description="WGS84; given with lon.")
    lon: StrictFloat | StrictStr | None = None
    summary: str | None = None


class IncidentBatchIn(Input):
    source: str = Field(
        min_length=1,
        max_length=100,
        description="The source's name; a new name creates the source in your district.",
    )
    district: int | None = Field(
        None, description="Number of the police district of a new source, if you work in several."
    )
    rows: list[IncidentRowIn] = Field(
        min_length=1, description="At most 5,000 rows; send more in several batches."
    )
    # true or false only: "yes" or "no" read as true would make a test a real import.
    dry_run: StrictBool = Field(False, description="Check and report, but write nothing.")
    statistics_only: StrictBool = Field(
        False,
        description=(
            "For the numbers only, e.g. published døgnrapporter: the police guarantees open "
            "no deadlines for these incidents."
        ),
    )


class RejectedRow(Schema):
    line: int = Field(description="The row's position in `rows`, counted from 1.")
    reason: str


class IncidentBatchReport(Schema):
    source: str
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
    unlocated: int = Field(description="Imported without a municipality: nothing said where.")
    outside_district: int = Field(description="Imported, in a municipality of another district.")
