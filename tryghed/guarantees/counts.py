"""The compliance counts: decided and running deadlines per guarantee × district ×
municipality × month (`ComplianceCount`), moved in the same transaction as every deadline
write, so that the compliance page reads a few hundred rows instead of a year of cases.

`save` is the one way a deadline is created or changes outcome; every writer (the service
desk's and the importer's hooks, the staff actions, the demo) goes through it. The counts
hold what does not change with time; which running cases are overdue at a given moment is
asked of the deadlines themselves (compliance.py), from an index of the few not yet due.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_delete
from django.dispatch import receiver

from tryghed.core.inserts import Insert
from tryghed.guarantees.models import ComplianceCount, Deadline

# The outcome a deadline is counted under; void ones are not counted.
COLUMN = {
    Deadline.Outcome.OPEN: "running",
    Deadline.Outcome.MET: "met",
    Deadline.Outcome.MISSED: "missed",
}
COLUMNS = ("met", "missed", "running")
# Citizen intake opens deadlines on its busiest path: bulk_create without compiling each time.
_insert_deadlines = Insert(Deadline)


def group_of(deadline):
    return (deadline.guarantee_id, deadline.district_id, deadline.municipality_id, deadline.month)


def _key(group):
    guarantee, district, municipality, month = group
    return f"{guarantee}:{district or ''}:{municipality or ''}:{month:%Y-%m}"


def save(deadlines, *, fields=None):
    """Write `deadlines` and move the compliance counts with them, atomically.

    Those without a primary key are inserted; the others are updated (only `fields`, when
    given) and must have been read with their outcome (locked, where two writers could
    race), which the counts move from. Returns the deadlines.
    """
    deadlines = list(deadlines)
    new = [d for d in deadlines if d.pk is None]
    old = [d for d in deadlines if d.pk is not None]
    if any(d.saved_outcome is None for d in old):
        raise ValueError("A deadline to update must be read with its outcome.")
    moves = Counter()
    for deadline in old:
        if deadline.saved_outcome in COLUMN:
            moves[group_of(deadline), COLUMN[deadline.saved_outcome]] -= 1
    for deadline in deadlines:
        if deadline.outcome in COLUMN:
            moves[group_of(deadline), COLUMN[deadline.outcome]] += 1
    # No savepoint of its own: a failure undoes the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        if new:
            _insert_deadlines.rows(new)
        if len(old) == 1:
            old[0].save(update_fields=fields)
        elif old:
            Deadline.objects.bulk_update(old, fields or _updatable())
        _move(moves)
    for deadline in deadlines:
        deadline.saved_outcome = deadline.outcome
    return deadlines


def _updatable():
    return [f.name for f in Deadline._meta.concrete_fields if not f.primary_key]


def _move(moves):
    """Add the moves to the counts, in key order so that concurrent writers lock rows alike:
    groups that only grow in one INSERT … ON CONFLICT DO UPDATE (the same statement on
    SQLite and PostgreSQL), the others, which must exist, by UPDATE."""
    groups = {}
    for (group, column), delta in moves.items():
        if delta:
            groups.setdefault(group, dict.fromkeys(COLUMNS, 0))[column] += delta
    rows = sorted((_key(group), group, deltas) for group, deltas in groups.items())
    grown = [row for row in rows if min(row[2].values()) >= 0]
    if grown:
        _add(grown)
    for key, _group, deltas in rows:
        if min(deltas.values()) < 0:
            changed = ComplianceCount.objects.filter(key=key).update(
                **{c: F(c) + delta for c, delta in deltas.items() if delta}
            )
            if changed != 1:
                raise ValueError(f"No compliance count {key} to move a deadline from.")


def _add(rows):
    quote = connection.ops.quote_name
    table = quote(ComplianceCount._meta.db_table)
    names = ["key", "guarantee_id", "district_id", "municipality_id", "month", *COLUMNS]
    values = ", ".join(["(" + ", ".join(["%s"] * len(names)) + ")"] * len(rows))
    params = []
    for key, (guarantee, district, municipality, month), deltas in rows:
        month = connection.ops.adapt_datefield_value(month)
        params += [key, guarantee, district, municipality, month]
        params += [deltas[c] for c in COLUMNS]
    added = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(map(quote, names))}) VALUES {values} "
            f"ON CONFLICT ({quote('key')}) DO UPDATE SET {added}",
            params,
        )


def direct(deadlines=None):
    """The counts recounted from the deadlines themselves: {group: (met, missed, running)}."""
    qs = (Deadline.objects.all() if deadlines is None else deadlines).exclude(
        outcome=Deadline.Outcome.VOID
    )
    found = {}
    for row in (
        qs.values("guarantee", "district", "municipality", "month")
        .annotate(
            met=Count("pk", filter=Q(outcome=Deadline.Outcome.MET)),
            missed=Count("pk", filter=Q(outcome=Deadline.Outcome.MISSED)),
            running=Count("pk", filter=Q(outcome=Deadline.Outcome.OPEN)),
        )
        .order_by()
    ):
        group = (row["guarantee"], row["district"], row["municipality"], row["month"])
        found[group] = tuple(row[c] for c in COLUMNS)
    return found


@transaction.atomic
def recount():
    """Rebuild the counts from the deadlines (after a migration or a bulk load in SQL)."""
    ComplianceCount.objects.all().delete()
    ComplianceCount.objects.bulk_create(
        ComplianceCount(
            key=_key(group),
            guarantee_id=group[0],
            district_id=group[1],
            municipality_id=group[2],
            month=group[3],
            **dict(zip(COLUMNS, counts, strict=True)),
        )
        for group, counts in direct().items()
    )


@receiver(post_delete, sender=Deadline)
def deadline_deleted(sender, instance, **kwargs):
    """A deadline goes with its case when the case is erased (the admin deletes citizen
    requests that must be): its count goes with it, in the deleting transaction."""
    if instance.outcome in COLUMN:
        _move(Counter({(group_of(instance), COLUMN[instance.outcome]): -1}))
