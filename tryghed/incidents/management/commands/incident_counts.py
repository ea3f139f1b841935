import re

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tryghed.incidents.models import FIRST_YEAR, Category, IncidentSource, MonthlyCount
from tryghed.incidents.numbers import write_municipality_csv

LAST_YEAR = 2999


class Command(BaseCommand):
    help = _(
        "Print the number of incidents of a source per municipality of its district as CSV "
        "(municipality_code,municipality_name,count), the table the dashboard offers for "
        "download. Years are Danish calendar years."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", required=True, help=_("the source's name, e.g. doegnrapport-mvsj")
        )
        parser.add_argument(
            "--by",
            required=True,
            choices=["municipality"],
            help=_("what to count by; for now only municipality"),
        )
        parser.add_argument("--year", help=_("count only this year, e.g. 2024"))
        parser.add_argument("--category", help=_("count only this category code, e.g. violence"))

    def handle(self, *args, source, by, year, category, **options):
        incident_source = (
            IncidentSource.objects.select_related("district").filter(name=source).first()
        )
        if incident_source is None:
            known = ", ".join(IncidentSource.objects.values_list("name", flat=True))
            raise CommandError(
                _("There is no incident source named “%(name)s”. Known sources: %(known)s.")
                % {"name": source, "known": known or _("none")}
            )
        # The analyst's command counts everything of the source, exactly, as staff see it,
        # from the monthly counts: a year is whole months.
        incidents = MonthlyCount.objects.filter(source=incident_source)
        if year is not None:
            incidents = incidents.in_year(self._year(year))
        if category is not None:
            if category not in Category.values:
                raise CommandError(
                    _("“%(code)s” is not a category code. Category codes: %(codes)s.")
                    % {"code": category, "codes": ", ".join(Category.values)}
                )
            incidents = incidents.filter(category=category)
        municipalities = list(incident_source.district.municipalities.all())
        total = write_municipality_csv(self.stdout, incidents, municipalities)
        outside = (incidents.aggregate(n=Sum("incidents"))["n"] or 0) - total
        if outside:
            # Said on stderr so that stdout stays a clean CSV file.
            self.stderr.write(
                ngettext(
                    "%(count)s incident is not in the table: it lies in no municipality "
                    "of %(district)s.",
                    "%(count)s incidents are not in the table: they lie in no municipality "
                    "of %(district)s.",
                    outside,
                )
                % {"count": outside, "district": incident_source.district}
            )

    def _year(self, value):
        if not re.fullmatch(r"[0-9]{4}", value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
            raise CommandError(
                _("“%(year)s” is not a year: give four digits from %(first)s to %(last)s.")
                % {"year": value, "first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return int(value)
