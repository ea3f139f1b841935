"""On SQLite, the importer counts its new incidents itself, as it does on PostgreSQL (0007).

The insert triggers of the monthly counts and totals stand aside while the table
`incidents_counted_by_importer` holds a row. The importer puts one there in each batch's
transaction and takes it out before the commit, so no other connection ever sees it; SQLite
lets one connection write at a time, so no one else's row goes uncounted meanwhile. The
row triggers spent most of their time finding each incident's month in Danish local time,
which the importer already knows.
"""

import importlib

from django.db import migrations

MARKER = "incidents_counted_by_importer"
COUNTS = importlib.import_module("tryghed.incidents.migrations.0003_monthly_counts")
TOTALS = importlib.import_module("tryghed.incidents.migrations.0004_monthly_totals")
TRIGGERS = {"incidents_counted_insert": COUNTS, "incidents_totalled_insert": TOTALS}


def _insert_trigger(name, *, when):
    condition = f"WHEN NOT EXISTS (SELECT 1 FROM {MARKER}) " if when else ""
    return (
        f"CREATE TRIGGER {name} AFTER INSERT ON incidents_incident {condition}"
        f"BEGIN {TRIGGERS[name].SQLITE_ADD} END"
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(f"CREATE TABLE {MARKER} (id integer PRIMARY KEY)", params=None)
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER {name}", params=None)
        schema_editor.execute(_insert_trigger(name, when=True), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER {name}", params=None)
        schema_editor.execute(_insert_trigger(name, when=False), params=None)
    schema_editor.execute(f"DROP TABLE {MARKER}", params=None)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_import_statistics_only")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
