"""Monthly counts of incidents, kept by triggers on the incidents table so that they hold for
every write, however it is made (the importer, the admin, a bulk update, a delete), within
the writing transaction.

PostgreSQL: statement-level triggers over the transition tables, so that an import's
batch of thousands of rows changes each group once, not once per row. SQLite: row-level
triggers (SQLite has no other kind); the local month comes from Django's own
`django_datetime_trunc`, which every Django connection to SQLite registers.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models


TABLE = "incidents_monthlycount"
KEY = "(source_id, COALESCE(municipality_id, 0), category, month)"

POSTGRES_MONTH = "(date_trunc('month', occurred_at AT TIME ZONE 'Europe/Copenhagen'))::date"
POSTGRES_ROWS = (
    f"SELECT source_id, municipality_id, category, {POSTGRES_MONTH} AS month, %s AS d FROM %s"
)
POSTGRES_DELTA = """
    SELECT source_id, municipality_id, category, month, sum(d) AS d FROM (%s) AS rows
    GROUP BY source_id, municipality_id, category, month
"""
# Locks are taken in the order of the key, so that imports at once cannot deadlock.
POSTGRES_ADD = f"""
    INSERT INTO {TABLE} AS c (source_id, municipality_id, category, month, incidents)
    SELECT source_id, municipality_id, category, month, d FROM (%s) AS delta WHERE d > 0
    ORDER BY source_id, municipality_id, category, month
    ON CONFLICT {KEY} DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents;
"""
# Decrements are updates, never upserts: PostgreSQL checks a proposed row (here a negative
# count) against the constraints before it looks for the conflicting one.
POSTGRES_REMOVE = f"""
    WITH changed AS (
        UPDATE {TABLE} AS c SET incidents = c.incidents + delta.d FROM (%s) AS delta
        WHERE delta.d < 0 AND c.source_id = delta.source_id
            AND COALESCE(c.municipality_id, 0) = COALESCE(delta.municipality_id, 0)
            AND c.category = delta.category AND c.month = delta.month
        RETURNING c.id, c.incidents
    )
    SELECT array_agg(id) INTO emptied FROM changed WHERE incidents = 0;
    -- A statement does not see the rows its own update changed, hence a second one.
    IF emptied IS NOT NULL THEN
        DELETE FROM {TABLE} WHERE id = ANY(emptied) AND incidents = 0;
    END IF;
"""


def _postgres_function(name, rows, *, add, remove):
    delta = POSTGRES_DELTA % rows
    body = (POSTGRES_ADD % delta if add else "") + (POSTGRES_REMOVE % delta if remove else "")
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE emptied bigint[];
    BEGIN
        {body}
        RETURN NULL;
    END $$;
    """


POSTGRES = [
    _postgres_function(
        "incidents_counted_insert", POSTGRES_ROWS % ("1", "new_rows"), add=True, remove=False
    ),
    _postgres_function(
        "incidents_counted_delete", POSTGRES_ROWS % ("-1", "old_rows"), add=False, remove=True
    ),
    _postgres_function(
        "incidents_counted_update",
        POSTGRES_ROWS % ("1", "new_rows") + " UNION ALL " + POSTGRES_ROWS % ("-1", "old_rows"),
        add=True,
        remove=True,
    ),
    """CREATE TRIGGER incidents_counted_insert AFTER INSERT ON incidents_incident
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_counted_insert()""",
    """CREATE TRIGGER incidents_counted_delete AFTER DELETE ON incidents_incident
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_counted_delete()""",
    """CREATE TRIGGER incidents_counted_update AFTER UPDATE ON incidents_incident
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
       EXECUTE FUNCTION incidents_counted_update()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS incidents_counted_insert ON incidents_incident",
    "DROP TRIGGER IF EXISTS incidents_counted_delete ON incidents_incident",
    "DROP TRIGGER IF EXISTS incidents_counted_update ON incidents_incident",
    "DROP FUNCTION IF EXISTS incidents_counted_insert()",
    "DROP FUNCTION IF EXISTS incidents_counted_delete()",
    "DROP FUNCTION IF EXISTS incidents_counted_update()",
]

SQLITE_MONTH = (
    "substr(django_datetime_trunc('month', {0}.occurred_at, 'Europe/Copenhagen', 'UTC'), 1, 10)"
)
SQLITE_ADD = f"""
    INSERT INTO {TABLE} (source_id, municipality_id, category, month, incidents)
    VALUES (NEW.source_id, NEW.municipality_id, NEW.category, {SQLITE_MONTH.format("NEW")}, 1)
    ON CONFLICT {KEY} DO UPDATE SET incidents = incidents + 1;
"""
SQLITE_OLD_GROUP = f"""source_id = OLD.source_id
    AND COALESCE(municipality_id, 0) = COALESCE(OLD.municipality_id, 0)
    AND category = OLD.category AND month = {SQLITE_MONTH.format("OLD")}"""
SQLITE_REMOVE = f"""
    UPDATE {TABLE} SET incidents = incidents - 1 WHERE {SQLITE_OLD_GROUP};
    DELETE FROM {TABLE} WHERE {SQLITE_OLD_GROUP} AND incidents = 0;
"""
SQLITE = [
    f"""CREATE TRIGGER incidents_counted_insert AFTER INSERT ON incidents_incident
        BEGIN {SQLITE_ADD} END""",
    f"""CREATE TRIGGER incidents_counted_delete AFTER DELETE ON incidents_incident
        BEGIN {SQLITE_REMOVE} END""",
    f"""CREATE TRIGGER incidents_counted_update
        AFTER UPDATE OF source_id, municipality_id, category, occurred_at ON incidents_incident
        WHEN OLD.source_id IS NOT NEW.source_id OR OLD.municipality_id IS NOT NEW.municipality_id
            OR OLD.category IS NOT NEW.category OR OLD.occurred_at IS NOT NEW.occurred_at
        BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS incidents_counted_insert",
    "DROP TRIGGER IF EXISTS incidents_counted_delete",
    "DROP TRIGGER IF EXISTS incidents_counted_update",
]

BACKFILL = {
    "postgresql": f"""
        INSERT INTO {TABLE} (source_id, municipality_id, category, month, incidents)
        SELECT source_id, municipality_id, category, {POSTGRES_MONTH}, count(*)
        FROM incidents_incident GROUP BY 1, 2, 3, 4""",
    "sqlite": f"""
        INSERT INTO {TABLE} (source_id, municipality_id, category, month, incidents)
        SELECT source_id, municipality_id, category, {SQLITE_MONTH.format("incidents_incident")},
            count(*)
        FROM incidents_incident GROUP BY 1, 2, 3, 4""",
}


def _statements(vendor, postgres, sqlite):
    if vendor == "postgresql":
        return postgres
    if vendor == "sqlite":
        return sqlite
    raise NotImplementedError(f"No incident count triggers for {vendor}.")


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in [*_statements(vendor, POSTGRES, SQLITE), BACKFILL[vendor]]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor, POSTGRES_DROP, SQLITE_DROP):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_incident_import"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MonthlyCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("burglary_home", "Burglary in a home"),
                            ("burglary_holiday_home", "Burglary in a holiday home"),
                            ("burglary_business", "Burglary in a business"),
                            ("burglary_institution", "Burglary in an institution"),
                            ("theft_from_vehicle", "Theft from a vehicle"),
                            ("traffic_accident_fatal", "Traffic accident, fatal"),
                            ("traffic_accident_serious", "Traffic accident, serious injury"),
                            ("traffic_accident_minor", "Traffic accident, minor"),
                            ("drug_sale", "Drug sale"),
                            ("drug_sale_school", "Drug sale at or near a school"),
                            ("youth_nuisance", "Youth nuisance"),
                            ("moped_nuisance", "Moped nuisance"),
                            ("vandalism", "Vandalism"),
                            ("violence", "Violence"),
                            ("violence_close_relations", "Violence in close relations"),
                            ("gang_related", "Gang-related crime"),
                            ("it_crime", "IT crime"),
                            ("fraud_elderly", "Fraud against the elderly"),
                            ("psychiatric_welfare", "Psychiatric or welfare concern"),
                            ("other", "Other"),
                        ],
                        max_length=40,
                        verbose_name="category",
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
                "verbose_name": "monthly incident count",
                "verbose_name_plural": "monthly incident counts",
                "indexes": [
                    models.Index(
                        fields=["month", "category", "municipality", "source", "incidents"],
                        name="monthly_by_month",
                    ),
                    models.Index(
                        fields=["municipality", "category", "month", "source", "incidents"],
                        name="monthly_by_municipality",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("source"),
                        django.db.models.functions.comparison.Coalesce(
                            "municipality", models.Value(0), output_field=models.IntegerField()
                        ),
                        models.F("category"),
                        models.F("month"),
                        name="uniq_monthly_count",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
