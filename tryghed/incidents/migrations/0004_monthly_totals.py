"""Monthly totals of incidents over every category, kept by their own triggers exactly as
0003 keeps the monthly counts (see there): a question about every category reads some 6,000
rows for five years of a source instead of some 100,000."""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


TABLE = "incidents_monthlytotal"
KEY = "(source_id, COALESCE(municipality_id, 0), month)"
SAME_GROUP = (
    "c.source_id = delta.source_id "
    "AND COALESCE(c.municipality_id, 0) = COALESCE(delta.municipality_id, 0) "
    "AND c.month = delta.month"
)
POSTGRES_MONTH = "(date_trunc('month', occurred_at AT TIME ZONE 'Europe/Copenhagen'))::date"
SQLITE_MONTH = (
    "substr(django_datetime_trunc('month', {0}.occurred_at, 'Europe/Copenhagen', 'UTC'), 1, 10)"
)


def _postgres_rows(sign, table):
    return f"SELECT source_id, municipality_id, {POSTGRES_MONTH} AS month, {sign} AS d FROM {table}"


def _postgres_function(name, rows, *, add, remove):
    delta = (
        f"SELECT source_id, municipality_id, month, sum(d) AS d FROM ({rows}) AS rows "
        "GROUP BY source_id, municipality_id, month"
    )
    body = ""
    if add:
        body += f"""
        INSERT INTO {TABLE} AS c (source_id, municipality_id, month, incidents)
        SELECT source_id, municipality_id, month, d FROM ({delta}) AS delta WHERE d > 0
        ORDER BY source_id, municipality_id, month
        ON CONFLICT {KEY} DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents;"""
    if remove:
        body += f"""
        WITH changed AS (
            UPDATE {TABLE} AS c SET incidents = c.incidents + delta.d FROM ({delta}) AS delta
            WHERE delta.d < 0 AND {SAME_GROUP}
            RETURNING c.id, c.incidents
        )
        SELECT array_agg(id) INTO emptied FROM changed WHERE incidents = 0;
        IF emptied IS NOT NULL THEN
            DELETE FROM {TABLE} WHERE id = ANY(emptied) AND incidents = 0;
        END IF;"""
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE emptied bigint[];
    BEGIN {body}
        RETURN NULL;
    END $$;"""


POSTGRES = [
    _postgres_function(
        "incidents_totalled_insert", _postgres_rows(1, "new_rows"), add=True, remove=False
    ),
    _postgres_function(
        "incidents_totalled_delete", _postgres_rows(-1, "old_rows"), add=False, remove=True
    ),
    _postgres_function(
        "incidents_totalled_update",
        _postgres_rows(1, "new_rows") + " UNION ALL " + _postgres_rows(-1, "old_rows"),
        add=True,
        remove=True,
    ),
    """CREATE TRIGGER incidents_totalled_insert AFTER INSERT ON incidents_incident
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_totalled_insert()""",
    """CREATE TRIGGER incidents_totalled_delete AFTER DELETE ON incidents_incident
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_totalled_delete()""",
    """CREATE TRIGGER incidents_totalled_update AFTER UPDATE ON incidents_incident
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_totalled_update()""",
]
EVENTS = ("insert", "delete", "update")
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS incidents_totalled_{e} ON incidents_incident" for e in EVENTS),
    *(f"DROP FUNCTION IF EXISTS incidents_totalled_{e}()" for e in EVENTS),
]

SQLITE_ADD = f"""
    INSERT INTO {TABLE} (source_id, municipality_id, month, incidents)
    VALUES (NEW.source_id, NEW.municipality_id, {SQLITE_MONTH.format("NEW")}, 1)
    ON CONFLICT {KEY} DO UPDATE SET incidents = incidents + 1;
"""
SQLITE_OLD_GROUP = f"""source_id = OLD.source_id
    AND COALESCE(municipality_id, 0) = COALESCE(OLD.municipality_id, 0)
    AND month = {SQLITE_MONTH.format("OLD")}"""
SQLITE_REMOVE = f"""
    UPDATE {TABLE} SET incidents = incidents - 1 WHERE {SQLITE_OLD_GROUP};
    DELETE FROM {TABLE} WHERE {SQLITE_OLD_GROUP} AND incidents = 0;
"""
SQLITE = [
    f"""CREATE TRIGGER incidents_totalled_insert AFTER INSERT ON incidents_incident
        BEGIN {SQLITE_ADD} END""",
    f"""CREATE TRIGGER incidents_totalled_delete AFTER DELETE ON incidents_incident
        BEGIN {SQLITE_REMOVE} END""",
    f"""CREATE TRIGGER incidents_totalled_update
        AFTER UPDATE OF source_id, municipality_id, occurred_at ON incidents_incident
        WHEN OLD.source_id IS NOT NEW.source_id OR OLD.municipality_id IS NOT NEW.municipality_id
            OR OLD.occurred_at IS NOT NEW.occurred_at
        BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS incidents_totalled_{e}" for e in EVENTS]

BACKFILL = {
    "postgresql": f"""
        INSERT INTO {TABLE} (source_id, municipality_id, month, incidents)
        SELECT source_id, municipality_id, {POSTGRES_MONTH}, count(*)
        FROM incidents_incident GROUP BY 1, 2, 3""",
    "sqlite": f"""
        INSERT INTO {TABLE} (source_id, municipality_id, month, incidents)
        SELECT source_id, municipality_id, {SQLITE_MONTH.format("incidents_incident")}, count(*)
        FROM incidents_incident GROUP BY 1, 2, 3""",
}


def _statements(vendor, postgres, sqlite):
    if vendor == "postgresql":
        return postgres
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"No incident total triggers for {vendor}.")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [*_statements(vendor, POSTGRES, SQLITE), BACKFILL[vendor]]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, POSTGRES_DROP, SQLITE_DROP):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_monthly_counts"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField(verbose_name="month")),
                ("incidents", models.PositiveIntegerField(verbose_name="incidents")),
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="organisation.municipality",
                        verbose_name="municipality",
                    ),
                ),
                (
                    "source",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="incidents.incidentsource",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "monthly incident total",
                "verbose_name_plural": "monthly incident totals",
                "indexes": [
                    models.Index(
                        fields=["month", "municipality", "source", "incidents"],
                        name="monthly_total_by_month",
                    ),
                    models.Index(
                        fields=["municipality", "month", "source", "incidents"],
                        name="monthly_total_by_muni",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("source"),
                        django.db.models.functions.comparison.Coalesce(
                            "municipality", models.Value(0), output_field=models.IntegerField()
                        ),
                        models.F("month"),
                        name="uniq_monthly_total",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
