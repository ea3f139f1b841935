"""One pass (or, with --loop, pass after pass) of every installed app's `sweeps` module."""

import sys
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _


def sweep_modules():
    """The `sweeps` modules of the installed apps, in the order of INSTALLED_APPS."""
    autodiscover_modules("sweeps")
    found = []
    for config in apps.get_app_configs():
        module = sys.modules.get(f"{config.name}.sweeps")
        if module is not None and callable(getattr(module, "sweep", None)):
            found.append(module)
    return found


class Command(BaseCommand):
    help = _("Run the background sweeps of every app once (deadlines, reminders), or in a loop.")

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help=_("keep sweeping"))
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help=_("seconds between passes with --loop (default 60)"),
        )

    def handle(self, *args, loop, interval, **options):
        # A day at most: time.sleep refuses what no clock can count down (inf, nan, 1e300).
        if not 0 < interval <= 86_400:
            raise CommandError(
                _("--interval must be a number of seconds above 0 and at most 86400.")
            )
        modules = sweep_modules()
        while True:
            self._pass(modules, keep_going=loop)
            if not loop:
                return
            close_old_connections()
            time.sleep(interval)

    def _pass(self, modules, *, keep_going):
        now = timezone.now()
        for module in modules:
            try:
                lines = module.sweep(now=now)
            except Exception as error:
                if not keep_going:
                    raise
                # One app's failure must not stop the others' deadlines; the next pass
                # tries again.
                self.stderr.write(f"{module.__name__}: {error!r}")
                continue
            for line in lines or ():
                self.stdout.write(line)
