"""Weekly counts and totals of incidents, per ISO week in Danish local time, kept by triggers
as 0003 and 0004 keep the monthly ones (see there), with the importer counting its own
inserts as 0007 and 0010 let it: a week runs across months, so the dashboard's weekly
numbers could only be counted from the incidents themselves, millions of rows.
"""

import django.db.models.deletion
import django.db.models.functions.comparison
from django.db import migrations, models

POSTGRES_WEEK = "(date_trunc('week', occurred_at AT TIME ZONE 'Europe/Copenhagen'))::date"
SQLITE_WEEK = (
    "substr(django_datetime_trunc('week', {0}.occurred_at, 'Europe/Copenhagen', 'UTC'), 1, 10)"
)
# 0007's and 0010's conditions for an insert the importer counts itself.
POSTGRES_NOT_IMPORTER = "current_setting('tryghed.counted_by', true) IS DISTINCT FROM 'importer'"
SQLITE_NOT_IMPORTER = "NOT EXISTS (SELECT 1 FROM incidents_counted_by_importer)"
# Table, trigger name, the columns grouped besides the week.
TABLES = [
    ("incidents_weeklycount", "incidents_weekly_counted", ["municipality_id", "category"]),
    ("incidents_weeklytotal", "incidents_weekly_totalled", ["municipality_id"]),
]


def _key(group):
    return ", ".join(
        "COALESCE(municipality_id, 0)" if column == "municipality_id" else column
        for column in ["source_id", *group, "week"]
    )


def _postgres_function(table, name, group, rows, *, add, remove):
    columns = ", ".join(["source_id", *group, "week"])
    delta = f"SELECT {columns}, sum(d) AS d FROM ({rows}) AS rows GROUP BY {columns}"
    same = " AND ".join(
        f"COALESCE(c.{column}, 0) = COALESCE(delta.{column}, 0)"
        if column == "municipality_id"
        else f"c.{column} = delta.{column}"
        for column in ["source_id", *group, "week"]
    )
    body = ""
    if add:
        # Locks are taken in the order of the key, so that imports at once cannot deadlock.
        body += f"""
        INSERT INTO {table} AS c ({columns}, incidents)
        SELECT {columns}, d FROM ({delta}) AS delta WHERE d > 0 ORDER BY {columns}
        ON CONFLICT ({_key(group)}) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents;"""
    if remove:
        body += f"""
        WITH changed AS (
            UPDATE {table} AS c SET incidents = c.incidents + delta.d FROM ({delta}) AS delta
            WHERE delta.d < 0 AND {same}
            RETURNING c.id, c.incidents
        )
        SELECT array_agg(id) INTO emptied FROM changed WHERE incidents = 0;
        IF emptied IS NOT NULL THEN
            DELETE FROM {table} WHERE id = ANY(emptied) AND incidents = 0;
        END IF;"""
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE emptied bigint[];
    BEGIN {body}
        RETURN NULL;
    END $$;"""


def _postgres(table, name, group):
    def rows(sign, transition):
        columns = ", ".join(["source_id", *group])
        return f"SELECT {columns}, {POSTGRES_WEEK} AS week, {sign} AS d FROM {transition}"

    both = rows(1, "new_rows") + " UNION ALL " + rows(-1, "old_rows")
    return [
        _postgres_function(
            table, f"{name}_insert", group, rows(1, "new_rows"), add=True, remove=False
        ),
        _postgres_function(
            table, f"{name}_delete", group, rows(-1, "old_rows"), add=False, remove=True
        ),
        _postgres_function(table, f"{name}_update", group, both, add=True, remove=True),
        f"""CREATE TRIGGER {name}_insert AFTER INSERT ON incidents_incident
           REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
           WHEN ({POSTGRES_NOT_IMPORTER}) EXECUTE FUNCTION {name}_insert()""",
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON incidents_incident
           REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
           EXECUTE FUNCTION {name}_delete()""",
        f"""CREATE TRIGGER {name}_update AFTER UPDATE ON incidents_incident
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
           EXECUTE FUNCTION {name}_update()""",
    ]


def _sqlite(table, name, group):
    columns = ", ".join(["source_id", *group, "week"])
    values = ", ".join([*(f"NEW.{column}" for column in ["source_id", *group])])
    add = f"""
        INSERT INTO {table} ({columns}, incidents)
        VALUES ({values}, {SQLITE_WEEK.format("NEW")}, 1)
        ON CONFLICT ({_key(group)}) DO UPDATE SET incidents = incidents + 1;"""
    old_group = " AND ".join(
        "COALESCE(municipality_id, 0) = COALESCE(OLD.municipality_id, 0)"
        if column == "municipality_id"
        else f"{column} = OLD.{column}"
        for column in ["source_id", *group]
    )
    old_group += f" AND week = {SQLITE_WEEK.format('OLD')}"
    remove = f"""
        UPDATE {table} SET incidents = incidents - 1 WHERE {old_group};
        DELETE FROM {table} WHERE {old_group} AND incidents = 0;"""
    return [
        f"""CREATE TRIGGER {name}_insert AFTER INSERT ON incidents_incident
            WHEN {SQLITE_NOT_IMPORTER} BEGIN {add} END""",
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON incidents_incident
            BEGIN {remove} END""",
        f"""CREATE TRIGGER {name}_update
            AFTER UPDATE OF source_id, municipality_id, category, occurred_at ON incidents_incident
            WHEN OLD.source_id IS NOT NEW.source_id
                OR OLD.municipality_id IS NOT NEW.municipality_id
                OR OLD.category IS NOT NEW.category OR OLD.occurred_at IS NOT NEW.occurred_at
            BEGIN {remove} {add} END""",
    ]


def _backfill(table, group, week):
    columns = ", ".join(["source_id", *group])
    return (
        f"INSERT INTO {table} ({columns}, week, incidents) "
        f"SELECT {columns}, {week}, count(*) FROM incidents_incident "
        f"GROUP BY {', '.join(str(i + 1) for i in range(len(group) + 2))}"
    )


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, name, group in TABLES:
        if vendor == "postgresql":
            statements = [*_postgres(table, name, group), _backfill(table, group, POSTGRES_WEEK)]
        elif vendor == "sqlite":
            week = SQLITE_WEEK.format("incidents_incident")
            statements = [*_sqlite(table, name, group), _backfill(table, group, week)]
        else:
            raise NotImplementedError(f"No incident count triggers for {vendor}.")
        for statement in statements:
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for _table, name, _group in TABLES:
        for action in ("insert", "delete", "update"):
            on = " ON incidents_incident" if postgres else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{action}{on}", params=None)
            if postgres:
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}_{action}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0010_sqlite_import_counts"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="WeeklyCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("incidents", models.PositiveIntegerField(verbose_name="incidents")),
                ("week", models.DateField(verbose_name="week")),
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
                            ("rape", "Rape"),
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
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
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
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="incidents.incidentsource",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "weekly incident count",
                "verbose_name_plural": "weekly incident counts",
                "indexes": [
                    models.Index(
                        fields=["week", "category", "municipality", "source", "incidents"],
                        name="weekly_by_week",
                    ),
                    models.Index(
                        fields=["municipality", "category", "week", "source", "incidents"],
                        name="weekly_by_municipality",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("source"),
                        django.db.models.functions.comparison.Coalesce(
                            "municipality", models.Value(0), output_field=models.IntegerField()
                        ),
                        models.F("category"),
                        models.F("week"),
                        name="uniq_weekly_count",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="WeeklyTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("incidents", models.PositiveIntegerField(verbose_name="incidents")),
                ("week", models.DateField(verbose_name="week")),
                (
                    "municipality",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
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
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="incidents.incidentsource",
                        verbose_name="source",
                    ),
                ),
            ],
            options={
                "verbose_name": "weekly incident total",
                "verbose_name_plural": "weekly incident totals",
                "indexes": [
                    models.Index(
                        fields=["week", "municipality", "source", "incidents"],
                        name="weekly_total_by_week",
                    ),
                    models.Index(
                        fields=["municipality", "week", "source", "incidents"],
                        name="weekly_total_by_muni",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        models.F("source"),
                        django.db.models.functions.comparison.Coalesce(
                            "municipality", models.Value(0), output_field=models.IntegerField()
                        ),
                        models.F("week"),
                        name="uniq_weekly_total",
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
