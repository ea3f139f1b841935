"""Loading the demo district: its organisations, councils, staff accounts and 2023 plan.

Every record is found by a stable key (name, slug, e-mail, username, external id) and created
only when it is missing, so a re-run neither duplicates anything nor undoes what staff have
changed since. The demo is loaded by the system, not by a staff user, so no audit entries;
only the service desk's demo requests are worked through the desk's own actions by the demo
staff (servicedesk/demo.py), whose entries tell each request's story.
"""

import datetime
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from tryghed.accounts.models import RoleAssignment, User
from tryghed.citizen_meetings.demo import load_demo_meetings
from tryghed.demo import people
from tryghed.demo.plan2023 import FOCUS_AREAS, PLAN, YEAR
from tryghed.demo.plan2023.indicators import INDICATORS
from tryghed.guarantees.models import Guarantee
from tryghed.indicators.models import Indicator
from tryghed.meetings.demo import load_demo_council_meetings
from tryghed.organisation.models import (
    Council,
    CouncilMembership,
    Municipality,
    Organisation,
    Person,
    PoliceDistrict,
)
from tryghed.plans.actions import roll_up
from tryghed.plans.models import (
    CooperationPlan,
    FocusArea,
    Initiative,
    Milestone,
    ProgressUpdate,
)
from tryghed.servicedesk.demo import load_demo_reply_templates, load_demo_requests
from tryghed.servicedesk.models import Service
from tryghed.statistics.models import StatSeries

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
INHERITED = ("responsible", "municipalities", "councils", "start", "end", "continues", "by")
Status = Initiative.Status

# The order of the summary line.
KINDS = [
    ("organisation", ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count")),
    ("person", ngettext_lazy("%(count)s person", "%(count)s people", "count")),
    ("council", ngettext_lazy("%(count)s council", "%(count)s councils", "count")),
    ("membership", ngettext_lazy("%(count)s membership", "%(count)s memberships", "count")),
    ("account", ngettext_lazy("%(count)s account", "%(count)s accounts", "count")),
    ("role", ngettext_lazy("%(count)s role", "%(count)s roles", "count")),
    ("plan", ngettext_lazy("%(count)s plan", "%(count)s plans", "count")),
    ("focus area", ngettext_lazy("%(count)s focus area", "%(count)s focus areas", "count")),
    ("initiative", ngettext_lazy("%(count)s initiative", "%(count)s initiatives", "count")),
    ("milestone", ngettext_lazy("%(count)s milestone", "%(count)s milestones", "count")),
    (
        "timeline entry",
        ngettext_lazy("%(count)s timeline entry", "%(count)s timeline entries", "count"),
    ),
    ("indicator", ngettext_lazy("%(count)s indicator", "%(count)s indicators", "count")),
    (
        "citizen meeting",
        ngettext_lazy("%(count)s citizen meeting", "%(count)s citizen meetings", "count"),
    ),
    (
        "reply template",
        ngettext_lazy("%(count)s reply template", "%(count)s reply templates", "count"),
    ),
    (
        "citizen request",
        ngettext_lazy("%(count)s citizen request", "%(count)s citizen requests", "count"),
    ),
    (
        "council meeting",
        ngettext_lazy("%(count)s council meeting", "%(count)s council meetings", "count"),
    ),
]


class MissingReferenceData(Exception):
    pass


class Tally:
    def __init__(self):
        self.created = Counter()
        self.found = Counter()
        # What was left out because what it rests on is not loaded yet: {what: command}.
        self.waiting = {}

    def add(self, kind, created, n=1):
        (self.created if created else self.found)[kind] += n

    @staticmethod
    def _describe(counts):
        parts = [counted % {"count": counts[kind]} for kind, counted in KINDS if counts[kind]]
        return ", ".join(parts) or _("nothing")

    def summary(self):
        """In the active language; a management command speaks the site's default."""
        lines = [
            _("Demo district: created %(created)s; found %(found)s.")
            % {"created": self._describe(self.created), "found": self._describe(self.found)}
        ]
        for what, command in sorted(self.waiting.items()):
            lines.append(
                _(
                    "Left out: %(what)s, until `manage.py %(command)s` has run "
                    "(then run this again)."
                )
                % {"what": what, "command": command}
            )
        return "\n".join(lines)


def load_demo(today=None):
    """Create what is missing of the demo district; returns a Tally of created and found."""
    loader = _Loader(today or timezone.localdate())
    with transaction.atomic():
        loader.run()
    return loader.tally


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _status(progress):
    if progress >= 100:
        return Status.COMPLETED
    return Status.IN_PROGRESS if progress > 0 else Status.PLANNED


class _Loader:
    def __init__(self, today):
        self.today = today
        self.tally = Tally()
        self.organisations = {}
        self.persons = {}
        self.new_persons = set()
        self.councils = {}
        self.users = {}
        self.existing = {}
        self.created_ids = set()

    def run(self):
        self.district, self.municipalities = self._reference()
        councils, members, accounts = people.build(self.today)
        self._organisations()
        self._councils(councils)
        self._people([m.person for m in members] + [a.person for a in accounts if a.person])
        self._memberships(members)
        self._accounts(accounts)
        self._plan()
        self._citizen_meetings()
        self._council_meetings()
        created, found = load_demo_reply_templates(self.district)
        self.tally.add("reply template", True, created)
        self.tally.add("reply template", False, found)
        created, found = load_demo_requests(self.district, self.users)
        if not Service.objects.exists():
            self.tally.waiting[_("the citizen requests")] = "load_services"
        self.tally.add("citizen request", True, created)
        self.tally.add("citizen request", False, found)

    def _council_meetings(self):
        plan = CooperationPlan.objects.filter(district=self.district, year=YEAR).first()
        created, found = load_demo_council_meetings(self.councils, plan, self.today)
        self.tally.add("council meeting", True, created)
        self.tally.add("council meeting", False, found)

    def _citizen_meetings(self):
        created, found = load_demo_meetings(self.district, self.municipalities, self.today)
        self.tally.add("citizen meeting", True, created)
        self.tally.add("citizen meeting", False, found)

    def _reference(self):
        district = PoliceDistrict.objects.filter(number=people.DISTRICT_NUMBER).first()
        found = {
            m.code: m for m in Municipality.objects.filter(code__in=people.CODES, district=district)
        }
        if district is None or len(found) != len(people.CODES):
            raise MissingReferenceData(
                _(
                    "The reference data is missing: police district %(number)s and its "
                    "%(count)s municipalities are not in the database. "
                    "Run `python manage.py load_reference` first."
                )
                % {"number": people.DISTRICT_NUMBER, "count": len(people.CODES)}
            )
        return district, found

    def _organisation(self, key, name, kind, municipality=None):
        org, created = Organisation.objects.get_or_create(
            district=self.district,
            name=name,
            defaults={"kind": kind, "municipality": municipality},
        )
        self.tally.add("organisation", created)
        self.organisations[key] = org

    def _organisations(self):
        Kind = Organisation.Kind
        self._organisation("police", people.POLICE, Kind.POLICE)
        for code in people.CODES:
            name = f"{people.NAME[code]} Kommune"
            self._organisation(code, name, Kind.MUNICIPALITY, self.municipalities[code])
        for key, name in people.PARTNERS.items():
            self._organisation(key, name, Kind.PARTNER)

    def _people(self, specs):
        """Find or create everyone by e-mail; one person may sit on several councils."""
        wanted = {spec.email: spec for spec in specs}
        # Lowest id first, should staff have added someone with the same e-mail.
        for person in Person.objects.filter(email__in=wanted).order_by("-pk"):
            self.persons[person.email] = person
        missing = [spec for email, spec in wanted.items() if email not in self.persons]
        Person.objects.bulk_create(
            Person(name=spec.name, title=spec.title, email=spec.email) for spec in missing
        )
        self.tally.add("person", False, len(wanted) - len(missing))
        self.tally.add("person", True, len(missing))
        self.new_persons = {spec.email for spec in missing}
        for person in Person.objects.filter(email__in=self.new_persons):
            self.persons[person.email] = person

    def _councils(self, specs):
        for spec in specs:
            council, created = Council.objects.get_or_create(
                district=self.district,
                slug=spec.slug,
                defaults={
                    "kind": spec.kind,
                    "name": spec.name,
                    "description": spec.description,
                    "municipality": self.municipalities.get(spec.municipality),
                },
            )
            self.tally.add("council", created)
            self.councils[spec.slug] = council

    def _memberships(self, specs):
        existing = set(
            CouncilMembership.objects.filter(council__district=self.district).values_list(
                "council_id", "person_id"
            )
        )
        new = []
        for spec in specs:
            council = self.councils[spec.council]
            person = self.persons[spec.person.email]
            key = (council.pk, person.pk)
            self.tally.add("membership", key not in existing)
            if key in existing:
                continue
            existing.add(key)
            new.append(
                CouncilMembership(
                    council=council,
                    person=person,
                    organisation=self.organisations[spec.person.org],
                    position=spec.position,
                    start_date=spec.start,
                    end_date=spec.end,
                )
            )
        CouncilMembership.objects.bulk_create(new)

    def _accounts(self, specs):
        for spec in specs:
            superuser = spec.role == "superuser"
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{spec.username}@tryghed.example",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                },
            )
            if created:
                # Only on creation: a password someone has since changed stays changed.
                user.set_password(people.PASSWORD)
                user.save(update_fields=["password"])
            self.tally.add("account", created)
            self.users[spec.username] = user
            if not superuser:
                self._role(user, spec)
            if spec.person is not None:
                self._link(user, created, spec.person)

    def _role(self, user, spec):
        scope = {"district": None, "municipality": None, "council": None}
        if spec.scope == "district":
            scope["district"] = self.district
        elif spec.scope in self.municipalities:
            scope["municipality"] = self.municipalities[spec.scope]
        else:
            scope["council"] = self.councils[spec.scope]
        _assignment, created = RoleAssignment.objects.get_or_create(
            user=user, role=spec.role, **scope
        )
        self.tally.add("role", created)

    def _link(self, user, user_created, spec):
        person = self.persons[spec.email]
        if not (user_created or spec.email in self.new_persons):
            return  # linked (or deliberately unlinked) on an earlier run
        if person.user_id is None and not Person.objects.filter(user=user).exists():
            person.user = user
            person.save(update_fields=["user"])

    def _plan(self):
        plan, created = CooperationPlan.objects.get_or_create(
            district=self.district,
            year=YEAR,
            defaults={
                "title": PLAN["title"],
                "title_en": PLAN["title_en"],
                "foreword": PLAN["foreword"],
                "foreword_en": PLAN["foreword_en"],
                "status": CooperationPlan.Status.PUBLISHED,
                "approved_at": self._moment(PLAN["approved_at"]),
                "published_at": self._moment(PLAN["published_at"]),
            },
        )
        self.tally.add("plan", created)
        self.existing = {i.external_id: i for i in plan.initiatives.all()}
        for order, data in enumerate(FOCUS_AREAS, start=1):
            area, created = FocusArea.objects.get_or_create(
                plan=plan,
                slug=data["slug"],
                defaults={
                    "order": order,
                    "title": data["title"],
                    "title_en": data["title_en"],
                    "description": data["description"],
                    "description_en": data["description_en"],
                },
            )
            self.tally.add("focus area", created)
            for position, item in enumerate(data["initiatives"], start=1):
                self._initiative(plan, area, item, position)
        found = {"initiative__plan": plan}
        exclude = {"initiative__in": self.created_ids}
        self.tally.add(
            "milestone", False, Milestone.objects.filter(**found).exclude(**exclude).count()
        )
        self.tally.add(
            "timeline entry",
            False,
            ProgressUpdate.objects.filter(**found).exclude(**exclude).count(),
        )
        self._indicators(plan)

    def _indicators(self, plan):
        existing = set(Indicator.objects.of_plan(plan).values_list("external_id", flat=True))
        areas = {area.slug: area for area in plan.focus_areas.all()}
        series = {(s.table.code, s.label): s for s in StatSeries.objects.select_related("table")}
        guarantees = {g.code: g for g in Guarantee.objects.all()}
        for order, spec in enumerate(INDICATORS, start=1):
            if spec["id"] in existing:
                self.tally.add("indicator", False)
                continue
            fields = {"series": None}
            if spec["kind"] == Indicator.Kind.STATISTICS:
                fields["series"] = series.get((spec["table"], spec["series"]))
                if fields["series"] is None:
                    # The statistics are not imported yet; a later run adds it.
                    self.tally.waiting[_("the indicators of official statistics")] = (
                        "import_statistics"
                    )
                    continue
            if spec["kind"] == Indicator.Kind.COMPLIANCE:
                fields["guarantee"] = guarantees.get(spec["guarantee"])
                if fields["guarantee"] is None:
                    # The guarantees are not loaded yet; a later run adds it.
                    self.tally.waiting[_("the indicators of guarantee compliance")] = (
                        "load_guarantees"
                    )
                    continue
            baseline_year, current_year = spec.get("baseline_year"), spec.get("current_year")
            if spec.get("this_year"):
                current_year = timezone.localdate().year
                baseline_year = current_year - 1
            if "initiative" in spec:
                fields["initiative"] = self.existing[spec["initiative"]]
            else:
                fields["focus_area"] = areas[spec["area"]]
            code = spec.get("municipality")
            Indicator.objects.create(
                external_id=spec["id"],
                order=order,
                title=spec["title"],
                title_en=spec["title_en"],
                kind=spec["kind"],
                categories=spec.get("categories", []),
                municipality=self.municipalities[code] if code else None,
                measure=spec["measure"],
                baseline_year=baseline_year,
                current_year=current_year,
                target_percent=Decimal(spec["target_percent"]),
                direction=spec["direction"],
                **fields,
            )
            self.tally.add("indicator", True)

    @staticmethod
    def _moment(value):
        return datetime.datetime.fromisoformat(value).replace(tzinfo=COPENHAGEN)

    def _initiative(self, plan, area, data, order, parent=None, inherited=None):
        spec = {**(inherited or {}), **data}
        initiative = self.existing.get(spec["id"])
        if initiative is not None:
            self.tally.add("initiative", False)
        else:
            initiative = self._create_initiative(plan, area, spec, order, parent)
        children = spec.get("children", [])
        passed_on = {key: spec[key] for key in INHERITED if key in spec}
        for position, child in enumerate(children, start=1):
            self._initiative(plan, area, child, position, initiative, passed_on)
        if children and initiative.pk in self.created_ids:
            # Its progress was rolled up from the parts as they were created; its status
            # follows them the same way.
            statuses = set(initiative.children.values_list("status", flat=True))
            if statuses == {Status.COMPLETED}:
                status = Status.COMPLETED
            elif statuses == {Status.PLANNED}:
                status = Status.PLANNED
            else:
                status = Status.IN_PROGRESS
            Initiative.objects.filter(pk=initiative.pk).update(status=status)

    def _create_initiative(self, plan, area, spec, order, parent):
        timeline = spec.get("timeline", [])
        progress = Decimal(timeline[-1][1]) if timeline else Decimal("0")
        initiative = Initiative.objects.create(
            plan=plan,
            focus_area=area,
            parent=parent,
            external_id=spec["id"],
            order=order,
            title=spec["title"],
            title_en=spec["title_en"],
            description=spec["description"],
            description_en=spec["description_en"],
            weight=Decimal(spec.get("weight", 1)),
            status=_status(progress),
            progress=progress,
            start_date=_date(spec.get("start")),
            end_date=_date(spec.get("end")),
            continues_next_year=spec.get("continues", True),
        )
        self.tally.add("initiative", True)
        self.created_ids.add(initiative.pk)
        self.existing[spec["id"]] = initiative

        codes = people.CODES if spec.get("municipalities") == "all" else spec["municipalities"]
        # A new initiative has no relations yet, so add() spares set()'s read of them.
        initiative.municipalities.add(*(self.municipalities[code] for code in codes))
        initiative.responsible_organisations.add(
            *self._responsible(spec.get("responsible", []), codes)
        )
        initiative.councils.add(
            *(
                council
                for token in spec.get("councils", [])
                for council in self._concerned(token, codes)
            )
        )

        milestones = [
            Milestone(
                initiative=initiative,
                title=title,
                title_en=title_en,
                due_date=_date(due),
                completed_on=_date(done),
            )
            for due, title, title_en, done in spec.get("milestones", [])
        ]
        Milestone.objects.bulk_create(milestones)
        self.tally.add("milestone", True, len(milestones))

        author = self.users.get(spec.get("by", "sekretariat"))
        updates = [
            ProgressUpdate(
                initiative=initiative,
                date=_date(day),
                progress=Decimal(value),
                status=_status(value),
                text=text,
                text_en=text_en,
                author=author,
            )
            for day, value, text, text_en in timeline
        ]
        ProgressUpdate.objects.bulk_create(updates)
        self.tally.add("timeline entry", True, len(updates))
        # A new part changes its parent's weighted progress, including on a re-run that puts
        # back a part staff had deleted.
        roll_up(initiative)
        return initiative

    def _responsible(self, tokens, codes):
        orgs = []
        for token in tokens:
            if token == "municipalities":
                orgs += [self.organisations[code] for code in codes]
            else:
                orgs.append(self.organisations[token])
        return orgs

    def _concerned(self, token, codes):
        if token in ("lokalraad", "psp"):
            return [self.councils[f"{token}-{people.SLUG[code]}"] for code in codes]
        if token == "forum":
            return [self.councils[people.TRAFFIC_FORUM]]
        return [self.councils[token]]
