"""Drops the single-column indexes of the incident's foreign keys: each key leads a composite
index already, and an import writes every index once per row.

Only the indexes are dropped, by name: altering the fields would make SQLite rebuild the
table, which drops the count triggers with it."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "incidents_incident"
COLUMNS = ["source_id", "municipality_id"]


def _name(schema_editor, column):
    return schema_editor._create_index_name(TABLE, [column], suffix="")


def drop_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(_name(schema_editor, column))}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX {quote(_name(schema_editor, column))} "
            f"ON {quote(TABLE)} ({quote(column)})"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_monthly_totals"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="municipality",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incidents",
                        to="organisation.municipality",
                        verbose_name="municipality",
                    ),
                ),
                migrations.AlterField(
                    model_name="incident",
                    name="source",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="incidents",
                        to="incidents.incidentsource",
                        verbose_name="source",
                    ),
                ),
            ],
        ),
    ]
