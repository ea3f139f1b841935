"""What the bulk import on PostgreSQL needs (tryghed/incidents/bulk.py):

- The insert triggers of the monthly counts and totals stand aside for a statement while the
  setting `tryghed.counted_by` is "importer": the importer adds its new incidents to the
  counts itself, once per import. The setting is local to a transaction, and the importer
  clears it after each of its COPY statements.
- The incident's two foreign keys lose their database constraint: PostgreSQL checks it with a
  query per row, which costs an import more than writing the row. The importer writes only
  the keys of the municipalities it read and of the source it holds locked, and the models
  still protect both from deletion (on_delete=PROTECT).

SQLite keeps its row triggers and its constraints: its import writes batch by batch, and
changing a field's constraint there would rebuild the table without its triggers.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "incidents_incident"
SKIP = "current_setting('tryghed.counted_by', true) IS DISTINCT FROM 'importer'"
TRIGGERS = {
    "incidents_counted_insert": "incidents_counted_insert",
    "incidents_totalled_insert": "incidents_totalled_insert",
}


def _insert_trigger(name, *, when):
    condition = f"WHEN ({SKIP}) " if when else ""
    return (
        f"CREATE TRIGGER {name} AFTER INSERT ON {TABLE} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {condition}"
        f"EXECUTE FUNCTION {TRIGGERS[name]}()"
    )


def _foreign_keys(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, info in constraints.items()
        if info["foreign_key"] and info["columns"] in (["source_id"], ["municipality_id"])
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER {name} ON {TABLE}")
        schema_editor.execute(_insert_trigger(name, when=True))
    for name in _foreign_keys(schema_editor):
        schema_editor.execute(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT {schema_editor.quote_name(name)}"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER {name} ON {TABLE}")
        schema_editor.execute(_insert_trigger(name, when=False))
    for column, target in (
        ("source_id", "incidents_incidentsource"),
        ("municipality_id", "organisation_municipality"),
    ):
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_{column}_fk FOREIGN KEY ({column}) "
            f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_rape_category"),
        ("organisation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="incident",
                    name="municipality",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
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
                        db_constraint=False,
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
