"""The count tables lose their foreign keys' database constraints on PostgreSQL, as the
incidents did in 0007: PostgreSQL checks each with a query per row at the commit, which cost
an import of 200,000 incidents two seconds for its 225,000 count rows. The counts are written
only by the triggers and the importer, from incidents whose keys exist, and the models still
delete them with their source or municipality (on_delete=CASCADE). SQLite keeps its
constraints: changing them there would rebuild the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = [
    "incidents_monthlycount",
    "incidents_monthlytotal",
    "incidents_weeklycount",
    "incidents_weeklytotal",
]
TARGETS = {"source_id": "incidents_incidentsource", "municipality_id": "organisation_municipality"}


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    for table in TABLES:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        for name, info in constraints.items():
            if info["foreign_key"] and info["columns"] in (["source_id"], ["municipality_id"]):
                schema_editor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(name)}"
                )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for column, target in TARGETS.items():
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fk FOREIGN KEY ({column}) "
                f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
            )


def _keys(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organisation.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name=model_name,
            name="source",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="incidents.incidentsource",
                verbose_name="source",
            ),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0011_weekly_counts"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                *_keys("monthlycount"),
                *_keys("monthlytotal"),
                *_keys("weeklycount"),
                *_keys("weeklytotal"),
            ],
        ),
    ]
