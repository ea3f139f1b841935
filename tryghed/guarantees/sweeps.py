"""The guarantees' part of `manage.py sweep`: warn before a deadline and report it missed.

Each notification is claimed by compare-and-set on the deadline (`warned_at`, `missed_at`)
before it is sent, so that several sweepers running at once send each one exactly once.
A rule counted in service hours is only acted on within its service hours; outside them
its deadlines wait, unclaimed, for the first sweep after opening time.
"""

import datetime
import functools

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from tryghed.guarantees.models import Deadline, Notification
from tryghed.guarantees.notify import notify

# One pass handles at most this many of each kind; the next pass takes the rest.
BATCH = 1000
# The column each kind's partial index (deadline_to_warn, deadline_to_report) is ordered by.
INDEX_ORDER = {"to_warn": "warn_at", "overdue_unreported": "due_at"}
# Stands for the moment of the pass in the compiled queries.
_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@functools.cache
def _statement(kind, vendor):
    """The SQL of one kind's due query (`to_warn`, `overdue_unreported`), compiled once per
    process, with `%s` left for the moment of the pass.

    Nearly every pass finds nothing, and building the query through the ORM each minute
    costs many times what the database spends answering it from its partial index. The
    outcome goes into the text as a constant (it is one of Deadline.Outcome's values), so
    that SQLite chooses the partial index once when it prepares the statement, not at
    every run as it must for a bound value.
    """
    # In the order of the kind's partial index: the oldest first when a pass cannot take
    # them all, and a plan PostgreSQL keeps when many decided deadlines make it guess that
    # a scan of the table would soon find a batch.
    qs = getattr(Deadline.objects, kind)(_MOMENT).order_by(INDEX_ORDER[kind])
    qs = qs.values_list("pk", flat=True)
    sql, params = qs[:BATCH].query.sql_with_params()
    moment = connection.ops.adapt_datetimefield_value(_MOMENT)
    parts = sql.split("%s")
    assert len(parts) == len(params) + 1
    text = parts[0]
    for param, part in zip(params, parts[1:], strict=True):
        if param == moment:
            text += "%s"
        else:
            assert param in Deadline.Outcome.values, param
            text += f"'{param}'"
        text += part
    return text, sum(p == moment for p in params)


def due_ids(now):
    """The ids of the deadlines to warn about and of those to report missed at `now`: one
    indexed SELECT each."""
    db = connections[DEFAULT_DB_ALIAS]
    moment = db.ops.adapt_datetimefield_value(now)
    found = []
    with db.cursor() as cursor:
        for kind in ("to_warn", "overdue_unreported"):
            sql, moments = _statement(kind, db.vendor)
            cursor.execute(sql, [moment] * moments)
            found.append([row[0] for row in cursor.fetchall()])
    return found


def _due(now):
    """(to warn, to report missed): the due deadlines with what a notification needs.

    The ids come first, each kind from its own partial index (one query with an OR would
    make SQLite scan the table); most passes find none and stop there.
    """
    warn_ids, missed_ids = due_ids(now)
    if not warn_ids and not missed_ids:
        return [], []
    deadlines = Deadline.objects.filter(pk__in=warn_ids + missed_ids).select_related(
        "version", "guarantee", "service_request", "incident__source", "municipality"
    )
    warn, missed = [], []
    for deadline in deadlines:
        (missed if deadline.due_at <= now else warn).append(deadline)
    return warn, missed


def _pass(found, claim, kind, *, now, cache):
    done = []
    for deadline in found:
        if not deadline.version.counter().is_open(now):
            continue
        if claim(deadline) != 1:
            continue  # another sweeper claimed it, or the clock stopped meanwhile
        if notify(deadline, kind, now=now, cache=cache) is not None:
            done.append(deadline)
    return done


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def sweep(*, now):
    to_warn, to_report = _due(now)
    if not to_warn and not to_report:
        return [_summary(0, 0)]
    cache = {}
    warned = _pass(
        to_warn,
        lambda d: Deadline.objects.filter(
            pk=d.pk, outcome=Deadline.Outcome.OPEN, paused_at__isnull=True, warned_at__isnull=True
        ).update(warned_at=now),
        Notification.Kind.WARNING,
        now=now,
        cache=cache,
    )
    missed = _pass(
        to_report,
        lambda d: Deadline.objects.filter(
            pk=d.pk, outcome=Deadline.Outcome.OPEN, paused_at__isnull=True, missed_at__isnull=True
        ).update(missed_at=now),
        Notification.Kind.MISSED,
        now=now,
        cache=cache,
    )
    lines = [
        _("Warned: %(guarantee)s, %(case)s, due %(due)s")
        % {"guarantee": d.guarantee, "case": d.case_label, "due": _when(d.due_at)}
        for d in warned
    ]
    lines += [
        _("Missed: %(guarantee)s, %(case)s, due %(due)s")
        % {"guarantee": d.guarantee, "case": d.case_label, "due": _when(d.due_at)}
        for d in missed
    ]
    lines.append(_summary(len(warned), len(missed)))
    return lines


def _summary(warned, missed):
    return _("Guarantees: %(warned)d warnings sent, %(missed)d deadlines missed.") % {
        "warned": warned,
        "missed": missed,
    }
