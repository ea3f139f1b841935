import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.guarantees import compliance
from tryghed.guarantees.clock import DANISH_TIME


class Command(BaseCommand):
    help = _(
        "Print the police guarantees' compliance per guarantee, municipality and month as CSV."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--year", help=_("a year, e.g. 2026 (default: this year)"))
        group.add_argument("--month", help=_("a month, e.g. 2026-03"))

    def handle(self, *args, year, month, **options):
        now = timezone.now()
        if month is not None:
            try:
                first = datetime.datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                first = None
            # The years --year takes: the month after December 9999 does not exist.
            if first is None or not 1900 <= first.year <= 9998:
                raise CommandError(
                    _("--month “%(value)s” is not a month; write it as 2026-03.") % {"value": month}
                )
            start, end = compliance.period(month=first)
        else:
            if year is None:
                number = now.astimezone(DANISH_TIME).year
            elif year.isascii() and year.isdigit() and 1900 <= int(year) <= 9998:
                number = int(year)
            else:
                raise CommandError(
                    _("--year “%(value)s” is not a year; write it as 2026.") % {"value": year}
                )
            start, end = compliance.period(year=number)
        found = compliance.rows(now=now, start=start, end=end)
        self.stdout.write(compliance.csv_lines(found), ending="")
