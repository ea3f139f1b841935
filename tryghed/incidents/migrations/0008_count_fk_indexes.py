"""Drops the single-column indexes of the count tables' foreign keys: each key leads another
index already (the unique key, the index by municipality), and every index is written with
each count. By name, as in 0005: altering the fields would make SQLite rebuild the tables."""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = [
    ("incidents_monthlycount", "source_id"),
    ("incidents_monthlycount", "municipality_id"),
    ("incidents_monthlytotal", "source_id"),
    ("incidents_monthlytotal", "municipality_id"),
]


def _name(schema_editor, table, column):
    return schema_editor.quote_name(schema_editor._create_index_name(table, [column], suffix=""))


def drop_indexes(apps, schema_editor):
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_name(schema_editor, table, column)}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX {_name(schema_editor, table, column)} ON {quote(table)} ({quote(column)})"
        )


def _keys(model_name):
    return [
        migrations.AlterField(
            model_name=model_name,
            name="municipality",
            field=models.ForeignKey(
                blank=True,
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
        ("incidents", "0007_bulk_import"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[*_keys("monthlycount"), *_keys("monthlytotal")],
        ),
    ]
